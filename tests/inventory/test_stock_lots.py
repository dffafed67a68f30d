"""Stock carries its harvest lots: received with a lot, moved and sold oldest harvest first,
and an order's units can say which lot they came from."""

import datetime

import pytest

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import InvalidInputError
from xiangcun.inventory import services
from xiangcun.inventory.models import Location, Stock, StockLot
from xiangcun.inventory.types import LotPart

OLD = datetime.date(2026, 10, 1)
NEW = datetime.date(2026, 11, 1)


def _lots(variant: Variant, location: Location) -> dict[int, int]:
    stock = Stock.objects.get(variant=variant, location=location)
    return {row.lot_id: row.on_hand for row in StockLot.objects.filter(stock=stock)}


def _receive(keeper: User, variant: Variant, location: Location, units: int, **lot: object) -> None:
    services.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=location.pk, quantity=units, **lot
    )


def test_transfer_carries_the_oldest_harvest_first(
    keeper: User, variant: Variant, farm: Location, warehouse: Location
) -> None:
    _receive(keeper, variant, farm, 5, lot_id=2, harvested_on=NEW)
    _receive(keeper, variant, farm, 4, lot_id=1, harvested_on=OLD)
    services.stock_transfer(
        actor=keeper,
        variant_id=variant.pk,
        from_location_id=farm.pk,
        to_location_id=warehouse.pk,
        quantity=6,
    )
    assert _lots(variant, farm) == {1: 0, 2: 3}
    assert _lots(variant, warehouse) == {1: 4, 2: 2}


def test_a_paid_order_takes_lot_units_oldest_first_and_knows_them(
    keeper: User, variant: Variant, warehouse: Location
) -> None:
    _receive(keeper, variant, warehouse, 3)  # stock from before lots were kept
    _receive(keeper, variant, warehouse, 2, lot_id=7, harvested_on=NEW)
    _receive(keeper, variant, warehouse, 1, lot_id=6, harvested_on=OLD)
    services.stock_reserve(lines=[(variant.pk, 2)], reference="order:A1")
    services.reservation_consume(reference="order:A1")

    assert services.sale_lots(reference="order:A1") == {
        variant.pk: [LotPart(6, OLD, 1), LotPart(7, NEW, 1)]
    }
    assert _lots(variant, warehouse) == {6: 0, 7: 1}
    # Asking again answers the same lots and takes nothing more.
    assert services.sale_lots(reference="order:A1")[variant.pk][1] == LotPart(7, NEW, 1)
    assert _lots(variant, warehouse) == {6: 0, 7: 1}


def test_units_sold_without_a_lot_are_matched_to_lot_units_still_on_the_shelf(
    keeper: User, variant: Variant, warehouse: Location
) -> None:
    _receive(keeper, variant, warehouse, 2)
    services.stock_reserve(lines=[(variant.pk, 2)], reference="order:B1")
    services.reservation_consume(reference="order:B1")
    assert services.sale_lots(reference="order:B1") == {variant.pk: [LotPart(None, None, 2)]}

    # The harvest arrives before the box is packed: the packer takes one of its bags.
    _receive(keeper, variant, warehouse, 1, lot_id=9, harvested_on=NEW)
    assert services.sale_lots(reference="order:B1") == {
        variant.pk: [LotPart(9, NEW, 1), LotPart(None, None, 1)]
    }
    stock = Stock.objects.get(variant=variant, location=warehouse)
    assert (stock.on_hand, _lots(variant, warehouse)) == (1, {9: 0})


def test_a_count_below_the_lots_trims_the_lots_and_never_leaves_more_lot_than_stock(
    keeper: User, variant: Variant, warehouse: Location
) -> None:
    _receive(keeper, variant, warehouse, 2)
    _receive(keeper, variant, warehouse, 3, lot_id=4, harvested_on=OLD)
    services.stock_adjust(actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, counted=4)
    assert _lots(variant, warehouse) == {4: 3}  # one unrecorded unit was missing
    services.stock_adjust(actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, counted=1)
    assert _lots(variant, warehouse) == {4: 1}


@pytest.mark.parametrize(
    "lot",
    [{"lot_id": 0, "harvested_on": OLD}, {"lot_id": 3}, {"lot_id": True, "harvested_on": OLD}],
)
def test_a_lot_without_its_harvest_date_or_with_a_bad_id_is_refused(
    keeper: User, variant: Variant, warehouse: Location, lot: dict[str, object]
) -> None:
    with pytest.raises(InvalidInputError):
        _receive(keeper, variant, warehouse, 1, **lot)
    assert not Stock.objects.filter(variant=variant, location=warehouse, on_hand__gt=0).exists()
