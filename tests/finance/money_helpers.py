"""Sales, returns and a clock for the settlement, payout and statement tests: orders completed
on a given day with the ledger entries checkout and returns post (goods less a 5 % commission),
made directly so each test states its money plainly."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests.orders.factories import OrderLineFactory
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import BUYER_PAYMENTS_CLEARING, COMMISSION_INCOME, seller_payable_account
from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest

D = Decimal


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on `day`, Asia/Shanghai."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def sale(seller_id: int, goods: str, *, completed_on: datetime.date | None) -> OrderLine:
    """A paid order of one line of `goods` yuan from the seller, completed on the day (None:
    not completed yet); the seller is owed goods less 5 %."""
    amount = D(goods)
    line: OrderLine = OrderLineFactory(
        variant__product__seller_id=seller_id,
        variant__price=amount,
        quantity=1,
    )
    order = line.order
    commission = (amount * D("0.05")).quantize(D("0.01"))
    entry_post(
        kind="payment",
        reference=f"order:{order.number}",
        lines=[
            (BUYER_PAYMENTS_CLEARING, amount),
            (seller_payable_account(seller_id), -(amount - commission)),
            (COMMISSION_INCOME, -commission),
        ],
    )
    if completed_on is not None:
        Order.objects.filter(pk=order.pk).update(status="completed", completed_at=at(completed_on))
    return line


def refund(line: OrderLine) -> ReturnRequest:
    """The buyer returns the whole line and is refunded (the seller gives back goods less the
    commission, the platform the commission)."""
    amount = line.line_total
    request = ReturnRequest.objects.create(
        order=line.order, reason="damaged", status="refunded", amount=amount
    )
    ReturnLine.objects.create(request=request, order_line=line, quantity=line.quantity)
    commission = (amount * D("0.05")).quantize(D("0.01"))
    entry_post(
        kind="refund",
        reference=f"return:{request.pk}",
        lines=[
            (seller_payable_account(line.seller_id), amount - commission),
            (COMMISSION_INCOME, commission),
            (BUYER_PAYMENTS_CLEARING, -amount),
        ],
    )
    return request
