"""Tracking: a carrier's steps (pushed, polled, or typed by staff for the manual carrier) go
onto the parcel's timeline once each, move the parcel along, open a task for staff when
something went wrong, and complete the order when the parcel is delivered, as a van delivery
does.
"""

import datetime
import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import text_check
from xiangcun.logistics.carriers import carrier_client
from xiangcun.logistics.carriers.base import CarrierError, TrackingUpdate
from xiangcun.logistics.errors import (
    CarrierExceptionNotFoundError,
    InvalidParcelStateError,
    InvalidTrackingEventError,
)
from xiangcun.logistics.models import (
    CarrierException,
    Parcel,
    ParcelEvent,
    TrackingCode,
    Waybill,
)
from xiangcun.logistics.models.carriers import ExceptionKind
from xiangcun.logistics.services._common import Status, _lots_of, _order_ship, _parcel_locked
from xiangcun.logistics.services._common import _require as require_roles
from xiangcun.logistics.services.waybills import carrier_event
from xiangcun.logistics.types import PACKING_ROLES, WAREHOUSE_ROLES
from xiangcun.orders import services as orders_services
from xiangcun.orders.errors import OrderPermissionDeniedError
from xiangcun.orders.types import OrderStatus
from xiangcun.traceability.services import event_deliver

logger = logging.getLogger(__name__)

# A made waybill nobody has heard about for this long is asked about (`tracking_poll_due`).
POLL_AFTER = datetime.timedelta(hours=4)
# Where the parcel is after a step (None: where it was). A delivered or returned parcel stays.
_PARCEL_STATUS = {
    TrackingCode.COLLECTED: Status.WITH_CARRIER,
    TrackingCode.IN_TRANSIT: Status.WITH_CARRIER,
    TrackingCode.OUT_FOR_DELIVERY: Status.OUT_FOR_DELIVERY,
    TrackingCode.DELIVERED: Status.DELIVERED,
}
_FINAL = (Status.DELIVERED, Status.RETURNED)
STAFF_CODES = (
    TrackingCode.COLLECTED,
    TrackingCode.IN_TRANSIT,
    TrackingCode.OUT_FOR_DELIVERY,
    TrackingCode.DELIVERED,
    TrackingCode.EXCEPTION,
)


def _dedup_key(waybill: Waybill, update: TrackingUpdate) -> str:
    """The same step (same time, state and words) of the same waybill: one key."""
    text = "|".join(
        (
            str(waybill.pk),
            update.occurred_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            update.code,
            update.raw_status,
            update.text,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _order_delivered(parcel: Parcel, actor: AnyUser | None) -> None:
    """What a van delivery does to the order (services.delivery.parcel_deliver): delivered,
    and the lots' delivery recorded, so the seller's settlement follows."""
    order = parcel.order
    if order.status == OrderStatus.SHIPPED:
        try:
            with transaction.atomic():
                orders_services.order_transition(
                    actor=actor, order_id=order.pk, to_status=OrderStatus.DELIVERED
                )
        except OrderPermissionDeniedError:
            # The carrier is not a person: orders must let the system take this step.
            logger.warning("parcel %s delivered; order %s left shipped", parcel.pk, order.pk)
    for lot in _lots_of(parcel):
        event_deliver(lot=lot, order_number=order.number, station_id=None)


def _apply(
    parcel: Parcel,
    waybill: Waybill | None,
    update: TrackingUpdate,
    *,
    actor: AnyUser | None,
    dedup_key: str | None,
) -> ParcelEvent:
    """One new step on a locked parcel."""
    was = parcel.status
    to = _PARCEL_STATUS.get(TrackingCode(update.code)) if update.code in TrackingCode else None
    if update.code == TrackingCode.EXCEPTION and update.exception == ExceptionKind.RETURNED:
        to = Status.RETURNING
    if to is not None and was not in _FINAL and to != was:
        parcel.status = to
        parcel.save(update_fields=["status", "updated_at"])
        if was == Status.PACKED:
            # Collected without our hand-over list: it has left all the same.
            if actor is not None:
                _order_ship(actor, parcel)
            else:
                _order_ship_system(parcel)
    event = carrier_event(
        parcel,
        code=update.code,
        params={"exception": update.exception} if update.exception else {},
        actor=actor,
        carrier_text=update.text,
        place=update.place,
        occurred_at=update.occurred_at,
        dedup_key=dedup_key,
    )
    if update.code == TrackingCode.EXCEPTION:
        CarrierException.objects.create(
            parcel=parcel,
            waybill=waybill,
            event=event,
            kind=update.exception or ExceptionKind.OTHER,
            carrier_text=update.text[:300],
        )
    if parcel.status == Status.DELIVERED and was != Status.DELIVERED:
        _order_delivered(parcel, actor)
    return event


def _order_ship_system(parcel: Parcel) -> None:
    order = parcel.order
    if order.status == OrderStatus.PACKING:
        try:
            with transaction.atomic():
                orders_services.order_transition(
                    actor=None, order_id=order.pk, to_status=OrderStatus.SHIPPED
                )
        except OrderPermissionDeniedError:
            logger.warning("parcel %s collected; order %s left packing", parcel.pk, order.pk)


@transaction.atomic
def tracking_record(*, carrier: str, tracking_number: str, updates: list[TrackingUpdate]) -> int:
    """A carrier's steps for one waybill (from a push or a poll), each recorded once: a step
    seen before changes nothing. Returns how many were new. An unknown waybill records
    nothing (0)."""
    waybill = (
        Waybill.objects.filter(carrier=carrier, tracking_number=tracking_number)
        .exclude(tracking_number="")
        .exclude(status=Waybill.Status.CANCELLED)
        .first()
    )
    if waybill is None:
        logger.info("tracking for an unknown waybill of %s ignored", carrier[:16])
        return 0
    parcel = _parcel_locked(waybill.parcel_id)
    parcel = Parcel.objects.select_related("order").get(pk=parcel.pk)
    new = 0
    for update in sorted(updates, key=lambda item: item.occurred_at):
        key = _dedup_key(waybill, update)
        if ParcelEvent.objects.filter(dedup_key=key).exists():
            continue
        _apply(parcel, waybill, update, actor=None, dedup_key=key)
        new += 1
    Waybill.objects.filter(pk=waybill.pk).update(last_tracked_at=timezone.now())
    return new


def tracking_poll_due(*, limit: int = 50) -> int:
    """Ask the carrier about made waybills still on the road that nothing was heard about
    for POLL_AFTER (no push came). Each call happens with no transaction open. Returns how
    many new steps were recorded."""
    cutoff = timezone.now() - POLL_AFTER
    due = list(
        Waybill.objects.filter(
            status=Waybill.Status.CREATED,
            via=Waybill.Via.KUAIDI100,
            parcel__status__in=(Status.PACKED, Status.WITH_CARRIER, Status.OUT_FOR_DELIVERY),
        )
        .exclude(last_tracked_at__gt=cutoff)
        .select_related("parcel")
        .order_by("last_tracked_at", "pk")[:limit]
    )
    new = 0
    for waybill in due:
        try:
            updates = carrier_client(waybill.via).track(
                carrier=waybill.carrier,
                tracking_number=waybill.tracking_number,
                phone=waybill.parcel.phone,
            )
        except CarrierError as error:
            logger.warning("waybill %s: poll failed (%s)", waybill.pk, error.code)
            continue
        new += tracking_record(
            carrier=waybill.carrier, tracking_number=waybill.tracking_number, updates=updates
        )
        Waybill.objects.filter(pk=waybill.pk).update(last_tracked_at=timezone.now())
    return new


@transaction.atomic
def tracking_event_add(
    *,
    actor: AnyUser,
    parcel_id: int,
    code: str,
    exception: str = "",
    place: str = "",
    note: str = "",
) -> ParcelEvent:
    """Staff type a step the county courier (or any carrier without pushes) reported."""
    text_check(code=code, exception=exception, place=place, note=note)
    require_roles(actor, PACKING_ROLES)
    if code not in STAFF_CODES:
        raise InvalidTrackingEventError(field="code")
    if code == TrackingCode.EXCEPTION and exception not in ExceptionKind.values:
        raise InvalidTrackingEventError(field="exception")
    if len(place or "") > 80 or len(note or "") > 300:
        raise InvalidTrackingEventError(field="note")
    parcel = _parcel_locked(parcel_id)
    parcel = Parcel.objects.select_related("order").get(pk=parcel.pk)
    if parcel.destination != Parcel.Destination.CARRIER or parcel.status in _FINAL:
        raise InvalidParcelStateError
    waybill = parcel.waybills.filter(status=Waybill.Status.CREATED).first()
    if waybill is None:
        raise InvalidParcelStateError
    update = TrackingUpdate(
        carrier=waybill.carrier,
        tracking_number=waybill.tracking_number,
        code=code,
        exception=exception if code == TrackingCode.EXCEPTION else "",
        occurred_at=timezone.now(),
        text=(note or "").strip(),
        place=(place or "").strip(),
    )
    return _apply(parcel, waybill, update, actor=actor, dedup_key=None)


@transaction.atomic
def carrier_exception_resolve(*, actor: AnyUser, exception_id: int, note: str) -> CarrierException:
    """Staff dealt with a reported problem (called the buyer, fixed the address ...)."""
    text_check(note=note)
    require_roles(actor, WAREHOUSE_ROLES | PACKING_ROLES)
    note = (note or "").strip()
    if not note or len(note) > 200:
        raise InvalidInputError(_("Write what was done about it."), field="note")
    found = (
        CarrierException.objects.select_for_update()
        .filter(pk=exception_id, status=CarrierException.Status.OPEN)
        .first()
    )
    if found is None:
        raise CarrierExceptionNotFoundError
    found.status = CarrierException.Status.RESOLVED
    found.resolution = note
    found.resolved_by_id = actor.pk
    found.resolved_at = timezone.now()
    found.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return found
