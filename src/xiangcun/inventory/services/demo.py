"""Demo-only stock moves that no person makes through a page."""

from collections.abc import Iterable

from django.db import transaction

from xiangcun.inventory.models import Location, Stock, StockMovement
from xiangcun.inventory.services.lots import movement_lots
from xiangcun.inventory.services.stock import _move, _stocks_locked

DEMO_WAREHOUSE_CODE = "DZ-WH"


@transaction.atomic
def inventory_demo_farm_stock_move(*, variant_ids: Iterable[int]) -> int:
    """Bring what the demo farms packed at home to the county warehouse, lots and all (a farm
    pickup in real life). Returns how many units moved."""
    warehouse = Location.objects.filter(code=DEMO_WAREHOUSE_CODE).first()
    if warehouse is None:
        return 0
    moved = 0
    rows = Stock.objects.filter(
        variant_id__in=list(variant_ids), location__kind=Location.Kind.FARM, on_hand__gt=0
    ).order_by("pk")
    for row in rows:
        target_row, _created = Stock.objects.get_or_create(
            variant_id=row.variant_id, location_id=warehouse.pk
        )
        locked = _stocks_locked([row.pk, target_row.pk])  # primary-key order
        source, target = locked[row.pk], locked[target_row.pk]
        units = source.on_hand - source.reserved
        if units <= 0:
            continue
        reference = f"transfer:{source.location.code}->{warehouse.code}"[:60]
        out = _move(
            source, change=-units, reason=StockMovement.Reason.TRANSFER_OUT, reference=reference
        )
        _move(
            target,
            change=units,
            reason=StockMovement.Reason.TRANSFER_IN,
            reference=reference,
            lots_in=movement_lots(out),
        )
        moved += units
    return moved
