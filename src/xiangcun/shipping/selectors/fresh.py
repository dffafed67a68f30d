"""Fresh goods: a service carries an order only if it can carry every product in it (the cold
chain for chilled goods, a freezer for frozen ones, arriving within the days perishable goods
keep). When none can, the refusal names the product and why, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from xiangcun.shipping.errors import CannotShipFreshError
from xiangcun.shipping.models import Zone
from xiangcun.shipping.provinces import province_name
from xiangcun.shipping.selectors._common import Goods
from xiangcun.shipping.types import FreshReason


def _suits(zone: Zone, item: Goods) -> bool:
    """The service keeps the product as it needs (cold, frozen), whatever the days."""
    service = zone.service
    if item.frozen and not service.frozen_ok:
        return False
    return not (item.chilled or item.frozen) or service.cold_chain


def carries(zone: Zone, item: Goods) -> bool:
    """The zone's service keeps the product as it needs and arrives before it spoils."""
    return _suits(zone, item) and (item.keeps_days is None or zone.days_max <= item.keeps_days)


def fresh_filter(zones: list[Zone], goods: list[Goods], province: str) -> list[Zone]:
    """The zones whose service carries every product; CannotShipFreshError when none does."""
    fit = [zone for zone in zones if all(carries(zone, item) for item in goods)]
    if fit:
        return fit
    raise _refusal(zones, goods, province)


def _refusal(zones: list[Zone], goods: list[Goods], province: str) -> CannotShipFreshError:
    """Why no zone fits: the first product no service can carry alone, or else the first
    two products no one service carries together."""
    place = province_name(province)
    for item in goods:
        if not any(carries(zone, item) for zone in zones):
            suited = [zone for zone in zones if _suits(zone, item)]
            return _refusal_for(item, suited, province)
    remaining = list(zones)
    for index, item in enumerate(goods):
        remaining = [zone for zone in remaining if carries(zone, item)]
        if not remaining:
            first = next(
                earlier
                for earlier in goods[:index]
                if not any(carries(zone, item) and carries(zone, earlier) for zone in zones)
            )
            return CannotShipFreshError(
                gettext(
                    "%(first)s and %(second)s cannot travel together to %(province)s: no one "
                    "service keeps both as they need. Order them separately."
                )
                % {"first": first.name, "second": item.name, "province": place},
                field="lines",
                reason=FreshReason.NOT_TOGETHER.value,
                product_id=item.product_id,
                product=item.name,
                other_product_id=first.product_id,
                other_product=first.name,
                province_code=province,
            )
    # fresh_filter calls this only when no zone fits, so the loop above returns.
    raise AssertionError("no refusal found for goods that cannot ship")


def _refusal_for(item: Goods, suited: list[Zone], province: str) -> CannotShipFreshError:
    place = province_name(province)
    params: dict[str, Any] = {
        "product_id": item.product_id,
        "product": item.name,
        "province_code": province,
    }
    if not suited and item.frozen:
        message = gettext(
            "%(product)s must stay frozen, and no service that keeps goods frozen delivers "
            "to %(province)s."
        ) % {"product": item.name, "province": place}
        return CannotShipFreshError(
            message, field="lines", reason=FreshReason.FROZEN.value, **params
        )
    if not suited:
        message = gettext(
            "%(product)s must be kept cold, and no cold-chain service delivers to %(province)s."
        ) % {"product": item.name, "province": place}
        return CannotShipFreshError(
            message, field="lines", reason=FreshReason.COLD_CHAIN.value, **params
        )
    fastest = min(suited, key=lambda zone: (zone.days_max, zone.days_min))
    values = {
        "product": item.name,
        "keeps": item.keeps_days,
        "province": place,
        "min": fastest.days_min,
        "max": fastest.days_max,
    }
    if item.chilled or item.frozen:
        message = gettext(
            "%(product)s keeps %(keeps)s days; the fastest cold-chain service to %(province)s "
            "takes %(min)s-%(max)s days."
        )
    else:
        message = gettext(
            "%(product)s keeps %(keeps)s days; the fastest service to %(province)s takes "
            "%(min)s-%(max)s days."
        )
    return CannotShipFreshError(
        message % values,
        field="lines",
        reason=FreshReason.TOO_SLOW.value,
        keeps_days=item.keeps_days,
        days_min=fastest.days_min,
        days_max=fastest.days_max,
        **params,
    )
