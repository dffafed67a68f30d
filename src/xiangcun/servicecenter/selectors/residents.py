"""Finding a resident at the counter: by mobile number (or its last digits), by name and village,
or by ID card number (through accounts' keyed hash). An agent finds only residents who consented
at the station they act for."""

import re
from typing import Any

from django.db.models import Q

from xiangcun.accounts.selectors import id_number_protected
from xiangcun.accounts.selectors import resident_get as profile_get
from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import localized
from xiangcun.core.validators import mobile_mask, mobile_normalize
from xiangcun.servicecenter.errors import (
    InvalidSearchError,
    NoConsentError,
    ResidentNotFoundError,
)
from xiangcun.servicecenter.models import Consent
from xiangcun.servicecenter.services._common import acting_station, require_agent
from xiangcun.servicecenter.services.residents import is_id
from xiangcun.servicecenter.types import ResidentRow

QUERY_MAX = 64
LIMIT_MAX = 100
_MOBILE = re.compile(r"^\+?(86)?1\d{10}$")
_DIGITS = re.compile(r"^\d{4,10}$")
_ID_SHAPE = re.compile(r"^\d{17}[\dXx]$")


def resident_row(resident: Any) -> ResidentRow:
    """A resident as the counter shows them (`resident` is accounts' profile, village and user
    joined)."""
    phone = resident.phone or (resident.user.phone if resident.user_id else "")
    return ResidentRow(
        id=resident.pk,
        name=resident.name,
        phone_masked=mobile_mask(phone) if phone else "",
        village=localized(resident.village),
        village_code=resident.village.code,
        id_number_masked=resident.id_number_masked,
        has_login=resident.user_id is not None,
    )


def _consented(station_id: int) -> Any:
    return (
        Consent.objects.filter(station_id=station_id, withdrawn_at__isnull=True)
        .select_related("resident__village", "resident__user")
        .order_by("resident__name", "resident_id")
    )


def residents_find(
    *, actor: AnyUser, q: str, station_id: int | None = None, limit: int = 20
) -> list[ResidentRow]:
    """Residents who consented at the acting station matching `q`: a mobile number (whole, or
    its last 4 to 10 digits), an ID card number (18 characters, checked: InvalidIdNumberError
    when it is not a valid one), or words each found in the name or the village's name. An
    empty `q` lists them all (up to `limit`)."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    if not isinstance(q, str) or len(q) > QUERY_MAX or "\x00" in q:
        raise InvalidSearchError(field="q")
    limit = max(1, min(int(limit), LIMIT_MAX))
    text = re.sub(r"[\s\-]+", " ", q).strip()
    compact = text.replace(" ", "")
    rows = _consented(station)
    if not text:
        pass
    elif _MOBILE.match(compact):
        phone = mobile_normalize(compact)
        rows = rows.filter(Q(resident__phone=phone) | Q(resident__user__phone=phone))
    elif _ID_SHAPE.match(compact):
        number_hash, _masked = id_number_protected(id_number=compact)
        rows = rows.filter(resident__id_number_hash=number_hash)
    elif _DIGITS.match(compact):
        rows = rows.filter(
            Q(resident__phone__endswith=compact) | Q(resident__user__phone__endswith=compact)
        )
    else:
        for word in text.split(" ")[:4]:
            rows = rows.filter(
                Q(resident__name__icontains=word) | Q(resident__village__name__icontains=word)
            )
    return [resident_row(consent.resident) for consent in rows[:limit]]


def resident_get(*, actor: AnyUser, resident_id: int) -> ResidentRow:
    """One resident for the acting agent: ResidentNotFoundError when there is no such resident,
    NoConsentError when they have not consented at the agent's station."""
    require_agent(actor)
    return resident_row(resident_consented(actor=actor, resident_id=resident_id))


def resident_consented(*, actor: AnyUser, resident_id: int, station_id: int | None = None) -> Any:
    """accounts' profile of a resident who consented at the acting station (for the services)."""
    station = acting_station(actor, station_id)
    if not is_id(resident_id):
        raise ResidentNotFoundError(field="resident")
    consent = _consented(station).filter(resident_id=resident_id).first()
    if consent is not None:
        return consent.resident
    if profile_get(resident_id=resident_id) is None:
        raise ResidentNotFoundError(field="resident")
    raise NoConsentError(field="resident")
