"""Every write of the payments app: payment intents, provider notifications, refunds, cash.

Rules every function keeps:
- a payment intent is locked (select_for_update) before its status is read for a decision, so
  two deliveries of the same news (a notification and the buyer's return, two notifications)
  queue and the second sees the first one's result; when a refund is locked too, the intent
  is locked first;
- success posts Dr provider_receivable:<provider> (or cash:station:<id>) / Cr
  buyer_payments_clearing with reference `payment:<number>`, once: the ledger is idempotent on
  (kind, reference) as a second guard;
- handlers registered by higher apps (orders) run inside the same transaction, so an order
  becomes paid exactly when its payment does, or neither does;
- no call to the provider (WeChat Pay) is made inside a transaction: what is to happen is
  recorded first (a payment `closing`, a refund `pending` under its out_refund_no), committed,
  then the provider is asked, then its answer is recorded in a second short transaction that
  locks the rows again and records only what is still to be recorded. A call that fails leaves
  the intent recorded, and the poller (`refunds_poll`, `payments_close_due`) asks again under
  the same number, which the provider takes once.
"""

import logging
import re
import secrets
import string
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.ledger.services import account_lock, entry_post
from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    CASH_COUNTY,
    EntryKind,
    provider_receivable_account,
    station_cash_account,
)
from xiangcun.payments.errors import (
    AmountMismatchError,
    CashHandoverExceedsBalanceError,
    CashPermissionDeniedError,
    InvalidAmountError,
    InvalidChannelError,
    InvalidNotificationError,
    InvalidPaymentDataError,
    PaymentExpiredError,
    PaymentNotFoundError,
    PaymentNotPendingError,
    PaymentNotRefundableError,
    ProviderError,
    ReferenceAlreadyPaidError,
    RefundExceedsPaymentError,
    RefundNotFoundError,
    RefundNotPendingError,
    RefundNumberConflictError,
    UnknownProviderError,
    WrongProviderError,
)
from xiangcun.payments.models import PaymentIntent, PaymentNotification, Refund
from xiangcun.payments.providers import provider_for
from xiangcun.payments.providers.base import Prepared, RefundResult, VerifiedNotification
from xiangcun.payments.types import (
    CHANNELS,
    PROVIDERS,
    PaymentHandler,
    PaymentResult,
    RefundCompleted,
    RefundHandler,
)
from xiangcun.regions.selectors import station_get

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
AMOUNT_LIMIT = Decimal(10) ** 12
DEFAULT_PAYMENT_WINDOW_MINUTES = 30
REFERENCE_MAX_LENGTH = 60
# WeChat Pay's limit for a description is 127 characters.
DESCRIPTION_MAX_LENGTH = 127
REASON_MAX_LENGTH = 80
# WeChat Pay's out_refund_no: 1-64 of these characters.
REFUND_NUMBER = re.compile(r"[0-9A-Za-z_\-|*@]{1,64}")
NUMBER_RANDOM_ALPHABET = string.digits + string.ascii_uppercase
NOTIFICATION_BODY_MAX_LENGTH = 20_000
# Staff who take or pay out cash: at a station, on a delivery round, at the warehouse.
CASH_ROLES = frozenset({Role.AGENT, Role.COURIER, Role.DRIVER, Role.WAREHOUSE, Role.ADMIN})
PAID_STATUSES = frozenset(
    {
        PaymentIntent.Status.SUCCEEDED,
        PaymentIntent.Status.PARTIALLY_REFUNDED,
        PaymentIntent.Status.REFUNDED,
    }
)
REFUND_FAILED_EVENTS = frozenset({"REFUND.ABNORMAL", "REFUND.CLOSED"})
# A refund the provider has not settled (by notification) after this long is asked about;
# PAYMENTS_REFUND_POLL_MINUTES overrides it. Asked again after as long each time.
DEFAULT_REFUND_POLL_MINUTES = 10
REFUND_POLL_BATCH = 100
# Providers that prepare a payment without calling another system (see `payment_open`).
LOCAL_PROVIDERS = frozenset({"cash", "sandbox"})
# WeChat Pay's answer for an out_trade_no it never took: the prepare call did not reach it.
PROVIDER_NEVER_TOOK = frozenset({"ORDER_NOT_EXIST"})

Actor = AbstractBaseUser | AnonymousUser

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


# --- Checks -----------------------------------------------------------------------------------


def _amount(value: object) -> Decimal:
    # bool is an int and float is inexact: neither is money.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidAmountError(field="amount")
    amount = Decimal(value)
    # The range first: quantizing 1E+30 to cents raises InvalidOperation.
    if not amount.is_finite() or amount <= 0 or amount >= AMOUNT_LIMIT:
        raise InvalidAmountError(field="amount")
    if amount != amount.quantize(CENT):
        raise InvalidAmountError(field="amount")
    return amount.quantize(CENT)


def _text(value: object, *, field: str, max_length: int, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    text_check(**{field: text})
    if (required and not text) or len(text) > max_length:
        raise InvalidPaymentDataError(field=field)
    return text


def _channel(provider: str, channel: str) -> str:
    allowed = CHANNELS[provider]
    if not channel:
        return allowed[0]
    if channel not in allowed:
        raise InvalidChannelError(field="channel")
    return channel


def _local_url(value: str, *, field: str) -> str:
    # Only a path on this site: an absolute URL here would be an open redirect.
    if value and (not value.startswith("/") or value.startswith("//") or "\\" in value):
        raise InvalidPaymentDataError(field=field)
    return value


def _cash_staff_check(actor: Actor) -> None:
    if not (user_roles(user=actor) & CASH_ROLES):
        raise CashPermissionDeniedError


def _number_new() -> str:
    """A payment number: 'P', the local time to the second, 12 random characters (27 long,
    within WeChat Pay's 6-32 for out_trade_no, and unguessable: the sandbox page trusts it)."""
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    tail = "".join(secrets.choice(NUMBER_RANDOM_ALPHABET) for _ in range(12))
    return f"P{stamp}{tail}"


def _payment_window() -> timedelta:
    minutes = getattr(settings, "PAYMENT_WINDOW_MINUTES", DEFAULT_PAYMENT_WINDOW_MINUTES)
    return timedelta(minutes=int(minutes))


def _intent_locked(number: str) -> PaymentIntent:
    text_check(number=number)
    intent = PaymentIntent.objects.select_for_update().filter(number=number).first()
    if intent is None:
        raise PaymentNotFoundError
    return intent


def _refund_poll_after() -> timedelta:
    minutes = getattr(settings, "PAYMENTS_REFUND_POLL_MINUTES", DEFAULT_REFUND_POLL_MINUTES)
    return timedelta(minutes=int(minutes))


def _refund_locked(refund_number: str) -> tuple[PaymentIntent, Refund]:
    """The refund and its payment, both locked, the payment first (the house lock order)."""
    text_check(refund_number=refund_number)
    intent_number = (
        Refund.objects.filter(number=refund_number).values_list("intent__number", flat=True).first()
    )
    if intent_number is None:
        raise RefundNotFoundError
    intent = _intent_locked(intent_number)
    return intent, Refund.objects.select_for_update().get(number=refund_number)


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


# --- Payments ---------------------------------------------------------------------------------


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


# --- Notifications ----------------------------------------------------------------------------


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


# --- Refunds ----------------------------------------------------------------------------------


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


# --- Cash hand-over ---------------------------------------------------------------------------


@transaction.atomic
def cash_handover_record(
    *, actor: Actor, station_id: int, amount: Decimal, handover_number: str
) -> int:
    """A station handed `amount` of cash to the county office: Dr cash:county / Cr
    cash:station:<id>, reference `handover:<handover_number>` (idempotent on the number).
    Returns the ledger entry's id."""
    _cash_staff_check(actor)
    station_get(station_id=station_id)
    amount = _amount(amount)
    if not isinstance(handover_number, str) or not REFUND_NUMBER.fullmatch(handover_number):
        raise InvalidPaymentDataError(field="handover_number")
    reference = f"handover:{handover_number}"
    lines = [(CASH_COUNTY, amount), (station_cash_account(station_id), -amount)]
    # The station's cash account stays locked to the end, so two hand-overs of one station
    # cannot both pass the balance check.
    balance = account_lock(code=station_cash_account(station_id))
    retried = entries_for_reference(reference=reference, kind=EntryKind.CASH_HANDOVER)
    if not retried and amount > balance:
        raise CashHandoverExceedsBalanceError(balance=str(balance))
    entry = entry_post(
        kind=EntryKind.CASH_HANDOVER,
        reference=reference,
        lines=lines,
        memo=f"Station {station_id} to county office",
    )
    return entry.pk
