"""Success of a payment or a refund, the one place each posts to the ledger, and the handlers
higher apps (orders) register to hear of it inside the same transaction."""

import logging

from django.utils import timezone

from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    EntryKind,
    provider_receivable_account,
    station_cash_account,
)
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.types import PaymentHandler, PaymentResult, RefundCompleted, RefundHandler

logger = logging.getLogger(__name__)


# --- Handlers registered by higher apps -------------------------------------------------------

_payment_handlers: list[PaymentHandler] = []
_refund_handlers: list[RefundHandler] = []


def payment_succeeded_register(fn: PaymentHandler) -> None:
    """Call `fn(PaymentResult)` inside the transaction that marks a payment succeeded.

    A handler that raises rolls the payment back with it (a notification is then answered
    with an error and the provider delivers it again). Registering twice has no effect.
    """
    if fn not in _payment_handlers:
        _payment_handlers.append(fn)


def refund_succeeded_register(fn: RefundHandler) -> None:
    """Call `fn(RefundCompleted)` inside the transaction that marks a refund succeeded."""
    if fn not in _refund_handlers:
        _refund_handlers.append(fn)


# --- Success and refund: the one place each posts to the ledger --------------------------------


def _payment_succeed(
    intent: PaymentIntent, *, transaction_id: str = "", station_id: int | None = None
) -> None:
    intent.status = PaymentIntent.Status.SUCCEEDED
    intent.paid_at = timezone.now()
    if transaction_id:
        intent.provider_transaction_id = transaction_id[:64]
    intent.save(
        update_fields=[
            "status",
            "paid_at",
            "provider_transaction_id",
            "confirmed_by",
            "station",
            "updated_at",
        ]
    )
    if intent.provider == "cash":
        assert station_id is not None  # noqa: S101  (cash is always confirmed at a station)
        debit, kind = station_cash_account(station_id), EntryKind.CASH_COLLECTED
    else:
        debit, kind = provider_receivable_account(intent.provider), EntryKind.PAYMENT
    entry_post(
        kind=kind,
        reference=f"payment:{intent.number}",
        lines=[(debit, intent.amount), (BUYER_PAYMENTS_CLEARING, -intent.amount)],
        memo=f"{intent.reference} ({intent.provider})",
    )
    result = PaymentResult(
        number=intent.number,
        provider=intent.provider,
        channel=intent.channel,
        reference=intent.reference,
        amount=intent.amount,
        paid_at=intent.paid_at,
        transaction_id=intent.provider_transaction_id,
        station_id=intent.station_id,
        confirmed_by_id=intent.confirmed_by_id,
    )
    for handler in list(_payment_handlers):
        handler(result)


def _refund_succeed(intent: PaymentIntent, refund: Refund, *, provider_refund_id: str = "") -> None:
    now = timezone.now()
    refund.status = Refund.Status.SUCCEEDED
    refund.completed_at = now
    if provider_refund_id:
        refund.provider_refund_id = provider_refund_id[:64]
    refund.save(
        update_fields=[
            "status",
            "completed_at",
            "provider_refund_id",
            "station",
            "confirmed_by",
            "updated_at",
        ]
    )
    intent.refunded_amount += refund.amount
    intent.status = (
        PaymentIntent.Status.REFUNDED
        if intent.refunded_amount >= intent.amount
        else PaymentIntent.Status.PARTIALLY_REFUNDED
    )
    intent.save(update_fields=["refunded_amount", "status", "updated_at"])
    if intent.provider == "cash":
        assert refund.station_id is not None  # noqa: S101  (paid out at a station)
        credit = station_cash_account(refund.station_id)
    else:
        credit = provider_receivable_account(intent.provider)
    entry_post(
        kind=EntryKind.REFUND,
        reference=f"refund:{refund.number}",
        lines=[(BUYER_PAYMENTS_CLEARING, refund.amount), (credit, -refund.amount)],
        memo=f"{intent.reference} payment {intent.number}",
    )
    completed = RefundCompleted(
        refund_number=refund.number,
        payment_number=intent.number,
        provider=intent.provider,
        reference=intent.reference,
        amount=refund.amount,
        reason=refund.reason,
        completed_at=now,
        payment_status=intent.status,
        station_id=refund.station_id,
    )
    for handler in list(_refund_handlers):
        handler(completed)


def _refund_settle(
    intent: PaymentIntent,
    refund: Refund,
    *,
    succeeded: bool,
    failed: bool,
    provider_refund_id: str = "",
    source: str,
) -> None:
    """Record what the provider says became of a pending refund (its notification, or our
    question `refund_sync`): success books it, failure marks it failed for staff, anything
    else leaves it pending. Both arrive with the payment and the refund locked, so whichever
    comes second finds the refund settled and does nothing."""
    if refund.status != Refund.Status.PENDING:
        return
    if succeeded:
        _refund_succeed(intent, refund, provider_refund_id=provider_refund_id)
    elif failed:
        refund.status = Refund.Status.FAILED
        if provider_refund_id:
            refund.provider_refund_id = provider_refund_id[:64]
        refund.save(update_fields=["status", "provider_refund_id", "updated_at"])
        logger.error("Refund %s failed at %s: %s", refund.number, intent.provider, source)
