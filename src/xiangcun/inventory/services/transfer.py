"""Stock that changes place: a transfer between two locations, and the intake of a farm's
goods at the county warehouse, which moves what the farm packed into stock (with its lots)
and adds only what was not in stock yet.

Both lock the two Stock rows in primary-key order, like every stock write (`stock`)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F

from xiangcun.accounts.types import AnyUser
from xiangcun.inventory.errors import InsufficientStockError, SameLocationError
from xiangcun.inventory.models import Location, Reservation, Stock, StockLot, StockMovement
from xiangcun.inventory.selectors import variant_seller
from xiangcun.inventory.services.lots import movement_lots
from xiangcun.inventory.services.stock import (
    NOTE_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    _lot_parts,
    _move,
    _quantity,
    _stocks_locked,
    _text,
    _usable_location,
    _write_check,
)
from xiangcun.inventory.types import LotPart


@dataclass(frozen=True)
class IntakeStock:
    """What an intake did to stock: units moved from the farm, units added as new."""

    moved: int
    received: int


def _transfer_move(
    source: Stock,
    target: Stock,
    *,
    quantity: int,
    actor: AnyUser,
    reference: str,
    lot_first: int | None = None,
    note: str = "",
    held: int = 0,
) -> None:
    """Move `quantity` units between two locked rows; the units carry their lots. `held` of
    them are held for orders: their holds move too (`_holds_move`)."""
    out = _move(
        source,
        change=-quantity,
        reason=StockMovement.Reason.TRANSFER_OUT,
        actor=actor,
        reference=reference,
        note=note,
        lot_first=lot_first,
        release_reserved=held,
    )
    _move(
        target,
        change=quantity,
        reason=StockMovement.Reason.TRANSFER_IN,
        actor=actor,
        reference=reference,
        note=note,
        lots_in=movement_lots(out),
    )
    if held:
        _holds_move(source, target, held)


def _holds_move(source: Stock, target: Stock, units: int) -> None:
    """`units` held for orders on `source` are now held on `target` (both rows locked, the
    source's count of held units already lowered): the holds follow, oldest first, a hold
    split when only part of it moves. Same reference and expiry, so paying or cancelling the
    order finds them."""
    Stock.objects.filter(pk=target.pk).update(reserved=F("reserved") + units)
    target.reserved += units
    holds = Reservation.objects.select_for_update().filter(
        stock=source, status=Reservation.Status.ACTIVE
    )
    for hold in holds.order_by("pk"):
        if units <= 0:
            break
        take = min(hold.quantity, units)
        units -= take
        if take == hold.quantity:
            Reservation.objects.filter(pk=hold.pk).update(stock=target)
            continue
        Reservation.objects.filter(pk=hold.pk).update(quantity=F("quantity") - take)
        Reservation.objects.create(
            stock=target, quantity=take, expires_at=hold.expires_at, reference=hold.reference
        )


@transaction.atomic
def stock_transfer(
    *,
    actor: AnyUser,
    variant_id: int,
    from_location_id: int,
    to_location_id: int,
    quantity: int,
) -> tuple[Stock, Stock]:
    """Move units that are not held for orders from one location to another, with their
    harvest lots (oldest harvest first)."""
    quantity = _quantity(quantity)
    if from_location_id == to_location_id:
        raise SameLocationError(field="to_location_id")
    source = _usable_location(from_location_id)
    target = _usable_location(to_location_id)
    _write_check(actor=actor, variant_id=variant_id, location=source)
    _write_check(actor=actor, variant_id=variant_id, location=target)
    target_row, _created = Stock.objects.get_or_create(variant_id=variant_id, location_id=target.pk)
    source_id = (
        Stock.objects.filter(variant_id=variant_id, location_id=source.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if source_id is None:
        raise InsufficientStockError(variant_id=variant_id, requested=quantity, available=0)
    locked = _stocks_locked([source_id, target_row.pk])
    reference = f"transfer:{source.code}->{target.code}"[:REFERENCE_MAX_LENGTH]
    _transfer_move(
        locked[source_id],
        locked[target_row.pk],
        quantity=quantity,
        actor=actor,
        reference=reference,
    )
    return locked[source_id], locked[target_row.pk]


@transaction.atomic
def stock_intake(
    *,
    actor: AnyUser,
    variant_id: int,
    location_id: int,
    quantity: int,
    note: str = "",
    reference: str = "",
    lot_id: int | None = None,
    harvested_on: date | None = None,
) -> IntakeStock:
    """A farm's goods arrive at `location_id` (the county warehouse): units the farm already
    packed into stock at its own location are moved from there with their lots (the lot
    `lot_id` first, when named), so they are not counted twice; only the rest is added as
    received, on `lot_id` when given.

    Units held for orders at the farm move too, last, their holds with them (paying the order
    then takes them from the warehouse). The farm is the seller's own location (kind farm)."""
    quantity = _quantity(quantity)
    arriving = _lot_parts(lot_id=lot_id, harvested_on=harvested_on, quantity=quantity)
    note = _text(note, field="note", max_length=NOTE_MAX_LENGTH)
    reference = _text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH)
    target = _usable_location(location_id)
    _write_check(actor=actor, variant_id=variant_id, location=target)
    farm_stock = (
        Stock.objects.filter(
            variant_id=variant_id,
            location__kind=Location.Kind.FARM,
            location__seller_id=variant_seller(variant_id=variant_id),
            location__is_active=True,
            on_hand__gt=0,
        )
        .exclude(location_id=target.pk)
        .select_related("location")
        .order_by("pk")
        .first()
    )
    source_id = farm_stock.pk if farm_stock is not None else None
    target_row, _created = Stock.objects.get_or_create(variant_id=variant_id, location_id=target.pk)
    locked = _stocks_locked([target_row.pk] + ([source_id] if source_id else []))
    moved = 0
    if source_id is not None:
        source = locked[source_id]
        movable = source.on_hand
        if lot_id is not None:
            # The farm's units of the named lot, then its units of no recorded lot: units
            # of another lot at the farm are another harvest, still there.
            other_lots = sum(
                StockLot.objects.filter(stock=source)
                .exclude(lot_id=lot_id)
                .values_list("on_hand", flat=True)
            )
            movable = min(movable, source.on_hand - other_lots)
        moved = max(0, min(quantity, movable))
        # Units held for orders at the farm are in the truck too: taken last, with their holds.
        held = max(0, moved - (source.on_hand - source.reserved))
        if moved and farm_stock is not None:
            farm = farm_stock.location
            _write_check(actor=actor, variant_id=variant_id, location=farm)
            _transfer_move(
                source,
                locked[target_row.pk],
                quantity=moved,
                actor=actor,
                reference=reference or f"transfer:{farm.code}->{target.code}"[:60],
                lot_first=lot_id,
                note=note,
                held=held,
            )
    received = quantity - moved
    if received:
        _move(
            locked[target_row.pk],
            change=received,
            reason=StockMovement.Reason.RECEIVE,
            actor=actor,
            note=note,
            reference=reference,
            lots_in=[LotPart(part.lot_id, part.harvested_on, received) for part in arriving],
        )
    return IntakeStock(moved=moved, received=received)
