"""The harvest lots of stock: which lots a stock row's units came from, kept in step with its
on-hand count by the stock services, and the lots of the units an order took out.

Rules:
- the lots of a row (`StockLot`) never add up to more than its on-hand count; the rest is
  stock whose lot was not recorded (stock from before lots were kept, returns, counts);
- units leave first-expired first-out: the oldest harvest first;
- a sale or a transfer takes lot units before unrecorded ones, so the chain holds wherever
  a lot exists; a count that finds fewer units takes only what the lots can no longer cover;
- lot rows change only while their Stock row is locked, so the Stock lock serialises them.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from xiangcun.core.validators import text_check
from xiangcun.inventory.models import Stock, StockLot, StockMovement, StockMovementLot
from xiangcun.inventory.types import LotPart


def lots_add(stock: Stock, movement: StockMovement, parts: Iterable[LotPart]) -> None:
    """Units of these lots arrived with `movement` (their total is at most its quantity)."""
    for part in parts:
        if part.lot_id is None or part.harvested_on is None or part.quantity <= 0:
            continue
        row, _created = StockLot.objects.get_or_create(
            stock=stock, lot_id=part.lot_id, defaults={"harvested_on": part.harvested_on}
        )
        StockLot.objects.filter(pk=row.pk).update(on_hand=F("on_hand") + part.quantity)
        StockMovementLot.objects.create(
            movement=movement,
            lot_id=part.lot_id,
            harvested_on=part.harvested_on,
            quantity=part.quantity,
        )


def lots_take(
    stock: Stock,
    movement: StockMovement,
    count: int,
    *,
    lots_first: bool,
    lot_first: int | None = None,
) -> list[LotPart]:
    """Take lot units out with `movement` (the Stock row is locked and its `on_hand` already
    counts the change), oldest harvest first (the lot `lot_first` before all others: the
    lot named at intake). `lots_first`: up to `count` lot units (a sale, a transfer); else
    only as many as the new on-hand count no longer covers (a count)."""
    rows = sorted(
        StockLot.objects.filter(stock=stock, on_hand__gt=0).order_by("harvested_on", "lot_id"),
        key=lambda row: row.lot_id != lot_first,
    )
    lotted = sum(row.on_hand for row in rows)
    need = min(count, lotted) if lots_first else max(0, lotted - stock.on_hand)
    taken: list[LotPart] = []
    for row in rows:
        if need <= 0:
            break
        take = min(row.on_hand, need)
        StockLot.objects.filter(pk=row.pk).update(on_hand=F("on_hand") - take)
        StockMovementLot.objects.create(
            movement=movement, lot_id=row.lot_id, harvested_on=row.harvested_on, quantity=-take
        )
        taken.append(LotPart(lot_id=row.lot_id, harvested_on=row.harvested_on, quantity=take))
        need -= take
    return taken


def movement_lots(movement: StockMovement) -> list[LotPart]:
    """The lots a movement moved, as positive counts."""
    return [
        LotPart(lot_id=row.lot_id, harvested_on=row.harvested_on, quantity=abs(row.quantity))
        for row in StockMovementLot.objects.filter(movement=movement).order_by("id")
    ]


@transaction.atomic
def sale_lots(*, reference: str) -> dict[int, list[LotPart]]:
    """The lots of the units sold under `reference` (an order's stock reference), per
    variant, oldest harvest first; packing records them on the parcel's lines.

    Units that left stock without a lot (nothing lotted was there when the order was paid) are
    matched now, first-expired first-out, to lot units still on the same shelf: the packer
    puts a lotted unit in the box and an unrecorded one stays behind, so the lots still add up.
    Whatever no lot covers comes back as a part with `lot_id` None. Calling it again answers
    the same lots.
    """
    text_check(reference=reference)
    movements = list(
        StockMovement.objects.filter(
            reference=reference, reason=StockMovement.Reason.SELL
        ).order_by("pk")
    )
    if not movements:
        return {}
    stock_ids = sorted({movement.stock_id for movement in movements})
    stocks = {
        row.pk: row
        for row in Stock.objects.select_for_update().filter(pk__in=stock_ids).order_by("pk")
    }
    by_variant: dict[int, dict[int | None, LotPart]] = defaultdict(dict)
    for movement in movements:
        stock = stocks[movement.stock_id]
        parts = movement_lots(movement)
        missing = -movement.quantity - sum(part.quantity for part in parts)
        if missing > 0:
            lots_take(stock, movement, missing, lots_first=True)
            parts = movement_lots(movement)
            missing = -movement.quantity - sum(part.quantity for part in parts)
        if missing > 0:
            parts.append(LotPart(lot_id=None, harvested_on=None, quantity=missing))
        merged = by_variant[stock.variant_id]
        for part in parts:
            known = merged.get(part.lot_id)
            quantity = part.quantity + (known.quantity if known else 0)
            merged[part.lot_id] = LotPart(part.lot_id, part.harvested_on, quantity)

    def order(part: LotPart) -> tuple[int, str, int]:
        # Oldest harvest first; the units of no known lot last.
        if part.lot_id is None or part.harvested_on is None:
            return (1, "", 0)
        return (0, part.harvested_on.isoformat(), part.lot_id)

    return {
        variant_id: sorted(parts.values(), key=order) for variant_id, parts in by_variant.items()
    }
