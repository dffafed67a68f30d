"""Home deliveries, failed attempts and returns: a parcel handed over at the door with proof,
tried again or sent back, and received back at the county warehouse."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import text_check
from xiangcun.inventory.services import stock_return
from xiangcun.inventory.types import LotPart
from xiangcun.logistics.errors import (
    CashFirstError,
    InvalidDeliveryProofError,
    InvalidFailureReasonError,
    InvalidParcelStateError,
    ParcelNotOverdueError,
)
from xiangcun.logistics.models import (
    DeliveryProof,
    PackedLine,
    Parcel,
    ParcelEvent,
)
from xiangcun.logistics.services._common import (
    Status,
    _event,
    _lot,
    _lots_of,
    _parcel_locked,
    _require,
    _require_station,
    _stop_done_if_complete,
    _uid,
    _warehouse_location_id,
)
from xiangcun.logistics.services.packing import _line_lots
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    ROAD_ROLES,
    UNCOLLECTED_AFTER,
    WAREHOUSE_ROLES,
)
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.orders.types import OrderStatus
from xiangcun.regions.selectors import stations_list
from xiangcun.traceability.services import (
    event_deliver,
    event_receive,
)

MAX_DELIVERY_ATTEMPTS = 3


@transaction.atomic
def parcel_deliver(
    *,
    actor: AnyUser,
    parcel_id: int,
    recipient_name: str,
    photo: UploadedFile | None = None,
    note: str = "",
) -> DeliveryProof:
    """A courier or driver hands a parcel over at the door, with proof."""
    text_check(recipient_name=recipient_name, note=note)
    _require(actor, ROAD_ROLES)
    recipient_name = (recipient_name or "").strip()
    if not recipient_name or len(recipient_name) > 64:
        raise InvalidDeliveryProofError(field="recipient_name")
    parcel = _parcel_locked(parcel_id)
    if parcel.destination != Parcel.Destination.HOME or parcel.status not in (
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
    ):
        raise InvalidParcelStateError
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor).order
    if order.payment_method == "cash" and order.paid_at is None:
        raise CashFirstError
    proof = DeliveryProof(
        parcel=parcel,
        recipient_name=recipient_name,
        note=(note or "").strip()[:200],
        delivered_by_id=_uid(actor),
        delivered_at=timezone.now(),
    )
    if photo is not None:
        proof.photo.save(f"{parcel.number}.jpg", photo, save=False)
    proof.save()
    parcel.status = Status.DELIVERED
    parcel.save(update_fields=["status", "updated_at"])
    _event(
        parcel,
        actor=actor,
        note=gettext("Received by %(name)s") % {"name": recipient_name},
    )
    if order.status == OrderStatus.SHIPPED:
        orders_services.order_transition(
            actor=actor, order_id=order.pk, to_status=OrderStatus.DELIVERED
        )
    for lot in _lots_of(parcel):
        event_deliver(lot=lot, order_number=order.number, station_id=None)
    _stop_done_if_complete(parcel)
    return proof


FAILURE_REASONS = {
    "nobody_home": _("Nobody at home"),
    "wrong_address": _("Address not found"),
    "refused": _("Recipient refused the parcel"),
    "road_blocked": _("Road blocked"),
    "station_closed": _("Station closed"),
    "other": _("Other"),
}


@transaction.atomic
def parcel_delivery_fail(*, actor: AnyUser, parcel_id: int, reason: str, note: str = "") -> Parcel:
    """A delivery did not work out. The parcel goes back into the next plan, until after the
    third failed attempt it is sent back to the warehouse and the buyer's money is refunded
    (`orders.services.order_refund_undelivered`; a cash order never paid is cancelled)."""
    text_check(reason=reason, note=note)
    _require(actor, ROAD_ROLES)
    if reason not in FAILURE_REASONS:
        raise InvalidFailureReasonError(field="reason")
    parcel = _parcel_locked(parcel_id)
    if parcel.status not in (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY):
        raise InvalidParcelStateError
    parcel.failed_attempts += 1
    parcel.status = Status.DELIVERY_FAILED
    text = str(FAILURE_REASONS[reason]) + (f": {note.strip()}" if note.strip() else "")
    parcel.save(update_fields=["status", "failed_attempts", "updated_at"])
    _event(parcel, actor=actor, note=text)
    if parcel.failed_attempts >= MAX_DELIVERY_ATTEMPTS:
        parcel.status = Status.RETURNING
        parcel.save(update_fields=["status", "updated_at"])
        _event(
            parcel, actor=actor, note=gettext("Too many failed attempts: back to the warehouse.")
        )
        orders_services.order_refund_undelivered(actor=actor, order_id=parcel.order_id)
    _stop_done_if_complete(parcel)
    return parcel


def _arrived_at_station(parcel: Parcel) -> datetime:
    """When the parcel last came to its station (its last "at station" step), counted as the
    station page counts it (`selectors.parcels_at_station`)."""
    last: datetime | None = ParcelEvent.objects.filter(
        parcel=parcel, status=Status.AT_STATION
    ).aggregate(at=Max("created_at"))["at"]
    return last or parcel.updated_at


@transaction.atomic
def parcel_return_start(*, actor: AnyUser, parcel_id: int, note: str = "") -> Parcel:
    """A parcel nobody collected (or the buyer sends back) waits at its station for the van.
    One never collected was never the buyer's: their money is refunded (a cash order never
    paid is cancelled); it may go back only once it has waited UNCOLLECTED_AFTER (7 days) at
    its station, else ParcelNotOverdueError. Goods the buyer sends back are refunded through
    their return."""
    text_check(note=note)
    _require(actor, HANDOVER_ROLES | ROAD_ROLES)
    parcel = _parcel_locked(parcel_id)
    _require_station(actor, parcel.station_id, HANDOVER_ROLES | ROAD_ROLES)
    if parcel.status not in (Status.AT_STATION, Status.COLLECTED, Status.DELIVERED):
        raise InvalidParcelStateError
    never_collected = parcel.status == Status.AT_STATION
    if never_collected and timezone.now() - _arrived_at_station(parcel) < UNCOLLECTED_AFTER:
        raise ParcelNotOverdueError(
            ParcelNotOverdueError.default_message % {"days": UNCOLLECTED_AFTER.days}
        )
    parcel.status = Status.RETURNING
    parcel.code_hash = ""
    parcel.save(update_fields=["status", "code_hash", "updated_at"])
    _event(parcel, actor=actor, note=(note or "").strip()[:200])
    if never_collected:
        orders_services.order_refund_undelivered(actor=actor, order_id=parcel.order_id)
    return parcel


# Why the warehouse keeps returned units out of stock.
RETURN_REJECT_REASONS = {
    "damaged": _("Damaged or crushed"),
    "spoiled": _("Spoiled or past its date"),
    "opened": _("Opened or packaging broken"),
    "missing": _("Missing from the parcel"),
    "other": _("Other"),
}


def _rejected_clean(
    rejected: Mapping[int, tuple[int, str]] | None, packed: list[PackedLine]
) -> dict[int, tuple[int, str]]:
    """{order_line_id: (units, reason)} checked against what was packed in the parcel."""
    if not rejected:
        return {}
    if not isinstance(rejected, Mapping):
        raise InvalidInputError(_("Say which units are not fit to sell again."), field="rejected")
    packed_units = {line.order_line_id: line.quantity for line in packed}
    clean: dict[int, tuple[int, str]] = {}
    for line_id, value in rejected.items():
        field = f"rejected.{line_id}"
        if line_id not in packed_units:
            raise InvalidInputError(_("This product is not in the parcel."), field=field)
        units, reason = value if isinstance(value, list | tuple) and len(value) == 2 else (0, "")
        if not isinstance(units, int) or isinstance(units, bool):
            raise InvalidInputError(_("Enter a whole number of units."), field=field)
        if not 0 <= units <= packed_units[line_id]:
            raise InvalidInputError(
                _("At most %(units)d units of this product were packed.")
                % {"units": packed_units[line_id]},
                field=field,
            )
        if units and reason not in RETURN_REJECT_REASONS:
            raise InvalidInputError(_("Say why these units cannot be sold again."), field=field)
        if units:
            clean[line_id] = (units, reason)
    return clean


@transaction.atomic
def parcel_return_receive(
    *,
    actor: AnyUser,
    parcel_id: int,
    rejected: Mapping[int, tuple[int, str]] | None = None,
    note: str = "",
) -> Parcel:
    """A returning parcel is back at the county warehouse and its goods are checked.

    Every packed unit goes back into the warehouse's stock (inventory's `stock_return`: a
    movement "returned" whose reference is `parcel:<number>`), except the units the warehouse
    person rejects: `rejected` maps an order line id to (units, reason), the reason one of
    RETURN_REJECT_REASONS. Those stay out of stock and are written on the parcel's timeline,
    one step per line. Lots from the parcel get a receiving event at the warehouse. A parcel
    is received once: again raises InvalidParcelStateError and changes nothing."""
    text_check(note=note)
    _require(actor, WAREHOUSE_ROLES)
    parcel = _parcel_locked(parcel_id)
    if parcel.status == Status.RETURNED:
        raise InvalidParcelStateError(
            _("This parcel has already been received back at the warehouse.")
        )
    if parcel.status != Status.RETURNING:
        raise InvalidParcelStateError
    packed = list(
        PackedLine.objects.filter(task_id=parcel.task_id)
        .select_related("order_line")
        .order_by("pk")
    )
    refused = _rejected_clean(rejected, packed)
    location_id = _warehouse_location_id()
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    place = gettext("County warehouse")
    parcel.status = Status.RETURNED
    parcel.save(update_fields=["status", "updated_at"])
    _event(parcel, actor=actor, place=place, note=(note or "").strip()[:200])
    line_lots = _line_lots([line.order_line for line in packed], parcel.order.number)
    for line in packed:
        units_rejected, reason = refused.get(line.order_line_id, (0, ""))
        # A lot staff named at packing (units that left stock without one) is the line's.
        parts = [(lot_id or line.lot_id, units) for lot_id, units in line_lots[line.order_line_id]]
        restocked, damaged = _returned_lots(parts, line.quantity - units_rejected)
        if line.quantity > units_rejected:
            stock_return(
                actor=actor,
                variant_id=line.order_line.variant_id,
                location_id=location_id,
                quantity=line.quantity - units_rejected,
                reference=f"parcel:{parcel.number}",
                note=gettext("Back in parcel %(number)s") % {"number": parcel.number},
                lots=[part for part in restocked if part.lot_id is not None],
            )
        if units_rejected:
            _event(
                parcel,
                actor=actor,
                place=place,
                note=gettext("%(product)s %(option)s: %(units)d not restocked (%(reason)s)")
                % {
                    "units": units_rejected,
                    "product": line.order_line.product_name,
                    "option": line.order_line.variant_name,
                    "reason": RETURN_REJECT_REASONS[reason],
                },
            )
        if warehouse is None:
            continue
        for returned, is_damaged in ((restocked, False), (damaged, True)):
            for part in returned:
                lot = _lot(part.lot_id)
                if lot is not None:
                    event_receive(
                        lot=lot,
                        station_id=warehouse.id,
                        quantity=Decimal(part.quantity),
                        actor=actor,
                        damaged=is_damaged,
                    )
    return parcel


def _returned_lots(
    parts: list[tuple[int | None, int]], restock: int
) -> tuple[list[LotPart], list[LotPart]]:
    """A returned line's units by lot, as packed (oldest harvest first): the first `restock`
    go back into stock on their lots, the rest (rejected) are recorded on theirs as damaged."""
    restocked: list[LotPart] = []
    damaged: list[LotPart] = []
    for lot_id, units in parts:
        lot = _lot(lot_id)
        harvested_on = lot.harvested_on if lot is not None else None
        back = max(0, min(units, restock))
        restock -= back
        if back:
            restocked.append(LotPart(lot_id=lot_id, harvested_on=harvested_on, quantity=back))
        if units > back:
            damaged.append(LotPart(lot_id=lot_id, harvested_on=harvested_on, quantity=units - back))
    return restocked, damaged
