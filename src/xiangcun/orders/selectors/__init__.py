"""Reads of the orders app shaped for pages and the API: a buyer's orders, one order with its
timeline, a seller's lines, the cart. Each runs a fixed number of queries whatever the rows.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.safestring import SafeString

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import variant_availability, variant_on_sale
from xiangcun.core.types import IntegrityProblem, Page
from xiangcun.inventory.selectors import reservation_units
from xiangcun.ledger.selectors import account_totals_by_reference
from xiangcun.ledger.types import BUYER_PAYMENTS_CLEARING
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.models import Cart, CartLine, Order, OrderEvent, OrderLine, ReturnRequest

# Reads for the programme's figures (impact), kept in their own module.
from xiangcun.orders.selectors.impact import order_days_changed as order_days_changed
from xiangcun.orders.selectors.impact import orders_completed_on as orders_completed_on
from xiangcun.orders.selectors.impact import orders_first_day as orders_first_day
from xiangcun.orders.selectors.impact import orders_paid_on as orders_paid_on

# Reads for finance (settlement, statements, the credit score), kept in their own module.
from xiangcun.orders.selectors.money import CompletedOrder as CompletedOrder
from xiangcun.orders.selectors.money import goods_by_seller as goods_by_seller
from xiangcun.orders.selectors.money import orders_completed as orders_completed
from xiangcun.orders.selectors.money import seller_sales_by_month as seller_sales_by_month
from xiangcun.orders.services import ALLOCATION_KIND, ORDER_VIEW_STAFF, REVERSAL_KIND, TRANSITIONS
from xiangcun.orders.types import CartItem, CartShop, CartSummary, OrderPayment, OrderView
from xiangcun.payments.errors import PaymentNotFoundError
from xiangcun.payments.selectors import payment_get, payments_by_reference
from xiangcun.payments.types import PaymentFacts
from xiangcun.sellers.selectors import sellers_managed_by
from xiangcun.traceability.types import RecallContact

PAGE_SIZE_MAX = 100


def _lines() -> Prefetch[Any]:
    return Prefetch(
        "lines", queryset=OrderLine.objects.select_related("seller").order_by("seller_id", "id")
    )


def orders_for_buyer(*, user: AnyUser, page: int = 1, page_size: int = 20) -> Page[Order]:
    """The orders a user placed (or had placed for them), newest first, lines prefetched.
    Three queries: count, orders, lines."""
    page = max(1, page)
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    if not user.is_authenticated:
        return Page(items=[], count=0, page=page, page_size=page_size)
    rows = Order.objects.filter(buyer_id=user.pk)
    count = rows.count()
    start = (page - 1) * page_size
    items = list(rows.prefetch_related(_lines()).order_by("-id")[start : start + page_size])
    return Page(items=items, count=count, page=page, page_size=page_size)


def order_viewer(*, user: AnyUser, order: Order) -> str:
    """How `user` relates to an order: "buyer", "staff", "seller" (sees their lines only) or
    "" (may not see it)."""
    if not user.is_authenticated or not user.is_active:
        return ""
    if user.pk in (order.buyer_id, order.placed_by_id):
        return "buyer"
    if getattr(user, "is_superuser", False) or {str(r) for r in user_roles(user=user)} & {
        str(r) for r in ORDER_VIEW_STAFF
    }:
        return "staff"
    if set(order_seller_ids(order=order)) & {s.pk for s in sellers_managed_by(user=user)}:
        return "seller"
    return ""


def order_seller_ids(*, order: Order) -> list[int]:
    return sorted({line.seller_id for line in order.lines.all()})


def order_get(*, order_id: int, for_user: AnyUser) -> OrderView:
    """One order with lines (seller joined) and timeline prefetched, for its buyer, staff, or a
    seller with lines in it, with the lines this user may see: every line, or only the
    seller's own. Anyone else gets OrderNotFoundError (nothing to probe)."""
    order = (
        Order.objects.filter(pk=order_id)
        .select_related("station")
        .prefetch_related(_lines(), Prefetch("events", queryset=OrderEvent.objects.order_by("id")))
        .first()
    )
    if order is None:
        raise OrderNotFoundError
    viewer = order_viewer(user=for_user, order=order)
    if not viewer:
        raise OrderNotFoundError
    lines = list(order.lines.all())
    if viewer == "seller":
        mine = {seller.pk for seller in sellers_managed_by(user=for_user)}
        lines = [line for line in lines if line.seller_id in mine]
    return OrderView(order=order, viewer=viewer, lines=lines)


# Logistics sits above us: it registers `part(order_id=..., for_user=...)`, the HTML of the parcels
# and their timelines, which the order page shows below the goods (`order_page_parts`).
OrderPagePart = Callable[..., SafeString]
_order_page_parts: list[OrderPagePart] = []


def order_page_part_register(part: OrderPagePart) -> None:
    """A higher app adds a part to the order page: `part(order_id=..., for_user=...)` returns
    HTML, or "" when it has nothing to show. The page checked who may see the order; the part
    decides what of its own this person may see."""
    if part not in _order_page_parts:
        _order_page_parts.append(part)


def order_page_parts(*, order: Order, for_user: AnyUser) -> list[SafeString]:
    """The HTML every registered part gives for this order and person, in registration order."""
    return [part(order_id=order.pk, for_user=for_user) for part in _order_page_parts]


def order_payment(*, order: Order, for_user: AnyUser) -> OrderPayment | None:
    """The order's payment for someone who may see the order (callers got it from
    `order_get`): its number, provider, channel and status for all of them; what a device needs
    to pay (`client_data`, with WeChat's signed prepay parameters) only for the order's buyer,
    the person who pays. None while the order has no payment."""
    if not order.payment_number:
        return None
    try:
        intent = payment_get(number=order.payment_number)
    except PaymentNotFoundError:
        return None
    payer = for_user.is_authenticated and for_user.is_active and for_user.pk == order.buyer_id
    return OrderPayment(
        number=intent.number,
        provider=intent.provider,
        channel=intent.channel,
        status=intent.status,
        client_data=dict(intent.client_data or {}) if payer else {},
    )


def order_timeline(*, order: Order) -> list[OrderEvent]:
    """The order's steps, oldest first (from the prefetch when `order_get` made it)."""
    return sorted(order.events.all(), key=lambda event: event.pk)


def order_next_statuses(*, order: Order) -> list[str]:
    """Steps the table allows from here through `order_transition` (pages show buttons)."""
    return [to for (src, to), move in TRANSITIONS.items() if src == order.status and not move.via]


def order_buyer_moves(*, order: Order) -> set[str]:
    """Where the table lets the buyer take the order from here (cancel while unpaid, confirm
    or return once delivered), whichever service makes the move."""
    return {to for (src, to), move in TRANSITIONS.items() if src == order.status and move.buyer}


# The steps a line takes, in order; a seller moves their own lines to the next one.
_LINE_STEPS: tuple[str, ...] = tuple(OrderLine.Fulfilment.values)


def order_seller_next_step(*, order: Order, lines: Iterable[OrderLine]) -> str:
    """The step a seller takes next with their own lines of the order (`order_transition`
    moves a seller's lines, never the whole order): the line step after the one all of them
    are at, while the order stands where the table lets sellers move it and that step is one
    the table gives sellers (packing, shipped); "" when there is none. No query."""
    seller_moves = {(src, to) for (src, to), move in TRANSITIONS.items() if move.seller}
    reached = {line.fulfilment for line in lines}
    if len(reached) != 1 or order.status not in {src for src, _to in seller_moves}:
        return ""
    position = _LINE_STEPS.index(reached.pop()) + 1
    step = _LINE_STEPS[position] if position < len(_LINE_STEPS) else ""
    return step if step in {to for _src, to in seller_moves} else ""


# Closed orders take no more cash, whatever their payment says.
_CASH_CLOSED = frozenset(
    {Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.RETURN_REQUESTED}
)


def order_cash_due(*, order: Order) -> bool:
    """A cash order whose money nobody has taken yet (cash on delivery may already be on the
    road: packing or shipped): the staff cash page takes it."""
    return (
        order.payment_method == Order.PaymentMethod.CASH
        and order.paid_at is None
        and order.status not in _CASH_CLOSED
    )


def order_lines_for_seller(
    *, seller_id: int, status: str | None = None, page: int = 1, page_size: int = 50
) -> Page[OrderLine]:
    """A shop's lines of every order, newest order first, with the order joined; only its
    own lines (never another seller's). Unpaid and cancelled orders are left out unless
    asked for by `status`."""
    page = max(1, page)
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    rows: QuerySet[OrderLine] = OrderLine.objects.filter(seller_id=seller_id)
    if status:
        rows = rows.filter(order__status=status)
    else:
        rows = rows.exclude(
            order__status__in=(Order.Status.PENDING_PAYMENT, Order.Status.CANCELLED)
        )
    count = rows.count()
    start = (page - 1) * page_size
    items = list(
        rows.select_related("order", "order__station").order_by("-order_id", "id")[
            start : start + page_size
        ]
    )
    return Page(items=items, count=count, page=page, page_size=page_size)


def order_by_number(*, number: str) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise OrderNotFoundError
    return order


def order_for_idempotency_key(*, buyer: AnyUser, idempotency_key: str) -> Order | None:
    """The order this buyer placed with this checkout key, if any (pages use it to answer a
    double submit)."""
    if not buyer.is_authenticated:
        return None
    return Order.objects.filter(idempotency_key=f"{buyer.pk}:{idempotency_key}").first()


def returns_for_order(*, order_id: int) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(order_id=order_id).prefetch_related("lines").order_by("id")
    )


def orders_awaiting_cash(*, station_id: int | None = None) -> list[Order]:
    """Cash orders not yet paid, oldest first (the staff cash page)."""
    rows = Order.objects.filter(
        payment_method=Order.PaymentMethod.CASH, paid_at__isnull=True
    ).exclude(status=Order.Status.CANCELLED)
    if station_id is not None:
        rows = rows.filter(station_id=station_id)
    return list(rows.order_by("id"))


def variants_ordered_most(*, station_id: int, limit: int = 300) -> list[int]:
    """Variant ids ordered for pickup at a station, most units first (a station's usual goods:
    the service-centre counter keeps these for searching offline)."""
    rows = (
        OrderLine.objects.filter(order__station_id=station_id)
        .exclude(order__status=Order.Status.CANCELLED)
        .values("variant_id")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "variant_id")
    )
    return [int(row["variant_id"]) for row in rows[: max(1, min(limit, 1000))]]


def orders_to_pack(*, limit: int = 200) -> list[Order]:
    """Orders the warehouse should pack, oldest first, lines prefetched: paid ones, and cash
    orders that are paid on delivery or at the station (logistics' packing list)."""
    rows = Order.objects.filter(status__in=(Order.Status.PAID, Order.Status.AWAITING_CASH))
    return list(rows.prefetch_related(_lines()).order_by("id")[: max(1, limit)])


# --- Cart -------------------------------------------------------------------------------------


def cart_get(*, user: AnyUser | None = None, session_key: str | None = None) -> Cart | None:
    """The cart of a user or a guest session, without creating one."""
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user_id=user.pk).first()
    if session_key:
        return Cart.objects.filter(session_key=session_key).first()
    return None


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """The cart's lines by shop (shops in id order), with today's names, prices and stock and
    whether each is still on sale (catalog's rule). One query plus availability."""
    if cart is None:
        return CartSummary(shops=[], goods_total=Decimal("0.00"), count=0)
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__seller")
        .order_by("variant__product__seller_id", "id")
    )
    available = variant_availability(variant_ids=[line.variant_id for line in lines])
    shops: dict[int, tuple[Any, list[CartItem]]] = {}
    for line in lines:
        variant: Any = line.variant
        product = variant.product
        shops.setdefault(product.seller_id, (product.seller, []))[1].append(
            CartItem(
                line_id=line.pk,
                variant_id=line.variant_id,
                product_id=variant.product_id,
                product_name=product.name,
                product_name_en=product.name_en,
                variant_name=variant.name,
                variant_name_en=variant.name_en,
                unit=variant.unit,
                unit_label=variant.get_unit_display(),
                unit_price=variant.price,
                quantity=line.quantity,
                line_total=variant.price * line.quantity,
                available=available.get(line.variant_id, 0),
                on_sale=variant_on_sale(variant),
            )
        )
    groups = [
        CartShop(
            seller_id=seller.pk,
            name=seller.name,
            name_en=seller.name_en,
            items=items,
            subtotal=sum((item.line_total for item in items if item.on_sale), Decimal("0.00")),
        )
        for seller, items in shops.values()
    ]
    return CartSummary(
        shops=groups,
        goods_total=sum((shop.subtotal for shop in groups), Decimal("0.00")),
        count=sum(line.quantity for line in lines),
    )


def recall_contacts(*, order_line_ids: list[int]) -> list[RecallContact]:
    """The order and buyer of each of these order lines, one per order (registered with
    traceability, which names the lines a recalled lot was packed into). The phone is the
    order's contact phone, given at checkout. One query."""
    orders = (
        Order.objects.filter(lines__id__in=list(order_line_ids))
        .select_related("buyer")
        .distinct()
        .order_by("number")
    )
    return [
        RecallContact(
            order_number=order.number,
            buyer_name=(getattr(order.buyer, "name", "") if order.buyer else "") or order.recipient,
            phone=order.phone,
        )
        for order in orders
    ]


def order_numbers_visible(*, user: AnyUser, numbers: list[str]) -> set[str]:
    """Of these order numbers, those `user` may see (the rule of `order_viewer`: buyer, staff,
    or a seller with lines in it). Registered with traceability, which shows an EPCIS event's
    order reference only to who may see the order. At most three queries."""
    if not numbers or not user.is_authenticated or not user.is_active:
        return set()
    orders = Order.objects.filter(number__in=list(numbers))
    staff = {str(role) for role in ORDER_VIEW_STAFF}
    if getattr(user, "is_superuser", False) or {str(r) for r in user_roles(user=user)} & staff:
        return set(orders.values_list("number", flat=True))
    mine = Q(buyer_id=user.pk) | Q(placed_by_id=user.pk)
    seller_ids = [seller.pk for seller in sellers_managed_by(user=user)]
    if seller_ids:
        mine |= Q(lines__seller_id__in=seller_ids)
    return set(orders.filter(mine).values_list("number", flat=True))


# --- Audit ------------------------------------------------------------------------------------

_CENT = Decimal("0.01")
# Statuses in which the order's goods have left stock (cash on delivery: from packing on).
_STOCK_TAKEN = frozenset(
    {
        Order.Status.PAID,
        Order.Status.PACKING,
        Order.Status.SHIPPED,
        Order.Status.DELIVERED,
        Order.Status.COMPLETED,
        Order.Status.RETURN_REQUESTED,
        Order.Status.REFUNDED,
    }
)
_UNPAID_OPEN = frozenset({Order.Status.PENDING_PAYMENT, Order.Status.AWAITING_CASH})


def _problem(check: str, number: str, detail: str) -> IntegrityProblem:
    return IntegrityProblem(app="orders", check=check, record=f"order {number}", detail=detail)


def _units(units: dict[int, int]) -> dict[int, int]:
    return {variant: count for variant, count in units.items() if count}


def _payment_problems(
    *,
    number: str,
    status: str,
    total: Decimal,
    paid: bool,
    payment_number: str,
    intents: list[PaymentFacts],
) -> list[IntegrityProblem]:
    problems: list[IntegrityProblem] = []
    current = next((i for i in intents if i.number == payment_number), None)
    if paid:
        if current is None or not current.paid:
            problems.append(
                _problem(
                    "order_paid_without_payment",
                    number,
                    f"paid, but payment {payment_number or '-'} is "
                    f"{current.status if current else 'missing'}",
                )
            )
        elif current.amount != total:
            problems.append(
                _problem(
                    "order_payment_amount_mismatch",
                    number,
                    f"total {total}, payment {current.number} took {current.amount}",
                )
            )
        elif status == Order.Status.CANCELLED and current.refunds_started < current.amount:
            problems.append(
                _problem(
                    "cancelled_order_payment_not_refunded",
                    number,
                    f"cancelled, payment {current.number} of {current.amount} kept "
                    f"({current.refunds_started} refunded)",
                )
            )
    for intent in intents:
        if not intent.paid or (paid and intent is current):
            continue
        if not paid:
            problems.append(
                _problem(
                    "payment_without_paid_order",
                    number,
                    f"payment {intent.number} succeeded but the order is not paid",
                )
            )
        elif intent.refunds_started < intent.amount:
            problems.append(
                _problem(
                    "payment_not_refunded",
                    number,
                    f"second payment {intent.number} of {intent.amount} kept "
                    f"({intent.refunds_started} refunded)",
                )
            )
    return problems


def _stock_problems(
    *, number: str, status: str, ordered: dict[int, int], held: dict[str, dict[int, int]]
) -> list[IntegrityProblem]:
    consumed = _units(held.get("consumed", {}))
    active = _units(held.get("active", {}))
    if status in _STOCK_TAKEN:
        if consumed != ordered:
            return [
                _problem(
                    "order_stock_not_consumed",
                    number,
                    f"{status}: ordered {ordered}, stock sold {consumed}",
                )
            ]
        if active:
            return [_problem("order_stock_still_held", number, f"{status}: still holds {active}")]
    elif status in _UNPAID_OPEN:
        if consumed:
            return [_problem("unpaid_order_stock_consumed", number, f"{status}: sold {consumed}")]
        if active and active != ordered:
            return [
                _problem("order_stock_partly_held", number, f"ordered {ordered}, held {active}")
            ]
    elif status == Order.Status.CANCELLED and active:
        return [_problem("cancelled_order_holds_stock", number, f"still holds {active}")]
    return []


def orders_integrity_problems() -> list[IntegrityProblem]:
    """Every order against its lines, its payments, its stock and the ledger: the goods total
    is the sum of the lines and the total adds the delivery fee; a paid order has its payment
    succeeded for the same amount and an unpaid one has none, any other payment that went
    through (twice paid, paid after cancellation) is refunded; the goods of a paid or shipped
    order were sold from stock, an open order holds all of them or none, a cancelled one
    holds none; the money of a paid order is allocated (`order:<number>`) and every refunded
    return reversed (`return:<id>`). Empty when all agree. A fixed number of queries (every
    order's lines are read into memory: run it off-peak on a large database)."""
    payments = payments_by_reference(reference_prefix="order:")
    held = reservation_units(reference_prefix="order:")
    allocated = account_totals_by_reference(
        kinds=(ALLOCATION_KIND,), reference_prefix="order:", account_code=BUYER_PAYMENTS_CLEARING
    )
    reversed_returns = account_totals_by_reference(
        kinds=(REVERSAL_KIND,), reference_prefix="return:", account_code=BUYER_PAYMENTS_CLEARING
    )
    goods: dict[int, Decimal] = {}
    ordered: dict[int, dict[int, int]] = {}
    lines = (
        OrderLine.objects.values_list("order_id", "variant_id")
        .annotate(units=Sum("quantity"), amount=Sum("line_total"))
        .order_by()
    )
    for order_id, variant_id, units, amount in lines.iterator():
        ordered.setdefault(order_id, {})[variant_id] = int(units)
        goods[order_id] = goods.get(order_id, Decimal("0.00")) + Decimal(str(amount))
    problems: list[IntegrityProblem] = []
    orders = Order.objects.order_by("pk").values_list(
        "pk",
        "number",
        "status",
        "goods_total",
        "delivery_fee",
        "total",
        "paid_at",
        "payment_number",
    )
    for pk, number, status, goods_total, fee, total, paid_at, payment_number in orders.iterator():
        lines_total = goods.get(pk, Decimal("0.00")).quantize(_CENT)
        if lines_total != goods_total:
            problems.append(
                _problem(
                    "order_goods_mismatch",
                    number,
                    f"goods total {goods_total}, lines add up to {lines_total}",
                )
            )
        if (goods_total + fee).quantize(_CENT) != total:
            problems.append(
                _problem(
                    "order_total_mismatch",
                    number,
                    f"total {total}, goods {goods_total} + delivery {fee}",
                )
            )
        paid = paid_at is not None
        problems += _payment_problems(
            number=number,
            status=status,
            total=total,
            paid=paid,
            payment_number=payment_number,
            intents=payments.get(f"order:{pk}", []),
        )
        problems += _stock_problems(
            number=number,
            status=status,
            ordered=ordered.get(pk, {}),
            held=held.get(f"order:{number}", {}),
        )
        allocation = allocated.get(f"order:{number}")
        if paid and status != Order.Status.CANCELLED:
            if allocation is None:
                problems.append(
                    _problem("order_paid_not_allocated", number, "paid but not in the ledger")
                )
            elif allocation != total:
                problems.append(
                    _problem(
                        "order_allocation_mismatch",
                        number,
                        f"total {total}, the ledger allocates {allocation}",
                    )
                )
        elif allocation is not None:
            problems.append(
                _problem(
                    "order_allocated_not_paid",
                    number,
                    f"{status}, not paid, yet {allocation} allocated",
                )
            )
    returns = ReturnRequest.objects.order_by("pk").values_list(
        "pk", "status", "amount", "order__number"
    )
    for pk, status, amount, number in returns.iterator():
        reversal = reversed_returns.get(f"return:{pk}")
        if status == ReturnRequest.Status.REFUNDED and reversal != -amount:
            problems.append(
                _problem(
                    "return_not_reversed",
                    number,
                    f"return {pk} refunded {amount}, the ledger reverses "
                    f"{'nothing' if reversal is None else -reversal}",
                )
            )
        elif status != ReturnRequest.Status.REFUNDED and reversal is not None:
            problems.append(
                _problem("return_reversed_not_refunded", number, f"return {pk} is {status}")
            )
    return problems
