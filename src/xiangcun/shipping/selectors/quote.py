"""The quote: every carrier service that can carry an order's goods to a county, priced by its
zone's rate (首重/续重 on the chargeable weight), remote surcharge and free-shipping rules."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from xiangcun.shipping.errors import NoShippingError, ShippingOptionNotFoundError
from xiangcun.shipping.models import FreeShipping, RemoteSurcharge, Zone
from xiangcun.shipping.selectors._common import (
    CENT,
    Goods,
    destination_province,
    goods_for_lines,
    local_name,
)
from xiangcun.shipping.selectors.fresh import fresh_filter
from xiangcun.shipping.types import FreeShippingKind, ShippingOption

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Parcel:
    """The order's goods as one parcel: gross grams and outer volume."""

    weight_g: int
    volume_cm3: int


def chargeable_weight_g(
    *, weight_g: int, volume_cm3: int, divisor: int, first_g: int, step_g: int
) -> int:
    """The weight a carrier bills: the larger of the gross and the volumetric weight
    (cm³ / divisor kg), rounded up to the first weight, then to whole additional steps."""
    volumetric_g = math.ceil(volume_cm3 * 1000 / divisor) if volume_cm3 else 0
    weight = max(weight_g, volumetric_g, 1)
    if weight <= first_g:
        return first_g
    return first_g + math.ceil((weight - first_g) / step_g) * step_g


def _steps(weight: int, first_g: int, step_g: int) -> int:
    return (weight - first_g) // step_g


def covering_zones(province: str) -> list[Zone]:
    """Each active service's zone that names the province, with its rate; one query."""
    rows = (
        Zone.objects.filter(
            service__is_active=True, service__carrier__is_active=True, rate__isnull=False
        )
        .select_related("service__carrier", "rate")
        .order_by("service__carrier__position", "service__carrier__code", "service__code", "id")
    )
    seen: set[int] = set()
    zones = []
    for zone in rows:
        if province in (zone.provinces or []) and zone.service_id not in seen:
            seen.add(zone.service_id)
            zones.append(zone)
    return zones


def _surcharges(county_code: str, province: str) -> list[RemoteSurcharge]:
    return list(RemoteSurcharge.objects.filter(area_code__in=[county_code, province]))


def _surcharge_for(
    surcharges: list[RemoteSurcharge], service_id: int, county_code: str
) -> RemoteSurcharge | None:
    """The most specific surcharge: the county's before the province's, the service's own
    before one for all services."""

    def rank(row: RemoteSurcharge) -> tuple[int, int]:
        return (0 if row.area_code == county_code else 1, 0 if row.service_id else 1)

    rows = [row for row in surcharges if row.service_id in (None, service_id)]
    return min(rows, key=rank) if rows else None


def _seller_goods(goods: list[Goods]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for item in goods:
        totals[item.seller_id] = totals.get(item.seller_id, ZERO) + item.value
    return totals


def ships_free(*, seller_goods: dict[int, Decimal], province: str, on: datetime.date) -> bool:
    """Whether the order ships free: every shop in it has a rule its goods meet, or a
    promotion running that day reaches the province and the order's goods meet it."""
    rules = list(FreeShipping.objects.filter(is_active=True))
    total = sum(seller_goods.values(), ZERO)
    for rule in rules:
        if (
            rule.kind == FreeShippingKind.PROMOTION
            and rule.starts_on is not None
            and rule.ends_on is not None
            and rule.starts_on <= on <= rule.ends_on
            and (not rule.provinces or province in rule.provinces)
            and total >= rule.threshold
        ):
            return True
    if not seller_goods:
        return False
    thresholds: dict[int, Decimal] = {}
    for rule in rules:
        if rule.kind == FreeShippingKind.SELLER and rule.seller_id is not None:
            known = thresholds.get(rule.seller_id)
            thresholds[rule.seller_id] = (
                rule.threshold if known is None else min(known, rule.threshold)
            )
    return all(
        seller_id in thresholds and amount >= thresholds[seller_id]
        for seller_id, amount in seller_goods.items()
    )


def _option(
    zone: Zone,
    parcel: Parcel,
    surcharge: RemoteSurcharge | None,
    free: bool,
) -> ShippingOption:
    service = zone.service
    rate = zone.rate
    weight = chargeable_weight_g(
        weight_g=parcel.weight_g,
        volume_cm3=parcel.volume_cm3,
        divisor=service.volumetric_divisor,
        first_g=rate.first_weight_g,
        step_g=rate.step_g,
    )
    steps = _steps(weight, rate.first_weight_g, rate.step_g)
    extra_fee = surcharge.fee if surcharge else ZERO
    extra_cost = surcharge.cost if surcharge else ZERO
    full_fee = (rate.first_fee + rate.step_fee * steps + extra_fee).quantize(CENT)
    cost = (rate.cost_first_fee + rate.cost_step_fee * steps + extra_cost).quantize(CENT)
    # Free shipping waives the rate, not a remote area's surcharge (包邮, 偏远地区除外).
    fee = extra_fee.quantize(CENT) if free else full_fee
    return ShippingOption(
        carrier=service.carrier.code,
        carrier_name=local_name(service.carrier.name, service.carrier.name_en),
        service=service.code,
        service_name=local_name(service.name, service.name_en),
        fee=fee,
        cost=cost,
        days_min=zone.days_min,
        days_max=zone.days_max,
        cold_chain=service.cold_chain,
        chargeable_weight_g=weight,
        full_fee=full_fee,
        free_shipping=free and fee < full_fee,
        surcharge=extra_fee.quantize(CENT),
    )


def rate_quote(
    *,
    lines: Iterable[tuple[int, int]],
    county_code: str,
    seller_goods: dict[int, Decimal] | None = None,
    on: datetime.date | None = None,
) -> list[ShippingOption]:
    """Every way to send these goods (variant id, quantity) to the county, cheapest first.

    Only services that can carry every product are offered (cold chain for chilled goods, a
    freezer for frozen ones, arriving within the days perishable goods keep). `seller_goods`
    ({seller id: goods total}) decides free shipping; without it the catalogue prices are used.

    Raises UnknownVariantError / InvalidQuoteError / UnknownCountyError (400) for bad input,
    NoShippingError when no service reaches the province, CannotShipFreshError (409, naming
    the product and why) when services reach it but none can carry the goods.
    """
    goods = goods_for_lines(lines)
    province = destination_province(county_code)
    zones = covering_zones(province)
    if not zones:
        raise NoShippingError(field="county_code", province_code=province)
    zones = fresh_filter(zones, goods, province)
    parcel = Parcel(
        weight_g=sum(item.weight_g for item in goods),
        volume_cm3=sum(item.volume_cm3 for item in goods),
    )
    free = ships_free(
        seller_goods=seller_goods if seller_goods is not None else _seller_goods(goods),
        province=province,
        on=on or timezone.localdate(),
    )
    surcharges = _surcharges(county_code, province)
    options = [
        _option(zone, parcel, _surcharge_for(surcharges, zone.service_id, county_code), free)
        for zone in zones
    ]
    options.sort(key=lambda option: (option.fee, option.days_max, option.carrier, option.service))
    return options


def option_get(
    *,
    carrier: str,
    service: str,
    lines: Iterable[tuple[int, int]],
    county_code: str,
    seller_goods: dict[int, Decimal] | None = None,
    on: datetime.date | None = None,
) -> ShippingOption:
    """The one option (carrier code, service code) re-priced now, as checkout places the order;
    ShippingOptionNotFoundError when it is not offered for these goods and this place."""
    for option in rate_quote(
        lines=lines, county_code=county_code, seller_goods=seller_goods, on=on
    ):
        if option.carrier == carrier and option.service == service:
            return option
    raise ShippingOptionNotFoundError(field="service", carrier=carrier, service=service)
