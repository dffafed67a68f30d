"""Returns: the buyer asks, staff decide, an undelivered parcel is refunded whole, and a
refund that succeeded moves the order to refunded."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import text_check
from xiangcun.ledger.services import entry_post
from xiangcun.orders.errors import (
    InvalidReturnLinesError,
    InvalidReturnReasonError,
    InvalidTransitionError,
    OrderNotFoundError,
    OrderPermissionDeniedError,
    ReturnAlreadyDecidedError,
    ReturnNotAllowedError,
    ReturnNotFoundError,
)
from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest
from xiangcun.orders.services._common import (
    _actor_id,
    _event,
    _is_buyer,
    _is_id,
    _order_locked,
    _roles,
    _sms,
    _units,
)
from xiangcun.orders.services.ledger import REVERSAL_KIND, _reversal_lines
from xiangcun.orders.services.transitions import _RETURN_STAFF, TRANSITIONS, _may_move, _set_status
from xiangcun.orders.types import EventCode, OrderStatus
from xiangcun.payments.services import payment_cancel, payment_lock, refund_create
from xiangcun.payments.types import RefundCompleted


@transaction.atomic
def return_request(
    *,
    actor: AnyUser,
    order_id: int,
    lines: list[tuple[int, int]],
    reason: str,
    detail: str = "",
) -> ReturnRequest:
    """The buyer asks to send back units of a delivered order, saying why."""
    text_check(detail=detail)
    if reason not in ReturnRequest.Reason.values or reason == ReturnRequest.Reason.UNDELIVERED:
        raise InvalidReturnReasonError(field="reason")
    detail = (detail or "").strip()
    if len(detail) > 300:
        raise InvalidInputError(_("Say it in at most 300 characters."), field="detail")
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidReturnLinesError(field="lines")
    order = _order_locked(order_id)
    if not _is_buyer(actor, order):
        raise OrderPermissionDeniedError
    move = TRANSITIONS.get((order.status, OrderStatus.RETURN_REQUESTED))
    if move is None or order.paid_at is None:
        raise ReturnNotAllowedError
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    wanted: dict[int, int] = defaultdict(int)
    for index, line in enumerate(lines):
        if not isinstance(line, list | tuple) or len(line) != 2:
            raise InvalidReturnLinesError(field=f"lines.{index}")
        line_id, quantity = line
        wanted[line_id] += _units(quantity, field=f"lines.{index}.quantity")
    amount = Decimal("0.00")
    for line_id, quantity in wanted.items():
        order_line = order_lines.get(line_id)
        if order_line is None or quantity > order_line.quantity - order_line.returned_quantity:
            raise InvalidReturnLinesError(field="lines", order_line_id=line_id)
        amount += order_line.unit_price * quantity
    request = ReturnRequest.objects.create(order=order, reason=reason, detail=detail, amount=amount)
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(request=request, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        ]
    )
    _set_status(
        order,
        to_status=OrderStatus.RETURN_REQUESTED,
        actor=actor,
        via="return_request",
        note=str(ReturnRequest.Reason(reason).label),
    )
    return request


def _refund_number(request: ReturnRequest, order: Order) -> str:
    return f"{order.number}R{request.pk}"


@transaction.atomic
def return_decide(
    *, actor: AnyUser, return_id: int, approve: bool, note: str = ""
) -> ReturnRequest:
    """Staff accept or refuse a return. Accepted: the money goes back through the way it was
    paid (the sandbox and WeChat at once; cash is paid out at a station and confirmed there),
    and the ledger reverses the refunded goods when the refund succeeds."""
    text_check(note=note)
    if not _roles(actor) & _RETURN_STAFF:
        raise OrderPermissionDeniedError
    request = ReturnRequest.objects.filter(pk=return_id).first()
    if request is None:
        raise ReturnNotFoundError
    order = Order.objects.get(pk=request.order_id)
    note = (note or "").strip()[:200]
    if not approve:
        order = _order_locked(order.pk)
        request = ReturnRequest.objects.select_for_update().get(pk=return_id)
        if request.status != ReturnRequest.Status.REQUESTED:
            raise ReturnAlreadyDecidedError
        request.status = ReturnRequest.Status.REJECTED
        request.decided_by_id = _actor_id(actor)
        request.save(update_fields=["status", "decided_by", "updated_at"])
        back = OrderStatus.COMPLETED if order.completed_at else OrderStatus.DELIVERED
        _set_status(
            order,
            to_status=back,
            actor=actor,
            via="return_decide",
            note=note or EventCode("return_refused"),
        )
        return request
    if request.status != ReturnRequest.Status.REQUESTED:
        raise ReturnAlreadyDecidedError
    request = ReturnRequest.objects.select_for_update().get(pk=return_id)
    if request.status != ReturnRequest.Status.REQUESTED:
        raise ReturnAlreadyDecidedError
    _return_refund_start(request, order, actor=actor, note=note or EventCode("return_accepted"))
    request.refresh_from_db()
    return request


def _return_refund_start(
    request: ReturnRequest, order: Order, *, actor: AnyUser | None, note: str | EventCode
) -> None:
    """Approve a locked return: its units count as returned and its amount goes back the way
    the order was paid (the sandbox and WeChat at once; cash is paid out at a station and
    confirmed there). When the refund succeeds, `return_refunded` reverses the ledger and
    moves the order to refunded."""
    for return_line in ReturnLine.objects.filter(request=request).order_by("order_line_id"):
        OrderLine.objects.filter(pk=return_line.order_line_id).update(
            returned_quantity=F("returned_quantity") + return_line.quantity
        )
    request.status = ReturnRequest.Status.APPROVED
    request.decided_by_id = _actor_id(actor)
    request.refund_number = _refund_number(request, order)
    request.save(update_fields=["status", "decided_by", "refund_number", "updated_at"])
    _event(order, actor=actor, note=note)
    # The intent is locked by payments first; a refund that succeeds at once calls
    # `refund_succeeded_handle` inside it, which locks the order after.
    refund_create(
        number=order.payment_number,
        amount=request.amount,
        reason=str(ReturnRequest.Reason(request.reason).label)[:80],
        refund_number=request.refund_number,
    )


@transaction.atomic
def order_refund_undelivered(*, actor: AnyUser | None, order_id: int) -> Order:
    """The order's parcel is coming back without ever having been handed over (three failed
    deliveries, or never collected from its station). Logistics calls this as the staff
    member who turned the parcel back (driver, courier, station agent, warehouse), or with
    `actor=None` as the platform.

    Paid: the buyer gets everything back, goods and delivery fee, through a return of every
    unit with the reason "not delivered", approved at once, so the refund, the ledger reversal
    and the move to refunded are those of any return (cash is paid out at a station and
    confirmed there; until the money is back the order shows return requested). Cash on
    delivery never taken: the order is cancelled and its payment closed. The goods themselves
    go back into stock when the warehouse receives the parcel. Calling again changes nothing.
    """
    if not _is_id(order_id):
        raise OrderNotFoundError
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.payment_number:
        # The payment before the order (the house lock order): a payment confirmed meanwhile
        # is then seen on the order below.
        payment_lock(number=order.payment_number)
    order = _order_locked(order_id)
    already = ReturnRequest.objects.filter(order=order, reason=ReturnRequest.Reason.UNDELIVERED)
    if already.exists() or (order.status == OrderStatus.CANCELLED and order.paid_at is None):
        return order
    to_status = OrderStatus.RETURN_REQUESTED if order.paid_at is not None else OrderStatus.CANCELLED
    move = TRANSITIONS.get((order.status, to_status))
    if move is None or move.via != "order_refund_undelivered":
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    if to_status == OrderStatus.CANCELLED:
        if order.payment_number:
            payment_cancel(number=order.payment_number)
        order.cancelled_at = timezone.now()
        _set_status(
            order,
            to_status=OrderStatus.CANCELLED,
            actor=actor,
            via="order_refund_undelivered",
            note=EventCode("undelivered_cancelled"),
            extra_fields=("cancelled_at",),
        )
        return order
    units = {
        line.pk: (line.quantity - line.returned_quantity, line.unit_price)
        for line in OrderLine.objects.filter(order=order).order_by("pk")
        if line.quantity > line.returned_quantity
    }
    goods = sum((price * quantity for quantity, price in units.values()), Decimal("0.00"))
    amount = goods + order.delivery_fee
    request = ReturnRequest.objects.create(
        order=order,
        reason=ReturnRequest.Reason.UNDELIVERED,
        detail=gettext("The parcel came back without being handed over."),
        amount=amount,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(request=request, order_line_id=line_id, quantity=quantity)
            for line_id, (quantity, _price) in sorted(units.items())
        ]
    )
    _set_status(
        order,
        to_status=OrderStatus.RETURN_REQUESTED,
        actor=actor,
        via="order_refund_undelivered",
        note=EventCode("undelivered_returning"),
    )
    if order.payment_method == Order.PaymentMethod.CASH:
        text = gettext_noop(
            "Xiangcun order %(number)s could not be delivered and is coming back to us. "
            "Collect your ¥%(amount)s in cash at the station."
        )
    else:
        text = gettext_noop(
            "Xiangcun order %(number)s could not be delivered and is coming back to us. "
            "¥%(amount)s is refunded the way you paid."
        )
    _sms(order, text, number=order.number, amount=str(amount))
    _return_refund_start(
        request,
        order,
        actor=actor,
        note=EventCode("refund_started", {"amount": str(amount)}),
    )
    order.refresh_from_db()
    return order


@transaction.atomic
def return_refunded(*, refund_number: str) -> ReturnRequest | None:
    """The refund of a return succeeded (called by payments inside its transaction): reverse
    the allocation for the refunded goods and move the order to refunded. Idempotent."""
    request = ReturnRequest.objects.filter(refund_number=refund_number).first()
    if request is None:
        return None
    order = _order_locked(request.order_id)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == ReturnRequest.Status.REFUNDED:
        return request
    entry_post(
        kind=REVERSAL_KIND,
        reference=f"return:{request.pk}",
        lines=_reversal_lines(request),
        memo=f"return {request.pk} of order {order.number}"[:200],
    )
    request.status = ReturnRequest.Status.REFUNDED
    request.save(update_fields=["status", "updated_at"])
    _set_status(
        order,
        to_status=OrderStatus.REFUNDED,
        actor=None,
        via="return_decide",
        note=EventCode("refunded", {"amount": str(request.amount)}),
    )
    return request


def refund_succeeded_handle(refund: RefundCompleted) -> None:
    """Registered with payments: runs inside the transaction that records the refund."""
    return_refunded(refund_number=refund.refund_number)
