"""Payments opened, prepared at the provider, decided (sandbox, cash) and asked about."""

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xiangcun.core.validators import text_check
from xiangcun.payments.errors import (
    AmountMismatchError,
    InvalidPaymentDataError,
    PaymentExpiredError,
    PaymentNotFoundError,
    PaymentNotPendingError,
    ReferenceAlreadyPaidError,
    UnknownProviderError,
    WrongProviderError,
)
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.providers import provider_for
from xiangcun.payments.providers.base import Prepared
from xiangcun.payments.services._common import (
    DESCRIPTION_MAX_LENGTH,
    LOCAL_PROVIDERS,
    PAID_STATUSES,
    REFERENCE_MAX_LENGTH,
    Actor,
    _amount,
    _cash_staff_check,
    _channel,
    _intent_locked,
    _local_url,
    _number_new,
    _payment_window,
    _text,
)
from xiangcun.payments.services.settlement import _payment_succeed
from xiangcun.payments.types import PROVIDERS
from xiangcun.regions.selectors import station_get

logger = logging.getLogger(__name__)


@transaction.atomic
def payment_open(
    *,
    provider: str,
    reference: str,
    amount: Decimal,
    description: str,
    channel: str = "",
    expires_at: datetime | None = None,
    payer_openid: str = "",
    client_ip: str = "",
    return_url: str = "",
) -> PaymentIntent:
    """Open a payment for `reference` ("order:42"), without calling another system.

    Cash and sandbox payments are ready at once. A WeChat Pay payment is opened pending and
    unprepared (`prepared_at` is None): once the caller's transaction has committed, it calls
    `payment_prepare`, which asks WeChat and records the answer. `return_url` (a path on this
    site) is where the sandbox page sends the buyer afterwards. Online payments expire after
    PAYMENT_WINDOW_MINUTES unless `expires_at` says otherwise; cash does not expire by itself.
    """
    if provider not in PROVIDERS:
        raise UnknownProviderError(field="provider")
    channel = _channel(provider, channel)
    amount = _amount(amount)
    reference = _text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH, required=True)
    description = _text(
        description, field="description", max_length=DESCRIPTION_MAX_LENGTH, required=True
    )
    return_url = _local_url(return_url, field="return_url")
    if channel == "jsapi" and not payer_openid:
        raise InvalidPaymentDataError(field="payer_openid")
    if expires_at is not None and timezone.is_naive(expires_at):
        raise InvalidPaymentDataError(field="expires_at")
    if expires_at is None and provider != "cash":
        expires_at = timezone.now() + _payment_window()
    # Refuses a provider that is not switched on before anything is written.
    implementation = provider_for(provider)
    if PaymentIntent.objects.filter(reference=reference, status__in=PAID_STATUSES).exists():
        raise ReferenceAlreadyPaidError
    intent = PaymentIntent.objects.create(
        number=_number_new(),
        provider=provider,
        channel=channel,
        reference=reference,
        amount=amount,
        description=description,
        expires_at=expires_at,
        client_data={"return_url": return_url} if return_url else {},
    )
    if provider in LOCAL_PROVIDERS:
        _prepared_record(
            intent, implementation.prepare(intent, payer_openid=payer_openid, client_ip=client_ip)
        )
    return intent


def _prepared_record(intent: PaymentIntent, prepared: Prepared) -> None:
    # What was there (the return_url) stays; the provider adds what the device needs.
    intent.client_data = {**(intent.client_data or {}), **prepared.client_data}
    intent.prepared_at = timezone.now()
    intent.save(update_fields=["client_data", "prepared_at", "updated_at"])


def payment_prepare(*, number: str, payer_openid: str = "", client_ip: str = "") -> PaymentIntent:
    """Ask the provider to prepare a payment `payment_open` left unprepared (WeChat Pay's
    prepay), then record what the buyer's device needs: `client_data` holds `code_url`
    (native), `h5_url` (h5) or `prepay_id` + `jsapi_params` (jsapi).

    The call goes to another system, so it is made outside any transaction: no row is locked
    while WeChat answers. Idempotent: a payment already prepared, or no longer pending, comes
    back as it is, and when two calls race the first answer recorded wins. The payment number
    is WeChat's out_trade_no, which WeChat takes once: asking again never makes a second
    payment. A provider that fails raises ProviderError and leaves the payment pending and
    unprepared, to be asked again (the buyer's "pay again").
    """
    text_check(number=number)
    intent = PaymentIntent.objects.filter(number=number).first()
    if intent is None:
        raise PaymentNotFoundError
    if intent.prepared_at is not None or intent.status != PaymentIntent.Status.PENDING:
        return intent
    prepared = provider_for(intent.provider).prepare(
        intent, payer_openid=payer_openid, client_ip=client_ip
    )
    with transaction.atomic():
        intent = _intent_locked(number)
        if intent.prepared_at is None and intent.status == PaymentIntent.Status.PENDING:
            _prepared_record(intent, prepared)
    return intent


def payment_create(
    *,
    provider: str,
    reference: str,
    amount: Decimal,
    description: str,
    channel: str = "",
    expires_at: datetime | None = None,
    payer_openid: str = "",
    client_ip: str = "",
    return_url: str = "",
) -> PaymentIntent:
    """`payment_open`, committed, then `payment_prepare`: for a caller outside a transaction.

    If the provider fails, ProviderError is raised and the payment stays open, pending and
    unprepared (`payment_prepare` may be called again with its number).
    """
    intent = payment_open(
        provider=provider,
        reference=reference,
        amount=amount,
        description=description,
        channel=channel,
        expires_at=expires_at,
        payer_openid=payer_openid,
        client_ip=client_ip,
        return_url=return_url,
    )
    return payment_prepare(number=intent.number, payer_openid=payer_openid, client_ip=client_ip)


@transaction.atomic
def sandbox_decide(*, number: str, approve: bool) -> PaymentIntent:
    """The buyer approves or declines a sandbox payment. Deciding the same way twice (a double
    tap, a retried POST) returns the payment unchanged."""
    intent = _intent_locked(number)
    if intent.provider != "sandbox":
        raise WrongProviderError
    if approve and intent.status in PAID_STATUSES:
        return intent
    if not approve and intent.status == PaymentIntent.Status.FAILED:
        return intent
    if intent.status != PaymentIntent.Status.PENDING:
        raise PaymentNotPendingError(status=intent.status)
    if intent.expires_at is not None and intent.expires_at <= timezone.now():
        raise PaymentExpiredError
    if approve:
        _payment_succeed(intent, transaction_id=f"sandbox-{intent.number}")
    else:
        intent.status = PaymentIntent.Status.FAILED
        intent.save(update_fields=["status", "updated_at"])
    return intent


@transaction.atomic
def payment_confirm_cash(*, actor: Actor, number: str, station_id: int) -> PaymentIntent:
    """Staff (agent, courier, driver, warehouse, admin) took the cash for this payment for
    `station_id`. Confirming again has no second effect."""
    _cash_staff_check(actor)
    station_get(station_id=station_id)
    intent = _intent_locked(number)
    if intent.provider != "cash":
        raise WrongProviderError
    if intent.status in PAID_STATUSES:
        return intent
    if intent.status != PaymentIntent.Status.PENDING:
        raise PaymentNotPendingError(status=intent.status)
    intent.confirmed_by_id = actor.pk
    intent.station_id = station_id
    _payment_succeed(intent, station_id=station_id)
    return intent


def payment_sync(*, number: str) -> PaymentIntent:
    """Ask the provider about a pending payment (a lost notification) and record a success.

    The question goes to another system, so it is asked with no transaction open; the answer
    is recorded in a short one that locks the payment again and records only if it is still
    pending (a notification that came meanwhile has recorded it already)."""
    text_check(number=number)
    intent = PaymentIntent.objects.filter(number=number).first()
    if intent is None:
        raise PaymentNotFoundError
    if intent.status != PaymentIntent.Status.PENDING:
        return intent
    remote = provider_for(intent.provider).query(intent)
    with transaction.atomic():
        intent = _intent_locked(number)
        if intent.status != PaymentIntent.Status.PENDING:
            return intent
        if remote.paid:
            if remote.amount is not None and remote.amount != intent.amount:
                logger.error(
                    "Payment %s: provider reports %s paid, %s due",
                    number,
                    remote.amount,
                    intent.amount,
                )
                raise AmountMismatchError
            _payment_succeed(intent, transaction_id=remote.transaction_id)
        elif remote.closed:
            intent.status = PaymentIntent.Status.CANCELLED
            intent.save(update_fields=["status", "updated_at"])
    return intent


@transaction.atomic
def payment_lock(*, number: str) -> PaymentIntent:
    """Lock the payment for the rest of the caller's transaction and return it.

    For a higher app that must lock its own record (an order) and then may act on the
    payment: taking the payment first keeps the house lock order (payment, then order) that
    payments' callbacks follow, so the two never wait on each other in a cycle."""
    return _intent_locked(number)
