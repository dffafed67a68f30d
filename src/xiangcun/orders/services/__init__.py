"""Every write of the orders app: the cart, checkout, payment, the order's steps and returns.

One module per kind of work (`cart`, `checkout`, `payment`, `transitions`, `cancel`,
`returns`, with `ledger` for the entries they post and `config` for the settings); other apps
import only this package, which re-exports each service.

Rules every function keeps:
- checks first, then writes, all in one transaction; a failed checkout writes nothing;
- stock rows are locked by `inventory.services.stock_reserve` as the LAST step of a checkout,
  so the rows every buyer of a flash sale queues on are held only for the reservation itself;
- lock order is payment intent, then order (the payments callback runs with the intent
  locked, so every path here that also touches the payment calls payments before it locks
  the order), then stock rows;
- SMS and other side effects are queued with `transaction.on_commit`.
"""

from typing import Any

from xiangcun.orders.services._common import MAX_ID, MAX_LINES, MAX_QUANTITY
from xiangcun.orders.services.address import EARTH_RADIUS_KM, POINT_PLACES
from xiangcun.orders.services.address_book import (
    MAX_SAVED_ADDRESSES,
    saved_address_create,
    saved_address_delete,
    saved_address_get,
    saved_address_make_default,
    saved_address_update,
    saved_addresses_for,
)
from xiangcun.orders.services.cancel import (
    LATE_REFUND_RETRY,
    late_payments_refund,
    order_cancel,
    orders_expire,
)
from xiangcun.orders.services.cart import (
    cart_add,
    cart_clear,
    cart_for,
    cart_merge,
    cart_remove,
    cart_set_quantity,
)
from xiangcun.orders.services.checkout import IDEMPOTENCY_KEY, RESERVATION_GRACE, order_place
from xiangcun.orders.services.config import (
    address_point_max_km,
    cash_hold,
    commission_for,
    commission_rate,
    delivery_fee_for,
    delivery_fee_home,
    free_delivery_over,
    payment_window,
)
from xiangcun.orders.services.ledger import ALLOCATION_KIND, REVERSAL_KIND
from xiangcun.orders.services.payment import (
    order_confirm_cash,
    order_mark_paid,
    order_payment_renew,
    payment_succeeded_handle,
)
from xiangcun.orders.services.returns import (
    order_refund_undelivered,
    refund_succeeded_handle,
    return_decide,
    return_refunded,
    return_request,
)
from xiangcun.orders.services.shipment import SERVICE_CHOICE
from xiangcun.orders.services.transitions import ORDER_VIEW_STAFF, TRANSITIONS, order_transition


def orders_history_demo_load(*, sellers: list[Any]) -> dict[str, int]:
    """Months of past completed sales for the demo shops (see orders.demo)."""
    # Imported here: the demo module uses these services.
    from xiangcun.orders.demo import orders_history_demo_load as load

    return load(sellers=sellers)


__all__ = [
    "ALLOCATION_KIND",
    "EARTH_RADIUS_KM",
    "IDEMPOTENCY_KEY",
    "LATE_REFUND_RETRY",
    "MAX_ID",
    "MAX_LINES",
    "MAX_QUANTITY",
    "MAX_SAVED_ADDRESSES",
    "ORDER_VIEW_STAFF",
    "POINT_PLACES",
    "RESERVATION_GRACE",
    "REVERSAL_KIND",
    "SERVICE_CHOICE",
    "TRANSITIONS",
    "address_point_max_km",
    "cart_add",
    "cart_clear",
    "cart_for",
    "cart_merge",
    "cart_remove",
    "cart_set_quantity",
    "cash_hold",
    "commission_for",
    "commission_rate",
    "delivery_fee_for",
    "delivery_fee_home",
    "free_delivery_over",
    "late_payments_refund",
    "order_cancel",
    "order_confirm_cash",
    "order_mark_paid",
    "order_payment_renew",
    "order_place",
    "order_refund_undelivered",
    "order_transition",
    "orders_expire",
    "orders_history_demo_load",
    "payment_succeeded_handle",
    "payment_window",
    "refund_succeeded_handle",
    "return_decide",
    "return_refunded",
    "return_request",
    "saved_address_create",
    "saved_address_delete",
    "saved_address_get",
    "saved_address_make_default",
    "saved_address_update",
    "saved_addresses_for",
]
