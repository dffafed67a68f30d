"""The service centre's reads, re-exported from their modules."""

from xiangcun.servicecenter.selectors.drawer import drawer_for_cash, drawer_open_for
from xiangcun.servicecenter.selectors.orders import (
    assisted_order_get,
    assisted_order_receipt,
    assisted_orders,
)
from xiangcun.servicecenter.selectors.residents import resident_get, residents_find

__all__ = [
    "assisted_order_get",
    "assisted_order_receipt",
    "assisted_orders",
    "drawer_for_cash",
    "drawer_open_for",
    "resident_get",
    "residents_find",
]
