"""Demo lots for the demo's fresh products, each with a whole journey over the last days:
harvest (the rice packed into three sizes and stocked with its lot), received and inspected
at the county warehouse, packed, shipped and delivered.

The platform's event services stamp events with the current time, so each step is recorded
under a clock set back to when it plausibly happened (demo data only).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiangcun.catalog.selectors import variants_by_sku
from xiangcun.regions.selectors import stations_list
from xiangcun.traceability.models import Lot


@dataclass(frozen=True)
class DemoLot:
    sku: str
    days_ago: int  # harvest day, counted back from today
    quantity: Decimal
    unit: str
    grade: str
    consent: bool
    measured: str


# Rice, blueberries, honey, tea and pork: one lot each.
DEMO_LOTS = (
    DemoLot("DZ-RICE-SZ-5J", 6, Decimal("3600"), "jin", "一级", True, "抑制率 8%"),
    DemoLot("DZ-BLUE-125X4", 3, Decimal("180"), "jin", "特级", True, "抑制率 5%"),
    DemoLot("DZ-HONEY-500", 8, Decimal("120"), "jar", "", False, "抑制率 3%"),
    DemoLot("DZ-TEA-GREEN-250", 7, Decimal("60"), "jin", "明前特级", True, "抑制率 11%"),
    DemoLot("DZ-PORK-WH-1J", 2, Decimal("160"), "jin", "一级", False, "抑制率 6%"),
)
# The rice harvest is recorded the farmer's way (3,600 斤, no pack size) and packed into three
# sizes on the evening of the harvest (300 + 1,500 + 1,800 斤); the packs go into stock with
# the lot and are brought to the county warehouse, so the demo's rice orders are packed from
# it. Each size has more lot units than the demo's other stock of it (`inventory_demo_load`:
# 60 at the warehouse), so a demo order never finds the rice without a lot (`lot_required`).
DEMO_RICE_PACKS = {"DZ-RICE-SZ-1J": 300, "DZ-RICE-SZ-5J": 300, "DZ-RICE-SZ-10KG": 90}
DEMO_INSPECTOR = "县农产品质量安全检测站 杨敏"
# Packing names an order line; demo journeys have no real order, and 0 is no line's id.
DEMO_ORDER_LINE_ID = 0


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def demo_load(
    *,
    record: Callable[..., Lot],
    inspect: Callable[..., Any],
    events: dict[str, Callable[..., Any]],
) -> list[Lot]:
    """Create the missing demo lots through the given services; a demo product that already
    has a lot keeps it. Returns the demo lots in DEMO_LOTS order."""
    variants = variants_by_sku(skus=[demo.sku for demo in DEMO_LOTS] + list(DEMO_RICE_PACKS))
    warehouses = stations_list(kind="warehouse")
    village_stations = stations_list(kind="village_station")
    warehouse_id = warehouses[0].id if warehouses else None
    today = timezone.localdate()
    lots: list[Lot] = []
    for number, demo in enumerate(DEMO_LOTS):
        variant = variants.get(demo.sku)
        if variant is None:
            continue
        existing = Lot.objects.filter(product_id=variant.product_id).order_by("id").first()
        if existing is not None:
            lots.append(existing)
            continue
        farm = variant.product.seller
        harvest_day = today - datetime.timedelta(days=demo.days_ago)
        packs = {
            variants[sku].pk: count
            for sku, count in DEMO_RICE_PACKS.items()
            if sku in variants and variants[sku].product_id == variant.product_id
        }
        lot = record(
            actor=farm.owner,
            product_id=variant.product_id,
            # The rice is a harvest without a pack size; the other demo lots keep the old way.
            variant_id=None if packs else variant.pk,
            seller_id=farm.pk,
            harvested_on=harvest_day,
            quantity=demo.quantity,
            unit=demo.unit,
            grade=demo.grade,
            farmer_consents_to_publish=demo.consent,
            recorded_for=_at(harvest_day, 17, 30),
        )
        if packs:
            events["pack_lot"](
                actor=farm.owner, lot_id=lot.pk, packs=packs, recorded_for=_at(harvest_day, 19)
            )
            events["stock_to_warehouse"](variant_ids=list(packs))
        next_day = harvest_day + datetime.timedelta(days=1)
        if warehouse_id is not None:
            events["receive"](
                lot=lot, station_id=warehouse_id, actor=farm.owner, at=_at(next_day, 9, 10)
            )
        inspect(
            actor=farm.owner,
            lot_id=lot.pk,
            kind="pesticide_residue_rapid",
            method="酶抑制率法 (GB/T 5009.199)",
            result="pass",
            measured=demo.measured,
            inspector=DEMO_INSPECTOR,
            inspected_at=_at(next_day, 10, 0),
        )
        order_number = f"DM{next_day:%y%m%d}{number + 1:04d}"
        events["pack"](
            lot=lot,
            order_line_id=DEMO_ORDER_LINE_ID,
            order_number=order_number,
            quantity=1,
            at=_at(next_day, 14, 20),
        )
        events["ship"](
            lot=lot,
            order_number=order_number,
            tracking_number=f"SF14{next_day:%m%d}{number + 1:06d}",
            carrier="顺丰速运",
            at=_at(next_day, 16, 45),
        )
        station = village_stations[number % len(village_stations)] if village_stations else None
        delivered = _at(next_day + datetime.timedelta(days=1), 11, 30)
        events["deliver"](
            lot=lot,
            order_number=order_number,
            station_id=station.id if station else None,
            at=min(delivered, timezone.now()),
        )
        lots.append(lot)
    return lots
