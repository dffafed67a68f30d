"""Cancelling an order: by the buyer or staff, when its payment window lapses, and the refund
of a payment that arrived after."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.inventory.services import reservation_release
from xiangcun.orders.errors import (
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderPermissionDeniedError,
)
from xiangcun.orders.models import Order
from xiangcun.orders.services._common import _order_locked, _stock_reference
from xiangcun.orders.services.payment import (
    _payment_news,
    _payment_stop,
    _unwanted_payment_refund,
    _unwanted_refund_number,
)
from xiangcun.orders.services.transitions import TRANSITIONS, _may_move, _set_status
from xiangcun.orders.types import EventCode, OrderStatus
from xiangcun.payments.errors import RefundNotFoundError
from xiangcun.payments.selectors import refund_get
from xiangcun.payments.services import payment_lock

logger = logging.getLogger(__name__)

# A payment that arrived after its order was cancelled is refunded at once; when the provider
# could not be reached then, `late_payments_refund` tries again for this long.
LATE_REFUND_RETRY = timedelta(days=3)


def _cancel_locked(order: Order, *, actor: AnyUser | None, reason: str | EventCode) -> None:
    """Cancel a locked, unpaid order: its stock hold is released and the buyer is told."""
    reservation_release(reference=_stock_reference(order))
    order.cancelled_at = timezone.now()
    order.expires_at = None
    _set_status(
        order,
        to_status=OrderStatus.CANCELLED,
        actor=actor,
        via="order_cancel",
        note=reason or EventCode("cancelled"),
        extra_fields=("cancelled_at", "expires_at"),
    )


def order_cancel(*, actor: AnyUser, order_id: int, reason: str = "") -> Order:
    """The buyer (while unpaid) or staff cancel an order: the payment is closed and the held
    stock released. Paid orders go back through a return instead.

    WeChat Pay is never asked inside the transaction: first, with none open, whether the
    buyer has paid meanwhile (`payment_sync`; a payment found made is recorded, the order is
    paid and not cancellable); then the order is cancelled, its stock released and its
    payment marked closing in one transaction; once that has committed WeChat is asked to
    close the payment (see `_payment_stop`)."""
    text_check(reason=reason)
    order = Order.objects.filter(pk=order_id).first()
    if (
        order is not None
        and order.status == OrderStatus.PENDING_PAYMENT
        and _may_move(actor, order, TRANSITIONS[(order.status, OrderStatus.CANCELLED)])
    ):
        _payment_news(order)
    return _order_cancelled(actor=actor, order_id=order_id, reason=reason)


@transaction.atomic
def _order_cancelled(*, actor: AnyUser, order_id: int, reason: str) -> Order:
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_CASH):
        raise OrderNotCancellableError
    move = TRANSITIONS[(order.status, OrderStatus.CANCELLED)]
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    reason = (reason or "").strip()[:200]
    if not _payment_stop(order):
        raise OrderNotCancellableError
    order = _order_locked(order_id)
    if (
        order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_CASH)
        or order.paid_at
    ):
        raise OrderNotCancellableError
    _cancel_locked(order, actor=actor, reason=reason)
    return order


def orders_expire(*, now: datetime | None = None) -> int:
    """Cancel unpaid orders past their payment window (cash orders have a longer one) and
    release their stock. Each order in its own transaction, so one stuck payment does not
    hold back the rest. Returns how many were cancelled."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(
            status__in=(OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_CASH),
            paid_at__isnull=True,
            expires_at__lte=now,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cancelled = 0
    for order_id in due:
        try:
            with transaction.atomic():
                order = Order.objects.get(pk=order_id)
                if not _payment_stop(order):
                    continue
                order = _order_locked(order_id)
                if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_CASH):
                    continue
                if order.paid_at is not None or order.expires_at is None:
                    continue
                _cancel_locked(order, actor=None, reason=EventCode("not_paid_in_time"))
                cancelled += 1
        except XiangcunError:
            logger.exception("Could not expire order %s", order_id)
    return cancelled


def late_payments_refund(*, now: datetime | None = None) -> int:
    """Try again to refund payments that arrived after their order was cancelled, where the
    provider could not be reached the first time (within LATE_REFUND_RETRY of the payment;
    after that staff look at the error in the log). Returns how many refunds were started."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(
            status=OrderStatus.CANCELLED,
            paid_at__isnull=False,
            paid_at__gte=now - LATE_REFUND_RETRY,
        )
        .order_by("pk")
        .values_list("pk", "payment_number")
    )
    started = 0
    for order_id, payment_number in due:
        try:
            refund_get(refund_number=_unwanted_refund_number(payment_number))
            continue
        except RefundNotFoundError:
            pass
        try:
            with transaction.atomic():
                # The payment first, then the order: the house lock order.
                intent = payment_lock(number=payment_number)
                order = _order_locked(order_id)
                if order.status != OrderStatus.CANCELLED or order.payment_number != payment_number:
                    continue
                if str(intent.status) != "succeeded":
                    continue
                started += _unwanted_payment_refund(
                    order,
                    payment_number=payment_number,
                    amount=intent.amount,
                    reason=gettext("Paid after cancellation"),
                    retry=True,
                )
        except XiangcunError:
            logger.exception("Could not retry the refund of order %s", order_id)
    return started
