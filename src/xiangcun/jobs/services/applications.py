"""Applying for a job, by any of three doors: the person online for themselves, a
service-centre agent for a resident (with the resident's consent), a recruiter or helper at a
career fair. The same person applies to a posting once: a second submit, a retried one or a
race finds the first application (unique phone, ID hash and idempotency key per posting)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import (
    id_number_protected,
    resident_by_id_number,
    user_roles,
)
from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.validators import mobile_normalize, text_field
from xiangcun.jobs.errors import (
    FairNotFoundError,
    InvalidJobFieldError,
    JobsPermissionDeniedError,
    PostingClosedError,
    PostingNotAtFairError,
    UnknownVillageError,
)
from xiangcun.jobs.models import Application, ApplicationEvent, Fair, Posting
from xiangcun.jobs.services._common import (
    HELPERS,
    JOB_STEP_SMS,
    actor_id,
    posting_is_open,
    posting_locked,
)
from xiangcun.jobs.types import ApplicationStatus, Source
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import station_get, village_township_id

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Submitted:
    """The application and whether this call made it (False: the same person was there)."""

    application: Application
    created: bool


def _door(
    actor: AnyUser, *, phone: str, fair_id: int | None, consent: bool, station_id: int | None
) -> str:
    """Which door the application comes through; refuses who may not use it."""
    if not actor.is_authenticated:
        raise JobsPermissionDeniedError(_("Log in with your mobile number to apply."))
    roles = user_roles(user=actor)
    helper = bool(roles & HELPERS)
    if fair_id is not None and helper:
        return Source.FAIR  # entered at the fair's table: a walk-in
    if phone == getattr(actor, "phone", None):
        return Source.ONLINE  # with a fair: registered for it ahead of the day
    if not helper:
        raise JobsPermissionDeniedError(_("You can apply only for yourself, with your own number."))
    if not consent:
        raise InvalidJobFieldError(
            _("The person must agree to apply; tick that they did."), field="consent"
        )
    if Role.AGENT in roles and station_id is None:
        raise InvalidJobFieldError(_("Choose the station where you met them."), field="station")
    return Source.AGENT


def _fair_check(fair_id: int, posting: Posting) -> None:
    fair = Fair.objects.filter(pk=fair_id).first()
    if fair is None:
        raise FairNotFoundError(field="fair")
    if not fair.postings.filter(pk=posting.pk).exists():
        raise PostingNotAtFairError(field="posting")


def _existing(
    posting_id: int, phone: str, number_hash: str | None, entered_by: int, key: str | None
) -> Application | None:
    rows = Application.objects.filter(posting_id=posting_id)
    found = rows.filter(phone=phone).first()
    if found is None and number_hash:
        found = rows.filter(id_number_hash=number_hash).first()
    if found is None and key:
        found = Application.objects.filter(entered_by_id=entered_by, idempotency_key=key).first()
    return found


def _person(
    *, name: str, phone: str, village_id: int, id_number: str, licence_class: str
) -> dict[str, Any]:
    name = text_field(name, field="name", max_length=64)
    township_id = village_township_id(village_id=village_id)
    if township_id is None:
        raise UnknownVillageError(field="village")
    person: dict[str, Any] = {
        "name": name,
        "phone": phone,
        "village_id": village_id,
        "township_id": township_id,
        "licence_class": text_field(
            licence_class, field="licence_class", max_length=8, required=False
        ).upper(),
        "id_number_hash": None,
        "id_number_masked": "",
        "registered_poor": False,
    }
    if id_number.strip():
        number_hash, masked = id_number_protected(id_number=id_number)
        resident = resident_by_id_number(id_number=id_number)
        person.update(
            id_number_hash=number_hash,
            id_number_masked=masked,
            registered_poor=bool(resident and resident.registered_poor),
        )
    return person


@transaction.atomic
def application_submit(
    *,
    actor: AnyUser,
    posting_id: int,
    name: str,
    phone: str,
    village_id: int,
    fair_id: int | None = None,
    id_number: str = "",
    licence_class: str = "",
    consent: bool = False,
    station_id: int | None = None,
    idempotency_key: str = "",
) -> Submitted:
    """Apply for a job; the same person (phone or ID card) on the same posting, or the same
    entry sent again (idempotency key), answers the application already there."""
    phone = mobile_normalize(phone) if (phone or "").strip() else getattr(actor, "phone", "")
    key = idempotency_key.strip() or None
    if key is not None and not _KEY.match(key):
        raise InvalidJobFieldError(field="idempotency_key")
    source = _door(actor, phone=phone, fair_id=fair_id, consent=consent, station_id=station_id)
    entered_by = actor_id(actor)
    person = _person(
        name=name,
        phone=mobile_normalize(phone),
        village_id=village_id,
        id_number=id_number,
        licence_class=licence_class,
    )
    posting = posting_locked(posting_id)
    found = _existing(posting.pk, person["phone"], person["id_number_hash"], entered_by, key)
    if found is not None:
        return Submitted(found, created=False)
    if not posting_is_open(posting):
        raise PostingClosedError
    if fair_id is not None:
        _fair_check(fair_id, posting)
    if station_id is not None:
        try:
            station_get(station_id=station_id)
        except StationNotFoundError:
            raise InvalidJobFieldError(field="station") from None
    application = Application(
        posting=posting,
        **person,
        user_id=entered_by if source == Source.ONLINE else None,
        source=source,
        entered_by_id=entered_by,
        consent_at=timezone.now() if source == Source.AGENT else None,
        consent_station_id=station_id if source == Source.AGENT else None,
        fair_id=fair_id,
        idempotency_key=key,
    )
    try:
        # A savepoint: a racing submit of the same person loses on the unique constraints.
        with transaction.atomic():
            application.save()
    except IntegrityError:
        found = _existing(posting.pk, person["phone"], person["id_number_hash"], entered_by, key)
        if found is None:
            raise
        return Submitted(found, created=False)
    ApplicationEvent.objects.create(
        application=application,
        code="applied",
        params={"source": source, "fair": fair_id},
        actor_id=entered_by,
    )
    step_sms_queue(application)
    return Submitted(application, created=True)


def step_sms_queue(application: Application) -> None:
    sms_queue(
        phone=application.phone,
        kind=JOB_STEP_SMS,
        params={"application_id": application.pk, "status": application.status},
    )


def _step_text(application: Application) -> str:
    title = application.posting.title
    texts = {
        ApplicationStatus.APPLIED: gettext("Xiangcun jobs: we have your application for %(job)s."),
        ApplicationStatus.SCREENED: gettext(
            "Xiangcun jobs: your application for %(job)s passed the first check."
        ),
        ApplicationStatus.INTERVIEW: gettext(
            "Xiangcun jobs: interview for %(job)s on %(when)s. Bring your ID card."
        ),
        ApplicationStatus.OFFER: gettext(
            "Xiangcun jobs: we offer you the job %(job)s. The recruiter will call you."
        ),
        ApplicationStatus.HIRED: gettext("Xiangcun jobs: welcome! You start as %(job)s."),
        ApplicationStatus.REJECTED: gettext(
            "Xiangcun jobs: your application for %(job)s did not go further this time."
        ),
        ApplicationStatus.WITHDRAWN: gettext(
            "Xiangcun jobs: your application for %(job)s is withdrawn."
        ),
    }
    when = ""
    if application.interview_at is not None:
        when = timezone.localtime(application.interview_at).strftime("%Y-%m-%d %H:%M")
    return texts[ApplicationStatus(application.status)] % {"job": title, "when": when}


def job_step_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The text of one step of an application, written at send time; None once the
    application has moved on (a later text says where it is)."""
    application = (
        Application.objects.select_related("posting")
        .filter(pk=int(params["application_id"]), phone=phone)
        .first()
    )
    if application is None or application.status != params.get("status"):
        return None
    return _step_text(application)
