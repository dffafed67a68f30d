"""Goods a farm packed into stock at home are moved, not added again, when the county
warehouse receives them: the stock count stays true and the lot travels with the units."""

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from tests.catalog.factories import VariantFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Location, Stock, StockLot, StockMovement
from xiangcun.logistics import services
from xiangcun.traceability import services as traceability
from xiangcun.traceability.models import Lot


def _bagged_variant() -> Variant:
    """A farm's product sold in 5 kg bags, with no stock anywhere yet."""
    variant: Variant = VariantFactory(unit="bag", net_weight_g=5000)
    return variant


def _harvest(variant: Variant, actor: User, *, days_ago: int = 1) -> Lot:
    return traceability.lot_record(
        actor=actor,
        product_id=variant.product_id,
        seller_id=variant.product.seller_id,
        harvested_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        quantity=Decimal("100"),
        unit="kg",
    )


def _on_hand(variant: Variant) -> int:
    total = Stock.objects.filter(variant=variant).aggregate(total=Sum("on_hand"))["total"]
    return int(total or 0)


def _intake(actor: User, variant: Variant, *, units: int, lot: Lot | None) -> None:
    services.intake_record(
        actor=actor,
        seller_id=variant.product.seller_id,
        variant_id=variant.pk,
        lot_id=lot.pk if lot is not None else None,
        grade="premium",
        weight_kg=Decimal(units * 5),
        accepted_units=units,
    )


def test_goods_packed_at_the_farm_move_to_the_warehouse_with_their_lot(
    warehouse_manager: User, stock_location: Location
) -> None:
    variant = _bagged_variant()
    lot = _harvest(variant, warehouse_manager)
    traceability.lot_pack(actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 10})
    assert _on_hand(variant) == 10

    _intake(warehouse_manager, variant, units=10, lot=lot)

    assert _on_hand(variant) == 10
    at_warehouse = Stock.objects.get(variant=variant, location=stock_location)
    assert at_warehouse.on_hand == 10
    farm = Stock.objects.get(variant=variant, location__kind=Location.Kind.FARM)
    assert farm.on_hand == 0
    rows = {(row.stock.location_id, row.on_hand) for row in StockLot.objects.filter(lot_id=lot.pk)}
    assert rows == {(farm.location_id, 0), (stock_location.pk, 10)}
    reasons = set(at_warehouse.movements.values_list("reason", flat=True))
    assert reasons == {StockMovement.Reason.TRANSFER_IN}


def test_more_units_than_the_farm_packed_are_moved_then_added(
    warehouse_manager: User, stock_location: Location
) -> None:
    variant = _bagged_variant()
    lot = _harvest(variant, warehouse_manager)
    traceability.lot_pack(actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 4})

    _intake(warehouse_manager, variant, units=6, lot=lot)

    assert _on_hand(variant) == 6
    row = StockLot.objects.get(lot_id=lot.pk, stock__location=stock_location)
    assert row.on_hand == 6
    movements = Stock.objects.get(variant=variant, location=stock_location).movements
    assert sorted(movements.values_list("reason", "quantity")) == [
        (StockMovement.Reason.RECEIVE, 2),
        (StockMovement.Reason.TRANSFER_IN, 4),
    ]


def test_intake_of_a_lot_leaves_another_harvest_at_the_farm(
    warehouse_manager: User, stock_location: Location
) -> None:
    variant = _bagged_variant()
    older = _harvest(variant, warehouse_manager, days_ago=5)
    newer = _harvest(variant, warehouse_manager, days_ago=1)
    for lot in (older, newer):
        traceability.lot_pack(actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 3})

    _intake(warehouse_manager, variant, units=3, lot=newer)

    assert _on_hand(variant) == 6
    at_warehouse = {
        row.lot_id: row.on_hand
        for row in StockLot.objects.filter(stock__location=stock_location, on_hand__gt=0)
    }
    assert at_warehouse == {newer.pk: 3}
    at_farm = {
        row.lot_id: row.on_hand
        for row in StockLot.objects.filter(stock__location__kind="farm", on_hand__gt=0)
    }
    assert at_farm == {older.pk: 3}


def test_goods_not_yet_in_stock_are_added_at_intake(
    warehouse_manager: User, stock_location: Location
) -> None:
    variant = _bagged_variant()
    lot = _harvest(variant, warehouse_manager)

    _intake(warehouse_manager, variant, units=8, lot=lot)

    assert _on_hand(variant) == 8
    assert StockLot.objects.get(lot_id=lot.pk).stock.location_id == stock_location.pk
    assert not Stock.objects.filter(variant=variant, location__kind="farm").exists()
