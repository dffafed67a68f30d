"""What every payments service checks first, and the numbers its rules are made of: amounts,
texts, channels, who may handle cash, and the payment or refund row locked for a decision."""

import re
import secrets
import string
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.core.validators import text_check, text_field
from xiangcun.payments.errors import (
    CashPermissionDeniedError,
    InvalidAmountError,
    InvalidChannelError,
    InvalidPaymentDataError,
    PaymentNotFoundError,
    RefundNotFoundError,
)
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.types import CHANNELS

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


_text = partial(text_field, non_text_as_empty=True, error=InvalidPaymentDataError)


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
