"""Reads of the payments app, shaped for orders and for the payment pages."""

from django.contrib.sessions.backends.base import SessionBase

from xiangcun.payments.errors import PaymentNotFoundError, RefundNotFoundError
from xiangcun.payments.models import PaymentIntent, PaymentNotification, Refund


def payment_get(*, number: str) -> PaymentIntent:
    """One payment by its number; PaymentNotFoundError if there is none."""
    intent = PaymentIntent.objects.filter(number=number).first()
    if intent is None:
        raise PaymentNotFoundError
    return intent


def payments_for_reference(*, reference: str) -> list[PaymentIntent]:
    """Every payment opened for a reference ("order:42"), newest first."""
    return list(PaymentIntent.objects.filter(reference=reference).order_by("-id"))


def refund_get(*, refund_number: str) -> Refund:
    """One refund by its number, with its payment; RefundNotFoundError if there is none."""
    refund = Refund.objects.select_related("intent").filter(number=refund_number).first()
    if refund is None:
        raise RefundNotFoundError
    return refund


def refunds_for_payment(*, number: str) -> list[Refund]:
    """The refunds of a payment, oldest first."""
    return list(Refund.objects.filter(intent__number=number).order_by("id"))


def notifications_for_payment(*, number: str) -> list[PaymentNotification]:
    """What the provider told us about a payment, newest first (for staff and audits)."""
    return list(PaymentNotification.objects.filter(intent__number=number).order_by("-id"))


# Written by WeChat's web sign-in (payments.views.wechat_signin_return).
WECHAT_OPENID_SESSION_KEY = "payments_wechat_openid"


def wechat_openid(*, session: SessionBase) -> str:
    """The buyer's openid for our official account (what WeChat Pay's JSAPI channel needs),
    kept in the session by WeChat's web sign-in; "" until the buyer has been through it."""
    value = session.get(WECHAT_OPENID_SESSION_KEY, "")
    return value if isinstance(value, str) else ""
