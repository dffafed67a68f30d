"""Reads of the payments app, shaped for orders and for the payment pages."""

from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q, Sum

from xiangcun.core.types import IntegrityProblem
from xiangcun.ledger.selectors import account_totals_by_reference
from xiangcun.ledger.types import BUYER_PAYMENTS_CLEARING, EntryKind
from xiangcun.payments.errors import PaymentNotFoundError, RefundNotFoundError
from xiangcun.payments.models import PaymentIntent, PaymentNotification, Refund
from xiangcun.payments.services import PAID_STATUSES
from xiangcun.payments.types import PaymentFacts


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


# --- Audit ------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def payments_by_reference(*, reference_prefix: str) -> dict[str, list[PaymentFacts]]:
    """Every payment whose reference starts with `reference_prefix` ("order:"), grouped by
    reference, oldest first. One query, for audits (`orders_integrity_problems`)."""
    rows = (
        PaymentIntent.objects.filter(reference__startswith=reference_prefix)
        .annotate(
            started=Sum(
                "refunds__amount",
                filter=Q(refunds__status__in=(Refund.Status.PENDING, Refund.Status.SUCCEEDED)),
            )
        )
        .order_by("id")
        .values_list("number", "reference", "status", "amount", "started")
    )
    grouped: dict[str, list[PaymentFacts]] = {}
    for number, reference, status, amount, started in rows:
        grouped.setdefault(reference, []).append(
            PaymentFacts(
                number=number,
                reference=reference,
                status=status,
                amount=amount,
                paid=status in PAID_STATUSES,
                refunds_started=Decimal(str(started or 0)).quantize(CENT),
            )
        )
    return grouped


def _problem(check: str, record: str, detail: str) -> IntegrityProblem:
    return IntegrityProblem(app="payments", check=check, record=record, detail=detail)


def _expected_status(refunded: Decimal, amount: Decimal) -> str:
    if refunded <= 0:
        return PaymentIntent.Status.SUCCEEDED
    if refunded < amount:
        return PaymentIntent.Status.PARTIALLY_REFUNDED
    return PaymentIntent.Status.REFUNDED


def payments_integrity_problems() -> list[IntegrityProblem]:
    """Every payment against its refunds and the ledger: `refunded_amount` is the sum of its
    succeeded refunds and its status says the same; a paid payment has a paid time and is
    booked (`payment:<number>`, clearing credited with its amount), an unpaid one is not; a
    succeeded refund is booked (`refund:<number>`), any other is not. Empty when all agree.
    A fixed number of queries."""
    booked = account_totals_by_reference(
        kinds=(EntryKind.PAYMENT, EntryKind.CASH_COLLECTED),
        reference_prefix="payment:",
        account_code=BUYER_PAYMENTS_CLEARING,
    )
    problems: list[IntegrityProblem] = []
    intents = (
        PaymentIntent.objects.annotate(
            refunds_done=Sum("refunds__amount", filter=Q(refunds__status=Refund.Status.SUCCEEDED))
        )
        .order_by("id")
        .values_list("number", "status", "amount", "refunded_amount", "paid_at", "refunds_done")
    )
    for number, status, amount, refunded, paid_at, done in intents.iterator():
        record = f"payment {number}"
        refunded = Decimal(str(refunded)).quantize(CENT)
        done = Decimal(str(done or 0)).quantize(CENT)
        if refunded != done:
            problems.append(
                _problem(
                    "payment_refunds_mismatch",
                    record,
                    f"refunded_amount {refunded}, succeeded refunds add up to {done}",
                )
            )
        paid = status in PAID_STATUSES
        if paid and (status != _expected_status(refunded, amount) or paid_at is None):
            problems.append(
                _problem(
                    "payment_status_mismatch",
                    record,
                    f"status {status} with {refunded} of {amount} refunded"
                    + ("" if paid_at else " and no paid time"),
                )
            )
        if not paid and refunded:
            problems.append(
                _problem(
                    "payment_status_mismatch", record, f"status {status} yet {refunded} refunded"
                )
            )
        entry = booked.get(f"payment:{number}")
        if paid and entry is None:
            problems.append(_problem("payment_not_booked", record, "paid but not in the ledger"))
        elif paid and entry != -amount:
            problems.append(
                _problem(
                    "payment_booked_amount_mismatch",
                    record,
                    f"paid {amount}, the ledger credits clearing with {-(entry or 0)}",
                )
            )
        elif not paid and entry is not None:
            problems.append(
                _problem("payment_booked_not_paid", record, f"status {status} but booked")
            )
    refunds_booked = account_totals_by_reference(
        kinds=(EntryKind.REFUND,), reference_prefix="refund:", account_code=BUYER_PAYMENTS_CLEARING
    )
    refunds = Refund.objects.order_by("id").values_list("number", "status", "amount")
    for number, status, amount in refunds.iterator():
        record = f"refund {number}"
        entry = refunds_booked.get(f"refund:{number}")
        succeeded = status == Refund.Status.SUCCEEDED
        if succeeded and entry is None:
            problems.append(
                _problem("refund_not_booked", record, "succeeded but not in the ledger")
            )
        elif succeeded and entry != amount:
            problems.append(
                _problem(
                    "refund_booked_amount_mismatch",
                    record,
                    f"refunded {amount}, the ledger debits clearing with {entry}",
                )
            )
        elif not succeeded and entry is not None:
            problems.append(_problem("refund_booked_not_succeeded", record, f"status {status}"))
    return problems
