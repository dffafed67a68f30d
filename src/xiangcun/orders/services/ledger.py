"""The ledger entries of an order: the allocation of its payment, the reversal of a refund."""

from collections import defaultdict
from decimal import Decimal

from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    COMMISSION_INCOME,
    DELIVERY_INCOME,
    EntryKind,
    seller_payable_account,
)
from xiangcun.orders.models import Order, ReturnLine, ReturnRequest
from xiangcun.orders.services.config import commission_for

# Ledger entry kinds: the allocation of a paid order and the reversal of a refunded return.
ALLOCATION_KIND = EntryKind.PAYMENT
REVERSAL_KIND = EntryKind.REFUND


def _allocation_lines(order: Order) -> list[tuple[str, Decimal]]:
    """Dr clearing for the whole payment; Cr each seller their goods less commission, Cr the
    platform's commission and the delivery fee. Sums to zero by construction."""
    goods: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in order.lines.all():
        goods[line.seller_id] += line.line_total
    entries: list[tuple[str, Decimal]] = [(BUYER_PAYMENTS_CLEARING, order.total)]
    commission_total = Decimal("0.00")
    for seller_id in sorted(goods):
        commission = commission_for(goods[seller_id])
        commission_total += commission
        entries.append((seller_payable_account(seller_id), -(goods[seller_id] - commission)))
    if commission_total:
        entries.append((COMMISSION_INCOME, -commission_total))
    if order.delivery_fee:
        entries.append((DELIVERY_INCOME, -order.delivery_fee))
    return entries


def _reversal_lines(request: ReturnRequest) -> list[tuple[str, Decimal]]:
    """Dr each seller's payable and the commission for the refunded goods (and the delivery
    income for a refunded delivery fee), Cr clearing.

    Commission is reversed as the difference of the rounded commission on everything returned
    so far and before, so many partial returns never reverse more than was charged."""
    returned_before: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in ReturnLine.objects.filter(
        request__order_id=request.order_id,
        request__status=ReturnRequest.Status.REFUNDED,
    ).select_related("order_line"):
        returned_before[line.order_line.seller_id] += line.order_line.unit_price * line.quantity
    now_returned: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in ReturnLine.objects.filter(request=request).select_related("order_line"):
        now_returned[line.order_line.seller_id] += line.order_line.unit_price * line.quantity
    entries: list[tuple[str, Decimal]] = []
    commission_total = Decimal("0.00")
    for seller_id in sorted(now_returned):
        before = returned_before[seller_id]
        after = before + now_returned[seller_id]
        commission = commission_for(after) - commission_for(before)
        commission_total += commission
        payable = now_returned[seller_id] - commission
        if payable:
            entries.append((seller_payable_account(seller_id), payable))
    if commission_total:
        entries.append((COMMISSION_INCOME, commission_total))
    # A return refunds goods only; an undelivered order refunds its delivery fee as well.
    delivery = request.amount - sum(now_returned.values(), Decimal("0.00"))
    if delivery:
        entries.append((DELIVERY_INCOME, delivery))
    entries.append((BUYER_PAYMENTS_CLEARING, -request.amount))
    return entries
