"""The orders app's settings, read when used, and the amounts they decide: the delivery fee and
the platform's commission."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from xiangcun.orders.models import Order
from xiangcun.orders.services._common import CENT


def _decimal_setting(name: str, default: str) -> Decimal:
    """A money or rate setting, as a Decimal from its text."""
    return Decimal(str(getattr(settings, name, default)))


def delivery_fee_home() -> Decimal:
    return _decimal_setting("ORDER_DELIVERY_FEE_HOME", "8.00")


def free_delivery_over() -> Decimal:
    return _decimal_setting("ORDER_FREE_DELIVERY_OVER", "99.00")


def commission_rate() -> Decimal:
    return _decimal_setting("ORDER_COMMISSION_RATE", "0.05")


def payment_window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PAYMENT_WINDOW_MINUTES", 30)))


def cash_hold() -> timedelta:
    return timedelta(hours=int(getattr(settings, "ORDER_CASH_HOLD_HOURS", 72)))


def address_point_max_km() -> Decimal:
    """How far from the county centre a shared home location may be. The county is about
    40 km across; anything much further is a wrong fix (or a phone in another province)."""
    return _decimal_setting("ORDER_ADDRESS_POINT_MAX_KM", "100")


def delivery_fee_for(*, delivery_method: str, goods_total: Decimal) -> Decimal:
    """Home delivery costs the flat fee unless the goods reach the free-delivery amount;
    pickup at a station or the county shop is free."""
    if delivery_method != Order.Delivery.HOME:
        return Decimal("0.00")
    if goods_total >= free_delivery_over():
        return Decimal("0.00")
    return delivery_fee_home().quantize(CENT, rounding=ROUND_HALF_UP)


def commission_for(goods: Decimal) -> Decimal:
    """The platform's commission on one seller's goods: the rate, ROUND_HALF_UP to the fen."""
    return (goods * commission_rate()).quantize(CENT, rounding=ROUND_HALF_UP)
