"""The shipping part of `xiangcun demo`: SF (standard and cold chain) and EMS through the
aggregator, the Kaili-Danzhai county courier typed by hand, zones from Guizhou outwards with
their days and 首重/续重 rates, a remote-area surcharge for Xinjiang and Tibet, and free shipping
from ¥99 for the honey shop. Safe to run again: rows are found by their codes and names and
brought back to these figures."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from xiangcun.shipping.models import (
    Carrier,
    CarrierService,
    FreeShipping,
    Rate,
    RemoteSurcharge,
    Zone,
)
from xiangcun.shipping.types import CarrierKind, FreeShippingKind

D = Decimal

# Zones from the county warehouse in Guizhou: name, English name, province codes.
GUIZHOU = ("贵州", "Guizhou", ("520000",))
NEIGHBOURS = (
    "西南、华南",
    "Southwest and South China",
    ("500000", "510000", "530000", "450000", "430000", "440000", "460000"),
)
CENTRE_EAST_NORTH = (
    "华东、华北、华中",
    "East, North and Central China",
    (
        "110000", "120000", "130000", "140000", "310000", "320000", "330000",
        "340000", "350000", "360000", "370000", "410000", "420000",
    ),
)  # fmt: skip
NORTHEAST_NORTHWEST = (
    "东北、西北",
    "Northeast and Northwest",
    ("150000", "210000", "220000", "230000", "610000", "620000", "630000", "640000"),
)
FAR_WEST = ("新疆、西藏", "Xinjiang and Tibet", ("650000", "540000"))


@dataclass(frozen=True)
class _Service:
    carrier: str
    code: str
    name: str
    name_en: str
    cold_chain: bool
    frozen_ok: bool
    divisor: int
    # zone, days from, days to, first fee, step fee, carrier's first, carrier's step
    zones: tuple[tuple[tuple[str, str, tuple[str, ...]], int, int, str, str, str, str], ...]


_CARRIERS = (
    # code, name, English name, kind, code at Kuaidi100
    ("sf", "顺丰速运", "SF Express", CarrierKind.AGGREGATOR, "shunfeng"),
    ("ems", "中国邮政EMS", "China Post EMS", CarrierKind.AGGREGATOR, "ems"),
    ("county_courier", "凯里—丹寨同城快递", "Kaili-Danzhai local courier", CarrierKind.MANUAL, ""),
)

_SERVICES = (
    _Service("sf", "standard", "顺丰标快", "SF Standard", False, False, 12000, (
        (GUIZHOU, 1, 2, "12.00", "2.00", "9.00", "1.50"),
        (NEIGHBOURS, 2, 3, "14.00", "4.00", "10.50", "3.00"),
        (CENTRE_EAST_NORTH, 3, 4, "18.00", "6.00", "13.50", "4.50"),
        (NORTHEAST_NORTHWEST, 4, 6, "20.00", "8.00", "15.00", "6.00"),
        (FAR_WEST, 5, 8, "25.00", "12.00", "19.00", "9.00"),
    )),
    _Service("sf", "cold_chain", "顺丰冷运", "SF Cold Chain", True, True, 6000, (
        (GUIZHOU, 1, 1, "30.00", "10.00", "24.00", "8.00"),
        (NEIGHBOURS, 1, 2, "38.00", "12.00", "30.00", "9.50"),
        (CENTRE_EAST_NORTH, 2, 3, "45.00", "15.00", "36.00", "12.00"),
        (NORTHEAST_NORTHWEST, 3, 4, "55.00", "18.00", "44.00", "14.50"),
        (FAR_WEST, 4, 6, "68.00", "22.00", "54.00", "17.50"),
    )),
    _Service("ems", "standard", "EMS标准快递", "EMS Standard", False, False, 8000, (
        (GUIZHOU, 2, 3, "10.00", "2.00", "7.50", "1.50"),
        (NEIGHBOURS, 3, 4, "12.00", "4.00", "9.00", "3.00"),
        (CENTRE_EAST_NORTH, 4, 5, "15.00", "5.00", "11.00", "3.80"),
        (NORTHEAST_NORTHWEST, 5, 7, "18.00", "7.00", "13.50", "5.20"),
        (FAR_WEST, 6, 9, "22.00", "10.00", "16.50", "7.50"),
    )),
    _Service("county_courier", "local", "县内同城配送", "Local delivery", False, False, 8000, (
        (GUIZHOU, 1, 2, "8.00", "2.00", "6.00", "1.50"),
    )),
)  # fmt: skip

# Xinjiang and Tibet: ¥15 on top (the carriers charge us ¥12).
_REMOTE = (("650000", "15.00", "12.00"), ("540000", "15.00", "12.00"))
# The honey shop's goods ship free from ¥99.
_FREE_SHIPPING_SHOP = "honey"
_FREE_SHIPPING_FROM = D("99.00")


def _carriers() -> dict[str, Carrier]:
    carriers = {}
    for position, (code, name, name_en, kind, aggregator_code) in enumerate(_CARRIERS):
        carrier, _ = Carrier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "aggregator_code": aggregator_code,
                "position": position,
            },
        )
        carriers[code] = carrier
    return carriers


def _service_load(spec: _Service, carrier: Carrier) -> int:
    service, _ = CarrierService.objects.update_or_create(
        carrier=carrier,
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_en": spec.name_en,
            "cold_chain": spec.cold_chain,
            "frozen_ok": spec.frozen_ok,
            "volumetric_divisor": spec.divisor,
        },
    )
    for (name, name_en, provinces), low, high, fee, step, cost, cost_step in spec.zones:
        zone, _ = Zone.objects.update_or_create(
            service=service,
            name=name,
            defaults={
                "name_en": name_en,
                "provinces": list(provinces),
                "days_min": low,
                "days_max": high,
            },
        )
        Rate.objects.update_or_create(
            zone=zone,
            defaults={
                "first_weight_g": 1000,
                "first_fee": D(fee),
                "step_g": 1000,
                "step_fee": D(step),
                "cost_first_fee": D(cost),
                "cost_step_fee": D(cost_step),
            },
        )
    return len(spec.zones)


@transaction.atomic
def shipping_demo_load(*, sellers: dict[str, Any] | None = None) -> dict[str, int]:
    """Load the demo carriers, services, zones and rates; `sellers` ({demo code: shop}, from
    the sellers demo) gives the honey shop its free shipping. How many of each afterwards."""
    carriers = _carriers()
    zones = sum(_service_load(spec, carriers[spec.carrier]) for spec in _SERVICES)
    for area_code, fee, cost in _REMOTE:
        RemoteSurcharge.objects.update_or_create(
            service=None, area_code=area_code, defaults={"fee": D(fee), "cost": D(cost)}
        )
    shop = (sellers or {}).get(_FREE_SHIPPING_SHOP)
    if shop is not None:
        FreeShipping.objects.update_or_create(
            kind=FreeShippingKind.SELLER,
            seller_id=shop.pk,
            defaults={"name": "满99包邮", "threshold": _FREE_SHIPPING_FROM, "is_active": True},
        )
    return {
        "carriers": len(carriers),
        "services": len(_SERVICES),
        "zones": zones,
        "free_shipping": FreeShipping.objects.count(),
    }
