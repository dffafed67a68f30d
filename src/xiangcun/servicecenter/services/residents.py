"""Residents at the counter: registered by an agent with their consent, and that consent recorded
or withdrawn (who, when, which station). Every action is logged; an ID card number only passes
through accounts on its way to the keyed hash and the masked form."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.accounts.selectors import resident_by_id_number, resident_by_phone, resident_get
from xiangcun.accounts.services import resident_register, user_for_phone
from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import mobile_normalize, text_check
from xiangcun.regions.errors import UnknownVillageError
from xiangcun.servicecenter.errors import (
    ConsentRequiredError,
    NoConsentError,
    NotAnAgentError,
    ResidentNotFoundError,
)
from xiangcun.servicecenter.models import Consent
from xiangcun.servicecenter.services._common import acting_station, action_log

NAME_MAX = 64
ID_MAX = 2**31 - 1


def is_id(value: object) -> bool:
    """A database id as a client may send one: a positive int in the column's range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


ID_NUMBER_MAX = 40


def actor_pk(actor: AnyUser) -> int:
    """The acting user's id (a visitor has none and acts for nobody)."""
    if actor.pk is None:
        raise NotAnAgentError
    return int(actor.pk)


def _consent_ensure(*, actor: AnyUser, resident_id: int, station_id: int) -> tuple[Consent, bool]:
    """The live consent of the resident at the station, recorded now if there is none."""
    live = Consent.objects.filter(
        resident_id=resident_id, station_id=station_id, withdrawn_at__isnull=True
    ).first()
    if live is not None:
        return live, False
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                resident_id=resident_id,
                station_id=station_id,
                recorded_by_id=actor_pk(actor),
                given_at=timezone.now(),
            )
    except IntegrityError:
        # Recorded meanwhile by another request (one live consent per station).
        return Consent.objects.get(
            resident_id=resident_id, station_id=station_id, withdrawn_at__isnull=True
        ), False
    action_log(actor=actor, station_id=station_id, code="consent_recorded", resident_id=resident_id)
    return consent, True


@transaction.atomic
def resident_register_assisted(
    *,
    actor: AnyUser,
    name: str,
    village_id: int,
    phone: str = "",
    id_number: str = "",
    consent: bool,
    station_id: int | None = None,
) -> Any:
    """Register a resident at the counter, with their consent that this station acts for them.

    A phone or ID card number that already belongs to a resident finds that resident instead:
    they get this station's consent, and no second record is made. A new resident with a phone
    gets a login for it (no password: they log in by SMS code on their own phone and see the
    orders placed for them); one without a phone has a resident record only. Raises
    ConsentRequiredError (400) without consent, InvalidIdNumberError / InvalidPhoneError /
    UnknownVillageError for bad input.
    """
    station = acting_station(actor, station_id)
    if consent is not True:
        raise ConsentRequiredError(field="consent")
    for field, value, limit in (
        ("name", name, NAME_MAX),
        ("phone", phone, 20),
        ("id_number", id_number, ID_NUMBER_MAX),
    ):
        if not isinstance(value, str) or len(value) > limit:
            raise InvalidInputError(field=field)
    if not is_id(village_id):
        raise UnknownVillageError(field="village")
    text_check(name=name, phone=phone, id_number=id_number)
    clean_phone = mobile_normalize(phone) if phone.strip() else ""

    existing = None
    if id_number.strip():
        existing = resident_by_id_number(id_number=id_number)
    if existing is None and clean_phone:
        existing = resident_by_phone(phone=clean_phone)
    if existing is not None:
        _consent_ensure(actor=actor, resident_id=existing.pk, station_id=station)
        return existing

    user = user_for_phone(phone=clean_phone, name=name.strip()[:NAME_MAX]) if clean_phone else None
    resident = resident_register(
        name=name, village_id=village_id, phone=clean_phone, id_number=id_number, user=user
    )
    action_log(
        actor=actor,
        station_id=station,
        code="resident_registered",
        resident_id=resident.pk,
        has_phone=bool(clean_phone),
        has_id_number=bool(resident.id_number_masked),
    )
    _consent_ensure(actor=actor, resident_id=resident.pk, station_id=station)
    return resident


@transaction.atomic
def consent_record(*, actor: AnyUser, resident_id: int, station_id: int | None = None) -> Consent:
    """The resident agreed (again) that this station acts for them; recording it twice answers
    the live consent."""
    station = acting_station(actor, station_id)
    if resident_get(resident_id=resident_id) is None:
        raise ResidentNotFoundError(field="resident")
    consent, _created = _consent_ensure(actor=actor, resident_id=resident_id, station_id=station)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: AnyUser, resident_id: int, station_id: int | None = None) -> None:
    """The resident no longer wants this station to act for them: from now on its agents cannot
    find them or order for them (orders already placed stay)."""
    station = acting_station(actor, station_id)
    live = (
        Consent.objects.select_for_update()
        .filter(resident_id=resident_id, station_id=station, withdrawn_at__isnull=True)
        .first()
    )
    if live is None:
        raise NoConsentError(field="resident")
    live.withdrawn_at = timezone.now()
    live.save(update_fields=["withdrawn_at", "updated_at"])
    action_log(actor=actor, station_id=station, code="consent_withdrawn", resident_id=resident_id)
