"""Months of past sales for the demo shops, so that a loan officer scores a seller on a real
sales record and a seller's statements have something in them.

Each order goes through the real services (placed, paid in the sandbox, packed, shipped,
delivered, completed); only its dates are then moved back into the month it stands for, as
if it had happened then. Demo data only: nothing else in the code moves an order's dates.
"""

import datetime
from typing import Any

from django.utils import timezone

from xiangcun.accounts.selectors import user_by_phone
from xiangcun.catalog.selectors import products_for_seller
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.inventory.selectors import available_by_variant
from xiangcun.orders.models import Order
from xiangcun.orders.services.checkout import order_place
from xiangcun.orders.services.transitions import order_transition
from xiangcun.orders.types import OrderStatus
from xiangcun.payments.services import sandbox_decide
from xiangcun.regions.selectors import stations_list

DEMO_BUYER_PHONE = "13800000001"
HISTORY_MONTHS = 8
ORDERS_PER_MONTH = 3


def _stocked_variants(seller: Any) -> list[int]:
    ids = [
        variant.pk
        for product in products_for_seller(seller_id=seller.pk, listed_only=True)
        for variant in product.variants.all()
        if variant.is_active
    ]
    available = available_by_variant(variant_ids=ids)
    return [variant_id for variant_id in ids if available.get(variant_id, 0) >= 5]


def _completed(order: Order, *, seller_owner: Any) -> None:
    """Through the table: the seller packs and ships, the carrier delivers (the system), and
    the order completes as it does when the buyer does not object (the system)."""
    order_transition(actor=seller_owner, order_id=order.pk, to_status=OrderStatus.PACKING)
    order_transition(actor=seller_owner, order_id=order.pk, to_status=OrderStatus.SHIPPED)
    order_transition(actor=None, order_id=order.pk, to_status=OrderStatus.DELIVERED)
    order_transition(actor=None, order_id=order.pk, to_status=OrderStatus.COMPLETED)


def orders_history_demo_load(*, sellers: list[Any]) -> dict[str, int]:
    """HISTORY_MONTHS months of completed orders (ORDERS_PER_MONTH a month, growing a little
    month by month) for each shop, bought by the demo buyer and picked up at a station.
    Idempotent by order key; a shop that runs short of stock simply has fewer orders."""
    buyer = user_by_phone(phone=DEMO_BUYER_PHONE)
    stations = [s for s in stations_list() if s.kind == "village_station"]
    if buyer is None or not stations:
        return {"orders": 0}
    now = timezone.now()
    made = 0
    for seller in sellers:
        stocked = _stocked_variants(seller)
        for months_ago in range(HISTORY_MONTHS, 0, -1):
            when = now - datetime.timedelta(days=30 * months_ago)
            for k in range(ORDERS_PER_MONTH + (HISTORY_MONTHS - months_ago) // 3):
                key = f"history-demo-{seller.pk}-{months_ago}-{k}"
                if Order.objects.filter(idempotency_key=f"{buyer.pk}:{key}").exists():
                    continue
                if not stocked:
                    break
                variant_id = stocked[(months_ago + k) % len(stocked)]
                try:
                    order = order_place(
                        buyer=buyer,
                        lines=[(variant_id, 1 + k % 2)],
                        delivery_method="station_pickup",
                        station_id=stations[(months_ago + k) % len(stations)].id,
                        address=None,
                        payment_method="sandbox",
                        idempotency_key=key,
                    )
                except InsufficientStockError:
                    stocked.remove(variant_id)
                    continue
                sandbox_decide(number=order.payment_number, approve=True)
                _completed(order, seller_owner=seller.owner)
                placed_at = when + datetime.timedelta(days=k * 7)
                Order.objects.filter(pk=order.pk).update(
                    created_at=placed_at,
                    paid_at=placed_at,
                    completed_at=placed_at + datetime.timedelta(days=3),
                )
                made += 1
    return {"orders": made}
