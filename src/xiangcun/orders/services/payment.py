"""An order's payment: marked paid (payments' callback), cash confirmed, paid again, and stopped
or asked about before a cancellation."""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.inventory.errors import (
    InsufficientStockError,
    ReservationExpiredError,
    ReservationNotFoundError,
)
from xiangcun.inventory.services import reservation_consume, reservation_release, stock_reserve
from xiangcun.ledger.services import entry_post
from xiangcun.orders.errors import (
    InvalidPaymentMethodError,
    OrderNotFoundError,
    OrderNotPayableError,
    OrderPermissionDeniedError,
)
from xiangcun.orders.models import Order
from xiangcun.orders.services._common import (
    _event,
    _is_buyer,
    _order_id_from_reference,
    _order_locked,
    _sms,
    _stock_reference,
)
from xiangcun.orders.services.ledger import ALLOCATION_KIND, _allocation_lines
from xiangcun.orders.services.transitions import _set_status
from xiangcun.orders.types import EventCode, OrderStatus
from xiangcun.payments.errors import InvalidPaymentDataError, PaymentNotPendingError
from xiangcun.payments.selectors import payment_get
from xiangcun.payments.services import (
    payment_cancel,
    payment_confirm_cash,
    payment_open,
    payment_prepare,
    payment_sync,
    refund_create,
)
from xiangcun.payments.types import PaymentResult

logger = logging.getLogger(__name__)


def _stock_consume(order: Order) -> bool:
    """Take the held units out of stock; hold them again first if the hold lapsed. False when
    the stock has gone to someone else meanwhile."""
    reference = _stock_reference(order)
    try:
        reservation_consume(reference=reference)
        return True
    except (ReservationExpiredError, ReservationNotFoundError):
        pass
    lines = [(line.variant_id, line.quantity) for line in order.lines.all()]
    try:
        with transaction.atomic():
            reservation_release(reference=reference)
            stock_reserve(lines=lines, reference=reference, ttl_seconds=60)
            reservation_consume(reference=reference)
    except InsufficientStockError:
        return False
    return True


def _unwanted_refund_number(payment_number: str) -> str:
    # One refund per unwanted payment, so retries and repeated notifications find it again.
    return f"{payment_number}R"


def _unwanted_payment_refund(
    order: Order, *, payment_number: str, amount: Decimal, reason: str, retry: bool = False
) -> bool:
    """Send back a whole payment the order does not need (it arrived after the order was
    cancelled, or the order was already paid), through its provider. Runs with the payment
    locked (inside payments' callback, or after `payment_lock`). The ledger needs nothing
    more than the refund's own entry: the payment was never allocated, so Dr clearing / Cr
    provider undoes Dr provider / Cr clearing. A provider that cannot be reached does not undo
    the payment: it stays booked and `late_payments_refund` tries again. False then."""
    try:
        # A savepoint: a refused refund leaves the payment and the order as they were.
        with transaction.atomic():
            refund_create(
                number=payment_number,
                amount=amount,
                reason=reason[:80],
                refund_number=_unwanted_refund_number(payment_number),
            )
    except XiangcunError:
        logger.exception("Could not refund payment %s of order %s", payment_number, order.number)
        if not retry:
            _event(
                order,
                actor=None,
                note=gettext("%(reason)s: the refund of ¥%(amount)s will be tried again.")
                % {"reason": reason, "amount": amount},
            )
        return False
    _event(
        order,
        actor=None,
        note=gettext("%(reason)s: ¥%(amount)s is refunded the way it was paid.")
        % {"reason": reason, "amount": amount},
    )
    _sms(
        order,
        gettext_noop(
            "Xiangcun order %(number)s: your payment of ¥%(amount)s is not needed (%(reason)s) "
            "and is being refunded the way you paid."
        ),
        number=order.number,
        amount=str(amount),
        reason=str(reason),
    )
    return True


@transaction.atomic
def order_mark_paid(*, reference: str, payment_number: str, amount: Decimal) -> Order | None:
    """A payment for `order:<id>` succeeded (called by payments, inside its transaction).

    The order becomes paid, its held stock is sold, and the money is allocated in the ledger.
    A second call for the same order changes nothing. Answers None for payments of anything
    other than an order.
    """
    text_check(reference=reference, payment_number=payment_number)
    order_id = _order_id_from_reference(reference)
    if order_id is None:
        return None
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        logger.error("Payment %s names order %s, which does not exist", payment_number, order_id)
        return None
    if order.paid_at is not None:
        if payment_number and payment_number != order.payment_number:
            # Another attempt of the same order was paid as well: that money is not wanted.
            logger.error("Order %s paid twice: payment %s refunded", order.number, payment_number)
            _unwanted_payment_refund(
                order, payment_number=payment_number, amount=amount, reason=gettext("Paid twice")
            )
        return order
    if amount != order.total:
        logger.error(
            "Payment %s of %s for order %s due %s",
            payment_number,
            amount,
            order.number,
            order.total,
        )
    order.paid_at = timezone.now()
    order.payment_number = payment_number or order.payment_number
    in_stock = _stock_consume(order)
    if order.status == OrderStatus.CANCELLED and not in_stock:
        # Money arrived for an order that expired and whose goods are gone: nothing is sold and
        # nothing allocated; the payment goes straight back the way it came. Only this first
        # call gets here (`paid_at` is set now), so a repeated notification refunds nothing.
        order.save(update_fields=["paid_at", "payment_number", "updated_at"])
        logger.warning("Order %s paid after cancellation with no stock left", order.number)
        _unwanted_payment_refund(
            order,
            payment_number=order.payment_number,
            amount=amount,
            reason=gettext("Paid after cancellation"),
        )
        return order
    entry_post(
        kind=ALLOCATION_KIND,
        reference=f"order:{order.number}",
        lines=_allocation_lines(order),
        memo=f"order {order.number}"[:200],
    )
    if order.status in (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.AWAITING_CASH,
        OrderStatus.CANCELLED,
    ):
        order.expires_at = None
        order.cancelled_at = None
        _set_status(
            order,
            to_status=OrderStatus.PAID,
            actor=None,
            via="order_mark_paid",
            note=EventCode("payment_received"),
            extra_fields=("paid_at", "payment_number", "expires_at", "cancelled_at"),
        )
    else:
        # Cash on delivery: the order is already on its way; only the money is new.
        order.save(update_fields=["paid_at", "payment_number", "updated_at"])
        _event(order, actor=None, note=EventCode("cash_received"))
    return order


def payment_succeeded_handle(result: PaymentResult) -> None:
    """Registered with payments: runs inside the transaction that records the payment."""
    order_mark_paid(reference=result.reference, payment_number=result.number, amount=result.amount)


@transaction.atomic
def order_confirm_cash(*, actor: AnyUser, order_id: int, station_id: int) -> Order:
    """Staff took the cash for an order (at the station or at the door): the payment is
    confirmed with payments, whose callback makes the order paid."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.payment_method != Order.PaymentMethod.CASH or order.paid_at is not None:
        raise OrderNotPayableError
    if order.status == OrderStatus.CANCELLED:
        raise OrderNotPayableError
    payment_confirm_cash(actor=actor, number=order.payment_number, station_id=station_id)
    order.refresh_from_db()
    return order


def _wechat_payer_check(channel: str, *, payer_openid: str, client_ip: str) -> None:
    """What WeChat Pay would refuse for the channel, refused before anything is written."""
    if channel == "jsapi" and not payer_openid.strip():
        raise InvalidPaymentDataError(
            gettext("Paying inside WeChat needs the buyer's WeChat account (payer_openid)."),
            field="payer_openid",
        )
    if channel == "h5" and not client_ip:
        raise InvalidPaymentDataError(field="client_ip")


def order_payment_renew(
    *,
    actor: AnyUser,
    order_id: int,
    return_url: str = "",
    wechat_channel: str = "",
    payer_openid: str = "",
    client_ip: str = "",
) -> Order:
    """The buyer pays again (see `_order_payment_renewed`); then, after that committed and
    outside any transaction, the provider prepares the payment if it is not yet: the new one,
    or the pending one whose preparation failed at checkout. A provider that fails raises
    ProviderError (the buyer tries again); the order and its payment stay as they were."""
    text_check(
        return_url=return_url,
        wechat_channel=wechat_channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
    )
    current = Order.objects.filter(pk=order_id).first()
    if current is not None and _is_buyer(actor, current):
        # A payment made meanwhile makes the order paid; nothing is renewed then.
        _payment_news(current)
    order = _order_payment_renewed(
        actor=actor,
        order_id=order_id,
        return_url=return_url,
        wechat_channel=wechat_channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
    )
    # The replaced payment was closed at WeChat once that committed; had it been paid after
    # all, the order is paid now and the new payment is not prepared.
    order = Order.objects.get(pk=order.pk)
    if order.status == OrderStatus.PENDING_PAYMENT and order.payment_number:
        payment_prepare(number=order.payment_number, payer_openid=payer_openid, client_ip=client_ip)
    return order


@transaction.atomic
def _order_payment_renewed(
    *,
    actor: AnyUser,
    order_id: int,
    return_url: str = "",
    wechat_channel: str = "",
    payer_openid: str = "",
    client_ip: str = "",
) -> Order:
    """The buyer pays again after a declined or lapsed attempt: while the order still waits
    for payment, a pending payment is kept and a failed or expired one is replaced.

    `wechat_channel` is the WeChat Pay channel of the buyer's device now: a pending payment
    made for another channel (the order was placed on a computer, is paid on a phone) is
    closed and replaced, and so is a pending H5 one (WeChat's H5 link lasts five minutes).
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if not _is_buyer(actor, order):
        raise OrderPermissionDeniedError
    now = timezone.now()
    if order.status != OrderStatus.PENDING_PAYMENT or (
        order.expires_at and order.expires_at <= now
    ):
        raise OrderNotPayableError
    intent = payment_get(number=order.payment_number)
    channel = intent.channel
    if wechat_channel and order.payment_method == Order.PaymentMethod.WECHAT:
        if wechat_channel not in ("native", "jsapi", "h5"):
            raise InvalidPaymentMethodError(field="wechat_channel")
        channel = wechat_channel
    usable = channel == intent.channel and not (wechat_channel and channel == "h5")
    pending = str(intent.status) == "pending" and (
        intent.expires_at is None or intent.expires_at > now
    )
    if pending and usable:
        return order
    # Refused before the payment the buyer still has is closed at WeChat.
    _wechat_payer_check(channel, payer_openid=payer_openid, client_ip=client_ip)
    if pending:
        if not _payment_stop(order):
            # Paid meanwhile: payments recorded it and the order is paid now.
            return _order_locked(order_id)
    elif str(intent.status) not in ("pending", "failed", "cancelled"):
        raise OrderNotPayableError
    renewed = payment_open(
        provider=order.payment_method,
        reference=f"order:{order.pk}",
        amount=order.total,
        description=gettext("Xiangcun order %(number)s") % {"number": order.number},
        channel=channel,
        expires_at=order.expires_at,
        payer_openid=payer_openid,
        client_ip=client_ip,
        return_url=return_url,
    )
    order = _order_locked(order_id)
    order.payment_number = renewed.number
    order.save(update_fields=["payment_number", "updated_at"])
    return order


def _payment_stop(order: Order) -> bool:
    """Stop the pending payment before the order is locked (intent, then order). False if the
    payment went through already (payments recorded it and our callback ran).

    Only the decision is made here, in the caller's transaction: WeChat Pay is asked to close
    the payment after that has committed (`payment_cancel`). If WeChat says then that it was
    paid meanwhile, the success comes to `order_mark_paid` as a payment of a cancelled order
    (sold if the stock is still there, otherwise refunded); if WeChat cannot be reached, the
    payment stays closing and payments' poller closes it later."""
    if not order.payment_number:
        return True
    try:
        intent = payment_cancel(number=order.payment_number)
    except PaymentNotPendingError:
        return False
    return str(intent.status) in ("cancelled", "failed", "closing")


def _payment_news(order: Order) -> None:
    """Before an order's pending payment is stopped: ask the provider, with no transaction
    open, whether the buyer paid it meanwhile. A payment found made is recorded (our callback
    then marks the order paid). One the provider never took is not asked about; one it cannot
    answer for is logged: closing the payment asks again."""
    if order.status != OrderStatus.PENDING_PAYMENT or not order.payment_number:
        return
    try:
        intent = payment_get(number=order.payment_number)
        if intent.status == "pending" and intent.prepared_at is not None:
            payment_sync(number=order.payment_number)
    except XiangcunError as error:
        logger.warning(
            "Order %s: payment %s not asked about (%s)",
            order.number,
            order.payment_number,
            error.code,
        )
