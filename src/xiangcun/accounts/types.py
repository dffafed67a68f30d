"""Roles (each a Django group of the same name) and the plain values accounts hands out."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

# Whoever is acting: a signed-in user or a visitor. Every app's services and selectors take
# their actor as this. At run time the user model is named by its base class, so that this
# module need not import the models (which import it).
if TYPE_CHECKING:
    from xiangcun.accounts.models import User

    AnyUser: TypeAlias = User | AnonymousUser
else:
    AnyUser = AbstractBaseUser | AnonymousUser


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    RESIDENT = "resident", _("Resident")
    SELLER = "seller", _("Seller")
    AGENT = "agent", _("Service-centre agent")
    WAREHOUSE = "warehouse", _("Warehouse manager")
    PACKER = "packer", _("Packaging worker")
    DRIVER = "driver", _("Driver")
    COURIER = "courier", _("Delivery courier")
    BRAND_MANAGER = "brand_manager", _("Brand manager")
    LOAN_OFFICER = "loan_officer", _("Loan officer")
    RECRUITER = "recruiter", _("Recruiter")
    TRAINER = "trainer", _("Trainer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    ADMIN = "admin", _("Administrator")


# Roles whose holders work in the back office and may open the Django admin.
STAFF_ROLES = frozenset(
    {
        Role.WAREHOUSE,
        Role.BRAND_MANAGER,
        Role.LOAN_OFFICER,
        Role.RECRUITER,
        Role.TRAINER,
        Role.PROGRAMME_MANAGER,
        Role.ADMIN,
    }
)


@dataclass(frozen=True)
class DemoUser:
    """A demo login, as the demo loader prints it."""

    role: Role
    phone: str
    name: str


@dataclass(frozen=True)
class IssuedApiToken:
    """A new API token: the secret is shown once, only its hash is kept."""

    token: str
    expires_at: datetime.datetime


# --- Text messages (see accounts.sms) ---------------------------------------------------------

# Values a queued text may carry. They are stored in clear in the task queue: references and
# plain values only, never a code.
SmsParam = str | int | bool | None | list[str]
SmsParams = Mapping[str, SmsParam]
# Writes a kind's text at send time from the recipient's phone and the params, in the active
# (the recipient's) language; None when the text is no longer due.
SmsRenderer = Callable[[str, Mapping[str, Any]], str | None]

# The kind for texts that hold no secret: params["text"] is the message's msgid (mark it with
# gettext_noop), "plural" and "count" make it an ngettext, the values named in the list
# params["translate"] are msgids too, every other value is put in as it is.
SMS_TEXT = "text"


@dataclass(frozen=True)
class ResidentAt:
    """A resident as they were on a day: where they lived then (moves taken into account), and
    their household, for the programme's figures."""

    resident_id: int
    user_id: int | None
    village_id: int
    township_id: int
    household_id: int | None
    poor: bool


@dataclass(frozen=True)
class PoorHouseholdRow:
    """A registered poor household (建档立卡) as the impact views list it."""

    id: int
    head_name: str
    register_number: str
    village_id: int
    township_id: int
    members: int
