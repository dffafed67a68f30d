"""Pickup codes and hand-over: a station takes a parcel in and the recipient is texted a code;
the parcel is handed to whoever tells that code, with wrong codes counted per station."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_check
from xiangcun.logistics.errors import (
    CashFirstError,
    InvalidParcelStateError,
    PickupCodeLockedError,
    WrongPickupCodeError,
)
from xiangcun.logistics.models import (
    Parcel,
    PickupGuard,
)
from xiangcun.logistics.services._common import (
    Status,
    _event,
    _lots_of,
    _order_ship,
    _parcel_locked,
    _require,
    _require_station,
)
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    ROAD_ROLES,
    HandoverResult,
)
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.orders.types import OrderStatus
from xiangcun.regions.selectors import station_get
from xiangcun.regions.types import StationSummary
from xiangcun.traceability.services import event_deliver

PICKUP_MAX_FAILURES = 5
PICKUP_LOCK = timedelta(minutes=15)


# The kind of text (accounts.sms) that tells a recipient their parcel's pickup code.
PICKUP_CODE_SMS = "logistics.pickup_code"


def pickup_code_for(parcel: Parcel) -> str:
    """The parcel's 6-digit pickup code ("" before it is at a station)."""
    if not parcel.code_salt:
        return ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"xiangcun-pickup:{parcel.pk}:{parcel.code_salt}".encode(),
        hashlib.sha256,
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"xiangcun-pickup-code:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _code_issue(parcel: Parcel) -> str:
    """A fresh code, unique among the parcels waiting at the same station."""
    while True:
        parcel.code_salt = secrets.token_hex(8)
        code = pickup_code_for(parcel)
        taken = (
            Parcel.objects.filter(
                station=parcel.station_id, status=Status.AT_STATION, code_hash=_code_hash(code)
            )
            .exclude(pk=parcel.pk)
            .exists()
        )
        if not taken:
            parcel.code_hash = _code_hash(code)
            return code


def _at_station(parcel: Parcel, *, actor: AnyUser | None, station: StationSummary) -> None:
    _code_issue(parcel)
    parcel.status = Status.AT_STATION
    parcel.save(update_fields=["status", "code_salt", "code_hash", "updated_at"])
    _event(parcel, actor=actor, place=station.name)
    # Only the parcel's id is queued: the SMS task writes the text, code included, when it
    # sends it (pickup_code_sms), so the code never sits in the task queue.
    sms_queue(phone=parcel.phone, kind=PICKUP_CODE_SMS, params={"parcel_id": parcel.pk})


def pickup_code_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The pickup-code text of a parcel waiting at its station, derived again at send time (in
    the recipient's language); None once the parcel is no longer waiting or not theirs."""
    parcel = Parcel.objects.filter(pk=int(params["parcel_id"]), phone=phone).first()
    if parcel is None or parcel.status != Status.AT_STATION or parcel.station_id is None:
        return None
    station = station_get(station_id=parcel.station_id)
    return gettext(
        "Xiangcun: your parcel %(number)s is at %(station)s. Pickup code %(code)s. Open %(hours)s."
    ) % {
        "number": parcel.number,
        "station": station.name,
        "code": pickup_code_for(parcel),
        "hours": station.opening_hours or "-",
    }


@transaction.atomic
def parcel_station_receive(*, actor: AnyUser, parcel_id: int) -> Parcel:
    """The station takes in a parcel for one of its recipients: a pickup code is made and
    texted to the recipient."""
    _require(actor, HANDOVER_ROLES | ROAD_ROLES)
    parcel = _parcel_locked(parcel_id)
    _require_station(actor, parcel.station_id, HANDOVER_ROLES | ROAD_ROLES)
    # A parcel for a station always names it (a database constraint); the check tells mypy.
    if (
        parcel.destination != Parcel.Destination.STATION
        or parcel.station_id is None
        or parcel.status not in (Status.PACKED, Status.IN_TRANSIT)
    ):
        raise InvalidParcelStateError
    _order_ship(actor, parcel)
    _at_station(parcel, actor=actor, station=station_get(station_id=parcel.station_id))
    return parcel


def _guard_locked(station_id: int) -> PickupGuard:
    guard, _created = PickupGuard.objects.select_for_update().get_or_create(station_id=station_id)
    return guard


def _locked_error(until: datetime) -> PickupCodeLockedError:
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    minutes = -(-seconds // 60)
    return PickupCodeLockedError(
        PickupCodeLockedError.default_message % {"minutes": minutes}, retry_after=seconds
    )


def _code_judge(actor: AnyUser, station_id: int, code: str, *, hand_over: bool) -> Parcel:
    """Find the parcel waiting at the station under this code, counting wrong codes: after
    five within 15 minutes the station's counter is locked for 15 minutes. The count survives
    the refusal, which is why this commits its own transaction instead of being one."""
    _require(actor, HANDOVER_ROLES)
    station = station_get(station_id=station_id)
    # Before any code is judged: an agent of another station neither opens nor locks this one.
    _require_station(actor, station.id, HANDOVER_ROLES)
    code = re.sub(r"\s", "", str(code or ""))
    error: Exception | None = None
    found: Parcel | None = None
    with transaction.atomic():
        now = timezone.now()
        guard = _guard_locked(station.id)
        if guard.locked_until is not None and guard.locked_until > now:
            error = _locked_error(guard.locked_until)
        else:
            parcel = None
            if re.fullmatch(r"\d{6}", code):
                parcel = (
                    Parcel.objects.select_for_update()
                    .filter(
                        station_id=station.id,
                        status=Status.AT_STATION,
                        code_hash=_code_hash(code),
                    )
                    .first()
                )
            if parcel is None or pickup_code_for(parcel) != code:
                window_start = now - PICKUP_LOCK
                stale = guard.last_failure_at is None or guard.last_failure_at <= window_start
                guard.failures = 1 if stale or guard.locked_until else guard.failures + 1
                guard.last_failure_at = now
                guard.locked_until = None
                if guard.failures >= PICKUP_MAX_FAILURES:
                    guard.locked_until = now + PICKUP_LOCK
                guard.save(update_fields=["failures", "last_failure_at", "locked_until"])
                error = (
                    _locked_error(guard.locked_until)
                    if guard.locked_until
                    else WrongPickupCodeError(field="code", failures=guard.failures)
                )
            else:
                if hand_over:
                    _handover(actor, parcel, station)
                    guard.failures, guard.locked_until, guard.last_failure_at = 0, None, None
                    guard.save(update_fields=["failures", "last_failure_at", "locked_until"])
                found = parcel
    if error is not None:
        raise error
    assert found is not None  # noqa: S101 - one of the two branches above set it
    return found


def parcel_code_check(*, actor: AnyUser, station_id: int, code: str) -> Parcel:
    """The parcel waiting at this station under `code`, to show before handing it over. A
    wrong code counts towards the station's lock."""
    text_check(code=code)
    return _code_judge(actor, station_id, code, hand_over=False)


def parcel_handover(*, actor: AnyUser, station_id: int, code: str) -> HandoverResult:
    """The station hands a waiting parcel to the person who tells its pickup code: the parcel
    is collected, the order delivered. Wrong codes are counted and limited per station."""
    text_check(code=code)
    parcel = _code_judge(actor, station_id, code, hand_over=True)
    return HandoverResult(
        parcel_id=parcel.pk,
        parcel_number=parcel.number,
        order_number=orders_selectors.order_get(
            order_id=parcel.order_id, for_user=actor
        ).order.number,
        recipient=parcel.recipient,
    )


def _handover(actor: AnyUser, parcel: Parcel, station: StationSummary) -> None:
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor).order
    if order.payment_method == "cash" and order.paid_at is None:
        raise CashFirstError
    parcel.status = Status.COLLECTED
    parcel.save(update_fields=["status", "updated_at"])
    _event(parcel, actor=actor, place=station.name)
    if order.status == OrderStatus.SHIPPED:
        orders_services.order_transition(
            actor=actor, order_id=order.pk, to_status=OrderStatus.DELIVERED
        )
    for lot in _lots_of(parcel):
        event_deliver(lot=lot, order_number=order.number, station_id=station.id)
