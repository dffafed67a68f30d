"""Roles (each a Django group of the same name) and the plain values accounts hands out."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


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
