"""Reads of orders for the money above them: which orders are completed and when, what each
seller sold in them and what was refunded (finance's settlement and statements), and a shop's
sales by month (finance's credit score)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DateField, DecimalField, F, Sum
from django.db.models.functions import TruncMonth

from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest


@dataclass(frozen=True)
class CompletedOrder:
    """An order whose goods the buyer has, and the refunded returns against it."""

    order_id: int
    number: str
    completed_at: datetime.datetime
    seller_ids: tuple[int, ...]
    return_ids: tuple[int, ...] = field(default=())

    @property
    def references(self) -> list[str]:
        """The ledger references of the order's sale and of its returns' refunds."""
        return [f"order:{self.number}", *(f"return:{pk}" for pk in self.return_ids)]


def orders_completed(
    *, before: datetime.datetime, since: datetime.datetime | None = None
) -> list[CompletedOrder]:
    """Orders completed before `before` (and at or after `since`), oldest first, with their
    sellers and refunded returns. Three queries."""
    rows = Order.objects.filter(completed_at__isnull=False, completed_at__lt=before)
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    orders = list(rows.order_by("completed_at", "id").values_list("id", "number", "completed_at"))
    ids = [row[0] for row in orders]
    sellers: dict[int, set[int]] = {}
    returns: dict[int, list[int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for order_id, seller_id in OrderLine.objects.filter(order_id__in=chunk).values_list(
            "order_id", "seller_id"
        ):
            sellers.setdefault(order_id, set()).add(seller_id)
        for order_id, return_id in (
            ReturnRequest.objects.filter(order_id__in=chunk, status="refunded")
            .order_by("id")
            .values_list("order_id", "id")
        ):
            returns.setdefault(order_id, []).append(return_id)
    return [
        CompletedOrder(
            order_id=order_id,
            number=number,
            completed_at=completed_at,
            seller_ids=tuple(sorted(sellers.get(order_id, ()))),
            return_ids=tuple(returns.get(order_id, ())),
        )
        for order_id, number, completed_at in orders
        if completed_at is not None  # always, by the filter; narrows the type
    ]


def goods_by_seller(
    *, order_numbers: list[str], return_ids: list[int], seller_id: int
) -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    """One seller's goods (before commission) in these orders, by order number, and the goods
    refunded to buyers in these returns, by return id. Two queries."""
    sold: dict[str, Decimal] = {}
    if order_numbers:
        rows = (
            OrderLine.objects.filter(order__number__in=order_numbers, seller_id=seller_id)
            .values_list("order__number")
            .annotate(total=Sum("line_total"))
            .order_by()
        )
        sold = {number: Decimal(str(total)).quantize(Decimal("0.01")) for number, total in rows}
    refunded: dict[int, Decimal] = {}
    if return_ids:
        returned = (
            ReturnLine.objects.filter(request_id__in=return_ids, order_line__seller_id=seller_id)
            .values_list("request_id")
            .annotate(total=Sum(F("order_line__unit_price") * F("quantity")))
            .order_by()
        )
        refunded = {pk: Decimal(str(total)).quantize(Decimal("0.01")) for pk, total in returned}
    return sold, refunded


def seller_sales_by_month(
    *, seller_id: int, since: datetime.datetime
) -> list[tuple[datetime.date, Decimal, Decimal]]:
    """A shop's completed sales by month (Asia/Shanghai) from `since`: (first day of the month,
    goods sold, goods returned since), oldest month first; months without sales are absent."""
    rows = (
        OrderLine.objects.filter(seller_id=seller_id, order__completed_at__gte=since)
        .annotate(month=TruncMonth("order__completed_at", output_field=DateField()))
        .values("month")
        .annotate(
            sold=Sum("line_total"),
            back=Sum(
                F("unit_price") * F("returned_quantity"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
        )
        .order_by("month")
    )
    return [(r["month"], Decimal(r["sold"]), Decimal(r["back"] or 0)) for r in rows]
