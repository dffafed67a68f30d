"""Provider notifications: verified, claimed once by their id, and applied to the payment or
refund they are about."""

import logging
import re
from collections.abc import Mapping

from django.db import IntegrityError, transaction

from xiangcun.core.validators import text_check
from xiangcun.payments.errors import (
    InvalidNotificationError,
    RefundNotFoundError,
    UnknownProviderError,
)
from xiangcun.payments.models import PaymentIntent, PaymentNotification
from xiangcun.payments.providers import provider_for
from xiangcun.payments.providers.base import VerifiedNotification
from xiangcun.payments.services._common import (
    NOTIFICATION_BODY_MAX_LENGTH,
    PAID_STATUSES,
    REFUND_FAILED_EVENTS,
    _refund_locked,
)
from xiangcun.payments.services.settlement import _payment_succeed, _refund_settle
from xiangcun.payments.types import PROVIDERS

logger = logging.getLogger(__name__)


def _claimed_notification_id(body: str) -> str:
    """The id an unverified body says it has, for the record only."""
    match = re.search(r'"id"\s*:\s*"([^"]{1,64})"', body[:2000])
    return match.group(1) if match else ""


@transaction.atomic
def _notification_reject(
    *, provider: str, headers: dict[str, str], body: str, error: InvalidNotificationError
) -> None:
    reason = str(error.details.get("reason", "")) or str(error.message)
    PaymentNotification.objects.create(
        provider=provider,
        notification_id=_claimed_notification_id(body),
        verified=False,
        error=reason[:200],
        headers=headers,
        body=body[:NOTIFICATION_BODY_MAX_LENGTH],
    )
    logger.warning("Rejected a %s payment notification: %s", provider, reason)


def _payment_notification_apply(
    provider: str, notification: PaymentNotification, verified: VerifiedNotification
) -> PaymentIntent | None:
    intent = PaymentIntent.objects.select_for_update().filter(number=verified.out_trade_no).first()
    if intent is None or intent.provider != provider:
        notification.error = "unknown payment"
        logger.error("A %s notification names unknown payment %r", provider, verified.out_trade_no)
        return None
    notification.intent = intent
    if not verified.paid or intent.status in PAID_STATUSES:
        notification.processed = True
        return intent
    if verified.amount is not None and verified.amount != intent.amount:
        # Never mark paid what was not paid in full; a person has to look at this one.
        notification.error = f"amount mismatch: {verified.amount} paid, {intent.amount} due"
        logger.error("Payment %s: %s", intent.number, notification.error)
        return intent
    # Pending, or already failed or cancelled here: the money has arrived all the same, so it
    # is booked and the handlers decide what a late payment means for the order.
    _payment_succeed(intent, transaction_id=verified.transaction_id)
    notification.processed = True
    return intent


def _refund_notification_apply(
    provider: str, notification: PaymentNotification, verified: VerifiedNotification
) -> PaymentIntent | None:
    try:
        intent, refund = _refund_locked(verified.out_refund_no)
    except RefundNotFoundError:
        notification.error = "unknown refund"
        logger.error("A %s notification names unknown refund %r", provider, verified.out_refund_no)
        return None
    notification.intent = intent
    _refund_settle(
        intent,
        refund,
        succeeded=verified.refund_succeeded,
        failed=verified.event_type in REFUND_FAILED_EVENTS,
        provider_refund_id=str(verified.resource.get("refund_id", "") or ""),
        source=verified.event_type,
    )
    notification.processed = True
    return intent


@transaction.atomic
def _notification_apply(
    *, provider: str, headers: dict[str, str], body: str, verified: VerifiedNotification
) -> PaymentIntent | None:
    try:
        # The unique (provider, notification_id) row is the claim: a concurrent duplicate
        # waits here until the first delivery commits, then finds it taken.
        with transaction.atomic():
            notification = PaymentNotification.objects.create(
                provider=provider,
                notification_id=verified.notification_id[:64],
                event_type=verified.event_type[:40],
                verified=True,
                headers=headers,
                body=body[:NOTIFICATION_BODY_MAX_LENGTH],
            )
    except IntegrityError:
        first = (
            PaymentNotification.objects.filter(
                provider=provider, notification_id=verified.notification_id[:64], verified=True
            )
            .select_related("intent")
            .first()
        )
        logger.info("Duplicate %s notification %s", provider, verified.notification_id)
        return first.intent if first is not None else None
    if verified.out_refund_no or verified.event_type.startswith("REFUND."):
        intent = _refund_notification_apply(provider, notification, verified)
    else:
        intent = _payment_notification_apply(provider, notification, verified)
    notification.save(update_fields=["intent", "processed", "error"])
    return intent


def notification_receive(
    *, provider: str, headers: Mapping[str, str], body: str
) -> PaymentIntent | None:
    """Verify and apply a provider's notification; the payment (or refunded payment) it was
    about, or None when it names one we do not know.

    A duplicate (same verified notification id) has no second effect. A forged, replayed or
    stale one raises InvalidNotificationError after it is stored (unverified) and logged: that
    record is written in its own transaction, which is why this function is not atomic itself.
    """
    if provider not in PROVIDERS:
        raise UnknownProviderError(field="provider")
    implementation = provider_for(provider)
    plain_headers = {str(key): str(value) for key, value in headers.items()}
    # Refused before anything is stored: the record of a rejected notification keeps them.
    text_check(body=body, headers="".join(key + value for key, value in plain_headers.items()))
    try:
        verified = implementation.verify_notification(plain_headers, body)
    except InvalidNotificationError as error:
        _notification_reject(provider=provider, headers=plain_headers, body=body, error=error)
        raise
    return _notification_apply(
        provider=provider, headers=plain_headers, body=body, verified=verified
    )
