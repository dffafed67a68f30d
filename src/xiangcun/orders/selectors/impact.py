"""Reads of orders for the programme's figures (impact): the orders paid or completed on a day
with their goods net of refunds, and the days touched by orders changed since a time. Bulk
reads only: a day of ~3,000 orders takes a handful of queries whatever its size."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest
from xiangcun.orders.types import ImpactLine, ImpactOrder, OrderStatus

_CHUNK = 900  # ids per IN (...) list: under SQLite's variable limit with room to spare
_CENT = Decimal("0.01")


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` in China time and of the day after (aware datetimes)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _impact_orders(rows: QuerySet[Order]) -> list[ImpactOrder]:
    orders = list(
        rows.order_by("id").values_list(
            "id",
            "buyer_id",
            "status",
            "delivery_method",
            "county_code",
            "township_id",
            "village_id",
            "station__township_id",
            "station__village_id",
            "total",
        )
    )
    ids = [row[0] for row in orders]
    lines: dict[int, list[tuple[int, int, int, Decimal, Decimal]]] = defaultdict(list)
    back_units: dict[int, int] = {}
    refunded: dict[int, Decimal] = {}
    for chunk in _chunks(ids):
        for line_id, order_id, seller_id, product_id, price, total in (
            OrderLine.objects.filter(order_id__in=chunk)
            .order_by("order_id", "id")
            .values_list("id", "order_id", "seller_id", "product_id", "unit_price", "line_total")
        ):
            lines[order_id].append((line_id, seller_id, product_id, price, total))
        # Units whose refund succeeded (a return approved but not yet paid back still counts).
        for line_id, units in (
            ReturnLine.objects.filter(
                request__order_id__in=chunk, request__status=ReturnRequest.Status.REFUNDED
            )
            .values_list("order_line_id")
            .annotate(units=Sum("quantity"))
            .order_by()
        ):
            back_units[line_id] = int(units or 0)
        for order_id, amount in (
            ReturnRequest.objects.filter(order_id__in=chunk, status=ReturnRequest.Status.REFUNDED)
            .values_list("order_id")
            .annotate(amount=Sum("amount"))
            .order_by()
        ):
            refunded[order_id] = Decimal(str(amount or 0)).quantize(_CENT)
    out = []
    for (
        order_id,
        buyer_id,
        status,
        delivery,
        county_code,
        township_id,
        village_id,
        station_township_id,
        station_village_id,
        total,
    ) in orders:
        shaped = []
        for line_id, seller_id, product_id, price, line_total in lines.get(order_id, ()):
            amount = Decimal(str(line_total)) - Decimal(str(price)) * back_units.get(line_id, 0)
            shaped.append(
                ImpactLine(line_id, seller_id, product_id, max(amount, Decimal(0)).quantize(_CENT))
            )
        paid_back = refunded.get(order_id, Decimal(0))
        fully_refunded = (
            all(line.amount <= 0 for line in shaped)
            or paid_back >= Decimal(str(total))
            or (status == OrderStatus.REFUNDED and order_id not in refunded)
        )
        if delivery != Order.Delivery.HOME:
            township_id, village_id, county_code = station_township_id, station_village_id, ""
        out.append(
            ImpactOrder(
                order_id=order_id,
                buyer_id=buyer_id,
                delivery_method=delivery,
                county_code=county_code or "",
                township_id=township_id,
                village_id=village_id,
                fully_refunded=fully_refunded,
                lines=tuple(shaped),
            )
        )
    return out


def orders_paid_on(*, day: datetime.date) -> list[ImpactOrder]:
    """Orders paid on `day` (China time), with their lines net of refunds. Cancelled orders
    were never paid and are not here; fully refunded ones are, flagged."""
    start, end = day_bounds(day)
    return _impact_orders(Order.objects.filter(paid_at__gte=start, paid_at__lt=end))


def orders_completed_on(*, day: datetime.date) -> list[ImpactOrder]:
    """Orders completed on `day` (China time), with their lines net of refunds."""
    start, end = day_bounds(day)
    return _impact_orders(
        Order.objects.filter(completed_at__gte=start, completed_at__lt=end, paid_at__isnull=False)
    )


def order_days_changed(*, since: datetime.datetime) -> set[datetime.date]:
    """The days (China time) on which orders changed since `since` were paid or completed: an
    old order refunded today touches its paid and completed days."""
    changed = Q(updated_at__gte=since) | Q(
        pk__in=ReturnRequest.objects.filter(updated_at__gte=since).values("order_id")
    )
    days: set[datetime.date] = set()
    for paid_at, completed_at in Order.objects.filter(changed).values_list(
        "paid_at", "completed_at"
    ):
        for at in (paid_at, completed_at):
            if at is not None:
                days.add(timezone.localdate(at, timezone.get_default_timezone()))
    return days


def orders_first_day() -> datetime.date | None:
    """The day (China time) the first order was paid, or None."""
    first = (
        Order.objects.filter(paid_at__isnull=False)
        .order_by("paid_at")
        .values_list("paid_at", flat=True)[:1]
    )
    return timezone.localdate(first[0], timezone.get_default_timezone()) if first else None
