"""Demo lots: every demo fresh product gets a lot with its whole journey, once."""

import pytest

from xiangcun.accounts.services import demo_users_ensure
from xiangcun.catalog.selectors import variants_by_sku
from xiangcun.catalog.services import catalog_demo_load
from xiangcun.inventory.models import Stock, StockLot
from xiangcun.inventory.services import inventory_demo_load
from xiangcun.regions.services import danzhai_demo_load
from xiangcun.sellers.models import Seller
from xiangcun.sellers.services import sellers_demo_load
from xiangcun.traceability.models import Event, Lot
from xiangcun.traceability.selectors import lot_journey, lot_packed_quantity
from xiangcun.traceability.services import traceability_demo_load


@pytest.fixture
def demo_sellers(db: None) -> dict[str, Seller]:
    """The Danzhai demo market the demo lots stand on: regions, logins, shops and products."""
    danzhai_demo_load()
    demo_users_ensure(password="Danzhai-2016-rice")
    sellers = sellers_demo_load()
    catalog_demo_load(sellers=sellers)
    return sellers


def test_demo_lots_have_a_whole_journey_in_time_order(demo_sellers: dict[str, Seller]) -> None:
    lots = traceability_demo_load()
    assert {lot.product.name for lot in lots} == {
        "丹寨硒锌大米",
        "丹寨高山蓝莓",
        "丹寨土蜂蜜",
        "丹寨明前绿茶",
        "黑毛猪鲜肉（五花）",
    }
    for lot in lots:
        steps = lot_journey(lot=lot)
        assert len(steps) >= 6
        assert [step.time for step in steps] == sorted(step.time for step in steps)
        assert lot.inspections.get().result == "pass"


def test_loading_the_demo_twice_changes_nothing(demo_sellers: dict[str, Seller]) -> None:
    first = traceability_demo_load()
    events = Event.objects.count()
    second = traceability_demo_load()
    assert [lot.pk for lot in second] == [lot.pk for lot in first]
    assert Lot.objects.count() == 5
    assert Event.objects.count() == events


def test_the_demo_rice_harvest_is_stock_of_three_sizes_at_the_county_warehouse(
    demo_sellers: dict[str, Seller],
) -> None:
    rice_sizes = variants_by_sku(skus=["DZ-RICE-SZ-1J", "DZ-RICE-SZ-5J", "DZ-RICE-SZ-10KG"])
    inventory_demo_load(variant_ids=[variant.pk for variant in rice_sizes.values()])
    rice = next(lot for lot in traceability_demo_load() if lot.product.name == "丹寨硒锌大米")

    assert (rice.quantity, rice.unit, rice.variant_id) == (3600, "jin", None)
    stocked = {
        row.stock.variant.sku: row.on_hand
        for row in StockLot.objects.filter(lot_id=rice.pk, on_hand__gt=0).select_related(
            "stock__variant", "stock__location"
        )
        if row.stock.location.code == "DZ-WH"
    }
    assert stocked == {"DZ-RICE-SZ-1J": 300, "DZ-RICE-SZ-5J": 300, "DZ-RICE-SZ-10KG": 90}
    # More lot units of each size than the warehouse's demo stock without a lot.
    unlotted = {
        stock.variant.sku: stock.on_hand - sum(row.on_hand for row in stock.lots.all())
        for stock in Stock.objects.filter(
            variant__in=rice_sizes.values(), location__code="DZ-WH"
        ).select_related("variant")
    }
    assert all(stocked[sku] > units for sku, units in unlotted.items())
    assert lot_packed_quantity(lot_id=rice.pk) == rice.quantity
    assert "creating_class_instance" in [step.biz_step for step in lot_journey(lot=rice)]
