"""Stopping a pending payment: marked here first, then closed at the provider, and the
poller that closes those the provider could not be asked about."""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.payments.errors import PaymentNotFoundError, PaymentNotPendingError, ProviderError
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.providers import provider_for
from xiangcun.payments.services._common import (
    LOCAL_PROVIDERS,
    PAID_STATUSES,
    PROVIDER_NEVER_TOOK,
    REFUND_POLL_BATCH,
    _intent_locked,
    _refund_poll_after,
)
from xiangcun.payments.services.settlement import _payment_succeed

logger = logging.getLogger(__name__)


@transaction.atomic
def _payment_close_mark(number: str) -> PaymentIntent:
    """Cancel a pending payment here. A cash or sandbox payment has nothing to close elsewhere
    and is cancelled at once; any other is marked closing, for `payment_close` to close at
    the provider once this is committed."""
    intent = _intent_locked(number)
    if intent.status in (
        PaymentIntent.Status.CANCELLED,
        PaymentIntent.Status.FAILED,
        PaymentIntent.Status.CLOSING,
    ):
        return intent
    if intent.status != PaymentIntent.Status.PENDING:
        raise PaymentNotPendingError(status=intent.status)
    if intent.provider in LOCAL_PROVIDERS:
        provider_for(intent.provider).close(intent)
        intent.status = PaymentIntent.Status.CANCELLED
    else:
        intent.status = PaymentIntent.Status.CLOSING
    intent.save(update_fields=["status", "updated_at"])
    return intent


def payment_cancel(*, number: str) -> PaymentIntent:
    """Stop a pending payment (order cancelled or expired) and close it at the provider.

    In the caller's transaction the payment is locked and cancelled (cash, sandbox) or marked
    closing (WeChat Pay); WeChat is asked only once that has committed (`payment_close`, at
    once when no transaction is open): a closing payment counts as stopped for the caller. If
    WeChat then says it was paid meanwhile, the success is recorded (and the handlers decide
    what a late payment means); if WeChat cannot be reached, the payment stays closing and
    `payments_close_due` tries again. A cancelled, failed or closing payment is returned as
    it is; a paid one raises PaymentNotPendingError.
    """
    intent = _payment_close_mark(number)
    if intent.status == PaymentIntent.Status.CLOSING:
        # With no transaction open this runs at once.
        transaction.on_commit(partial(_payment_close_quietly, number))
    return PaymentIntent.objects.get(pk=intent.pk)


def _payment_close_quietly(number: str) -> None:
    try:
        payment_close(number=number)
    except XiangcunError as error:
        logger.warning(
            "Payment %s not closed at the provider (%s); it will be tried again",
            number,
            error.code,
        )


@transaction.atomic
def _payment_closed_record(number: str) -> PaymentIntent:
    intent = _intent_locked(number)
    if intent.status == PaymentIntent.Status.CLOSING:
        intent.status = PaymentIntent.Status.CANCELLED
        intent.save(update_fields=["status", "updated_at"])
    return intent


def payment_close(*, number: str) -> PaymentIntent:
    """Close at the provider a payment `payment_cancel` marked closing, then record it
    cancelled. Made with no transaction open; each answer is recorded in a short transaction
    that locks the payment again, so a notification that arrives in between wins. If the
    provider says the payment was made after all, the success is recorded instead. A provider
    that fails raises ProviderError and leaves the payment closing, to be tried again; a
    payment not closing comes back as it is."""
    text_check(number=number)
    intent = PaymentIntent.objects.filter(number=number).first()
    if intent is None:
        raise PaymentNotFoundError
    if intent.status != PaymentIntent.Status.CLOSING:
        return intent
    implementation = provider_for(intent.provider)
    try:
        remote = implementation.query(intent)
    except ProviderError as error:
        # A payment whose prepare call failed may never have reached the provider: when the
        # provider says it does not know it, there is nothing to close there.
        if intent.prepared_at is None and error.details.get("wechat_code") in PROVIDER_NEVER_TOOK:
            return _payment_closed_record(number)
        raise
    if remote.paid and (remote.amount is None or remote.amount == intent.amount):
        with transaction.atomic():
            intent = _intent_locked(number)
            # Closing or cancelled here: the money has arrived all the same (as a notification).
            if intent.status not in PAID_STATUSES:
                _payment_succeed(intent, transaction_id=remote.transaction_id)
        return intent
    if not remote.closed:
        implementation.close(intent)
    return _payment_closed_record(number)


def payments_close_due(*, now: datetime | None = None) -> int:
    """Close the payments left closing for PAYMENTS_REFUND_POLL_MINUTES (the provider could
    not be reached after their cancellation was committed), each on its own, oldest first, at
    most REFUND_POLL_BATCH per run. Returns how many are no longer closing."""
    now = now or timezone.now()
    due = list(
        PaymentIntent.objects.filter(
            status=PaymentIntent.Status.CLOSING, updated_at__lte=now - _refund_poll_after()
        )
        .order_by("updated_at", "pk")
        .values_list("number", flat=True)[:REFUND_POLL_BATCH]
    )
    closed = 0
    for number in due:
        try:
            intent = payment_close(number=number)
        except XiangcunError:
            logger.exception("Could not close payment %s", number)
            PaymentIntent.objects.filter(number=number, status=PaymentIntent.Status.CLOSING).update(
                updated_at=timezone.now()
            )
            continue
        closed += intent.status != PaymentIntent.Status.CLOSING
    return closed
