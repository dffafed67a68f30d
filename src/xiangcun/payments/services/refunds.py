"""Refunds: opened here, sent to the provider once committed, settled by its answer, its
notification, the poller, or staff paying cash out at a station."""

import logging
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.payments.errors import (
    InvalidPaymentDataError,
    PaymentNotRefundableError,
    RefundExceedsPaymentError,
    RefundNotFoundError,
    RefundNotPendingError,
    RefundNumberConflictError,
    WrongProviderError,
)
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers import provider_for
from xiangcun.payments.providers.base import RefundResult
from xiangcun.payments.services._common import (
    LOCAL_PROVIDERS,
    REASON_MAX_LENGTH,
    REFUND_NUMBER,
    REFUND_POLL_BATCH,
    Actor,
    _amount,
    _cash_staff_check,
    _intent_locked,
    _refund_locked,
    _refund_poll_after,
    _text,
)
from xiangcun.payments.services.settlement import _refund_settle, _refund_succeed
from xiangcun.regions.selectors import station_get

logger = logging.getLogger(__name__)


def refund_create(*, number: str, amount: Decimal, reason: str, refund_number: str) -> Refund:
    """Send `amount` of payment `number` back through its provider.

    Idempotent on `refund_number` (WeChat Pay's out_refund_no): the same number for the same
    payment and amount returns the first refund; otherwise RefundNumberConflictError. Sandbox
    refunds succeed at once, cash ones stay pending until staff pay out at a station
    (`refund_confirm_cash`). A WeChat Pay refund is recorded pending in the caller's
    transaction and asked of WeChat only once that has committed (`refund_send`, at once when
    no transaction is open); it stays pending until WeChat says it succeeded (its answer, its
    notification, or `refunds_poll`). If WeChat cannot be reached, the refund stays pending and
    `refunds_poll` sends it again under the same out_refund_no, which WeChat refunds once.
    """
    refund = _refund_open(number=number, amount=amount, reason=reason, refund_number=refund_number)
    if _refund_unsent(refund):
        # With no transaction open this runs at once.
        transaction.on_commit(partial(_refund_send_quietly, refund.number))
    return Refund.objects.get(pk=refund.pk)


def _refund_unsent(refund: Refund) -> bool:
    """A refund still to be asked of the provider: pending, and no answer recorded yet (the
    provider's refund id comes with its first answer)."""
    return (
        refund.status == Refund.Status.PENDING
        and not refund.provider_refund_id
        and refund.intent.provider not in LOCAL_PROVIDERS
    )


@transaction.atomic
def _refund_open(*, number: str, amount: Decimal, reason: str, refund_number: str) -> Refund:
    amount = _amount(amount)
    reason = _text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
    if not isinstance(refund_number, str) or not REFUND_NUMBER.fullmatch(refund_number):
        raise InvalidPaymentDataError(field="refund_number")
    intent = _intent_locked(number)
    existing = Refund.objects.filter(number=refund_number).select_related("intent").first()
    if existing is not None:
        if existing.intent_id == intent.pk and existing.amount == amount:
            return existing
        raise RefundNumberConflictError
    if intent.status not in (
        PaymentIntent.Status.SUCCEEDED,
        PaymentIntent.Status.PARTIALLY_REFUNDED,
    ):
        raise PaymentNotRefundableError
    pending = Refund.objects.filter(intent=intent, status=Refund.Status.PENDING).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    refundable = intent.amount - intent.refunded_amount - pending
    if amount > refundable:
        raise RefundExceedsPaymentError(refundable=str(refundable))
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                intent=intent, number=refund_number, amount=amount, reason=reason
            )
    except IntegrityError as error:
        # The same refund number, taken meanwhile for another payment.
        raise RefundNumberConflictError from error
    if intent.provider in LOCAL_PROVIDERS:
        # No other system to ask: the sandbox answers at once, cash waits for staff.
        _refund_answer_record(intent, refund, provider_for(intent.provider).refund(refund))
    return refund


def _refund_answer_record(intent: PaymentIntent, refund: Refund, result: RefundResult) -> None:
    """Record the provider's answer to a refund request, on a refund locked and pending."""
    if result.succeeded or not result.pending:
        _refund_settle(
            intent,
            refund,
            succeeded=result.succeeded,
            failed=not result.succeeded,
            provider_refund_id=result.provider_refund_id,
            source=f"refund: {result.raw_state}",
        )
    else:
        refund.provider_refund_id = result.provider_refund_id[:64]
        refund.save(update_fields=["provider_refund_id", "updated_at"])


def _refund_send_quietly(refund_number: str) -> None:
    try:
        refund_send(refund_number=refund_number)
    except XiangcunError as error:
        logger.warning(
            "Refund %s not sent to the provider (%s); it will be tried again",
            refund_number,
            error.code,
        )


def refund_send(*, refund_number: str) -> Refund:
    """Ask the provider to make a pending refund that has no answer recorded yet, then record
    the answer. Made with no transaction open; the answer is recorded in a short transaction
    that locks the payment and the refund again and records only while the refund is pending
    (a notification that came first wins). Sent again after a lost answer, it goes under the
    same out_refund_no, which WeChat refunds once and answers with the refund it has. A
    provider that fails raises ProviderError and leaves the refund pending and unsent."""
    text_check(refund_number=refund_number)
    refund = Refund.objects.select_related("intent").filter(number=refund_number).first()
    if refund is None:
        raise RefundNotFoundError
    if not _refund_unsent(refund):
        return refund
    result = provider_for(refund.intent.provider).refund(refund)
    with transaction.atomic():
        intent, refund = _refund_locked(refund_number)
        if refund.status == Refund.Status.PENDING:
            _refund_answer_record(intent, refund, result)
    return refund


def refund_sync(*, refund_number: str) -> Refund:
    """Ask the provider about a pending refund (a notification lost or late) and settle it
    exactly as its notification would. A refund the provider never answered is sent again
    (`refund_send`, same out_refund_no). Cash refunds are settled only by staff at a station;
    they come back unchanged. Still pending: the refund is stamped as asked, so
    `refunds_poll` asks again only after another PAYMENTS_REFUND_POLL_MINUTES. The provider is
    asked with no transaction open; its answer is recorded with the rows locked again."""
    text_check(refund_number=refund_number)
    refund = Refund.objects.select_related("intent").filter(number=refund_number).first()
    if refund is None:
        raise RefundNotFoundError
    if refund.status != Refund.Status.PENDING or refund.intent.provider == "cash":
        return refund
    if _refund_unsent(refund):
        return refund_send(refund_number=refund_number)
    remote = provider_for(refund.intent.provider).refund_query(refund)
    with transaction.atomic():
        intent, refund = _refund_locked(refund_number)
        if refund.status != Refund.Status.PENDING:
            return refund
        if remote.succeeded or not remote.pending:
            _refund_settle(
                intent,
                refund,
                succeeded=remote.succeeded,
                failed=not remote.succeeded,
                provider_refund_id=remote.provider_refund_id,
                source=f"query: {remote.raw_state}",
            )
        else:
            refund.save(update_fields=["updated_at"])
    return refund


def refunds_poll(*, now: datetime | None = None) -> int:
    """Settle refunds the provider has left pending for PAYMENTS_REFUND_POLL_MINUTES (default
    10) since they were made or last asked about: each is asked about (`refund_sync`) in its
    own transaction, so one that the provider cannot answer does not hold back the rest.
    At most REFUND_POLL_BATCH per run, oldest first. Returns how many were settled."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(
            status=Refund.Status.PENDING, updated_at__lte=now - _refund_poll_after()
        )
        .exclude(intent__provider="cash")
        .order_by("updated_at", "pk")
        .values_list("number", flat=True)[:REFUND_POLL_BATCH]
    )
    settled = 0
    for refund_number in due:
        try:
            refund = refund_sync(refund_number=refund_number)
        except XiangcunError:
            logger.exception("Could not ask about refund %s", refund_number)
            # Asked again after the usual wait, so refunds the provider cannot answer do not
            # take the whole batch every minute.
            Refund.objects.filter(number=refund_number, status=Refund.Status.PENDING).update(
                updated_at=timezone.now()
            )
            continue
        settled += refund.status != Refund.Status.PENDING
    return settled


@transaction.atomic
def refund_confirm_cash(*, actor: Actor, refund_number: str, station_id: int) -> Refund:
    """Staff paid a cash refund out at `station_id`. Confirming again has no second effect."""
    _cash_staff_check(actor)
    station_get(station_id=station_id)
    intent, refund = _refund_locked(refund_number)
    if intent.provider != "cash":
        raise WrongProviderError
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    if refund.status != Refund.Status.PENDING:
        raise RefundNotPendingError
    refund.station_id = station_id
    refund.confirmed_by_id = actor.pk
    _refund_succeed(intent, refund)
    return refund
