"""Packing: an order is packed into a parcel at the county warehouse (each line with the lots
its units came from); a parcel for outside the county gets its carrier's waybill reserved
(`waybills`)."""

import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.inventory.services import sale_lots
from xiangcun.logistics.errors import (
    LotNotPackableError,
    LotRequiredError,
    OrderNotPackableError,
    PackingTaskNotFoundError,
    TaskAlreadyPackedError,
)
from xiangcun.logistics.models import (
    PackedLine,
    PackingTask,
    Parcel,
)
from xiangcun.logistics.services._common import (
    _event,
    _lot,
    _lot_or_none,
    _positive_int,
    _require,
    _uid,
)
from xiangcun.logistics.services.waybills import waybill_reserve
from xiangcun.logistics.types import PACKING_ROLES
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.orders.types import OrderStatus
from xiangcun.regions.selectors import (
    townships_list,
    villages_for_township,
)
from xiangcun.traceability.selectors import products_traced
from xiangcun.traceability.services import event_pack


def lot_packable_for_line(*, lot: Any, line: Any) -> bool:
    """Whether a lot may be packed into an order line: an active lot of the line's product
    (and of its option, when the lot names one) from the farm that sold the line. The packing
    page offers only these; `packing_complete` refuses any other."""
    return bool(
        lot is not None
        and lot.status == "active"
        and lot.seller_id == line.seller_id
        and lot.product_id == line.product_id
        and lot.variant_id in (None, line.variant_id)
    )


@transaction.atomic
def packing_task_open(*, actor: AnyUser, order_id: int) -> PackingTask:
    """Start packing an order: the order moves to packing. Opening it again answers the same
    task."""
    _require(actor, PACKING_ROLES)
    existing = PackingTask.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = orders_selectors.order_get(order_id=order_id, for_user=actor).order
    if order.status not in (OrderStatus.PAID, OrderStatus.AWAITING_CASH):
        raise OrderNotPackableError
    orders_services.order_transition(actor=actor, order_id=order.pk, to_status=OrderStatus.PACKING)
    return PackingTask.objects.create(order_id=order.pk)


def _parcel_number() -> str:
    return f"XCP{timezone.localdate():%y%m%d}{secrets.randbelow(10**8):08d}"


def _line_lots(lines: list[Any], order_number: str) -> dict[int, list[tuple[int | None, int]]]:
    """Per order line, the lots its units came from as (lot id or None, units), oldest
    harvest first: the lots inventory fixed when the units left stock. Two lines of one
    variant share its lots in order."""
    # Orders holds and sells an order's stock under this reference.
    by_variant = {
        variant_id: [[part.lot_id, part.quantity] for part in parts]
        for variant_id, parts in sale_lots(reference=f"order:{order_number}").items()
    }
    result: dict[int, list[tuple[int | None, int]]] = {}
    for line in sorted(lines, key=lambda line: line.pk):
        wanted = line.quantity
        taken: list[tuple[int | None, int]] = []
        for part in by_variant.get(line.variant_id, []):
            if wanted == 0:
                break
            units = min(wanted, part[1])
            if units:
                taken.append((part[0], units))
                part[1] -= units
                wanted -= units
        if wanted:
            taken.append((None, wanted))
        result[line.pk] = taken
    return result


def _lots_checked(
    lines: list[Any], order_number: str, lots: dict[int, int]
) -> dict[int, list[tuple[int | None, int]]]:
    """The lots of each line (`_line_lots`), with the lots staff named for units that left
    stock without one; refused when a named lot does not fit its line or a traced product's
    units have no lot."""
    line_ids = {line.pk for line in lines}
    if set(lots) - line_ids:
        raise InvalidInputError(_("A lot was given for a line of another order."), field="lots")
    by_line = {line.pk: line for line in lines}
    for line_id, lot_id in lots.items():
        if not lot_packable_for_line(lot=_lot_or_none(lot_id), line=by_line[line_id]):
            raise LotNotPackableError(field=f"lots.{line_id}")
    line_lots = _line_lots(lines, order_number)
    traced = products_traced(product_ids={line.product_id for line in lines})
    for line in lines:
        parts = line_lots[line.pk]
        if line.pk in lots:
            parts = [(lot_id or lots[line.pk], units) for lot_id, units in parts]
            line_lots[line.pk] = parts
        if line.product_id in traced and any(lot_id is None for lot_id, _units in parts):
            raise LotRequiredError(
                LotRequiredError.default_message % {"product": line.product_name},
                field=f"lots.{line.pk}",
            )
    return line_lots


@transaction.atomic
def packing_complete(
    *,
    actor: AnyUser,
    task_id: int,
    weight_g: int,
    crates: int = 1,
    lots: dict[int, int] | None = None,
    needs_cold_chain: bool = False,
) -> Parcel:
    """The order is in its box: each line is recorded with the lot(s) its units came from,
    as inventory took them out of stock (oldest harvest first; the packer does not choose),
    traceability links each lot to the line, and the parcel starts its timeline.

    A line of a traced product (`products_traced`) whose units have no lot in stock is
    refused (LotRequiredError). `lots` (order line id -> lot id) names the lot of a line whose
    units left stock without one, when staff know it (stock from before lots were kept); it
    must fit the line (`lot_packable_for_line`) and never replaces a lot stock recorded."""
    _require(actor, PACKING_ROLES)
    task = PackingTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise PackingTaskNotFoundError
    if task.status == PackingTask.Status.PACKED:
        raise TaskAlreadyPackedError
    weight_g = _positive_int(weight_g, field="weight_g")
    crates = _positive_int(crates, field="crates")
    order = orders_selectors.order_get(order_id=task.order_id, for_user=actor).order
    lines = list(order.lines.all())
    line_lots = _lots_checked(lines, order.number, lots or {})
    for line in lines:
        # A line's first lot is its record here; every lot is linked by its pack event.
        first = next((lot_id for lot_id, _units in line_lots[line.pk] if lot_id), None)
        PackedLine.objects.create(
            task=task, order_line_id=line.pk, lot_id=first, quantity=line.quantity
        )
    if order.delivery_method == "home":
        destination = Parcel.Destination.HOME if order.township_id else Parcel.Destination.CARRIER
    else:
        destination = Parcel.Destination.STATION
    latitude = longitude = None
    if destination == Parcel.Destination.HOME:
        place = _home_point(order)
        if place is not None:
            latitude, longitude = place
    parcel = Parcel.objects.create(
        number=_parcel_number(),
        order_id=order.pk,
        task=task,
        destination=destination,
        station_id=order.station_id if destination == Parcel.Destination.STATION else None,
        address_text=order.address_text,
        latitude=latitude,
        longitude=longitude,
        recipient=order.recipient,
        phone=order.phone,
        weight_g=weight_g,
        crates=crates,
        needs_cold_chain=needs_cold_chain,
    )
    _event(parcel, actor=actor, place=gettext("County warehouse"))
    if destination == Parcel.Destination.CARRIER:
        # The carrier is asked after the commit: a carrier that is down never blocks packing.
        waybill_reserve(parcel=parcel, actor=actor)
    task.status = PackingTask.Status.PACKED
    task.packed_by_id = _uid(actor)
    task.packed_at = timezone.now()
    task.save(update_fields=["status", "packed_by", "packed_at", "updated_at"])
    for line in lines:
        for lot_id, units in line_lots[line.pk]:
            lot = _lot(lot_id)
            if lot is not None:
                event_pack(
                    lot=lot,
                    order_line_id=line.pk,
                    order_number=order.number,
                    quantity=units,
                    variant_id=line.variant_id,
                )
    return parcel


def _home_point(order: Any) -> tuple[Decimal, Decimal] | None:
    """Where the van goes for a home delivery: the spot the buyer shared at checkout, else
    the village (or township) centre, close enough to order the stops of a route but in the
    mountains kilometres from the house."""
    if order.latitude is not None and order.longitude is not None:
        return order.latitude, order.longitude
    for township in townships_list():
        if township.id != order.township_id:
            continue
        for village in villages_for_township(township_code=township.code):
            if (
                village.id == order.village_id
                and village.latitude is not None
                and village.longitude is not None
            ):
                return village.latitude, village.longitude
        if township.latitude is not None and township.longitude is not None:
            return township.latitude, township.longitude
    return None
