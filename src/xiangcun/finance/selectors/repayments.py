"""Reads about repayments: a loan as its borrower or staff may see it, its schedule with what
was paid, its repayments with their allocation, and loans found for a cash repayment."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import InvalidPhoneError, mobile_normalize
from xiangcun.finance.errors import LoanNotFoundError, RepaymentPermissionDeniedError
from xiangcun.finance.models import Instalment, Loan, Repayment, RepaymentAllocation
from xiangcun.finance.selectors.arrears import days_past_due, instalment_owing
from xiangcun.finance.services.repayments import loan_visible_to, may_take_cash

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LoanBalance:
    principal_outstanding: Decimal
    owing: Decimal
    overdue: Decimal
    due_now: Decimal
    days_past_due: int
    next_due_date: datetime.date | None
    next_due_amount: Decimal


def loan_for_repayment(*, user: AnyUser, loan_id: int) -> Loan:
    """The loan if `user` may see its repayments (its seller's owner, agents, loan officers,
    administrators); LoanNotFoundError for an unknown loan, permission denied otherwise."""
    loan = (
        Loan.objects.select_related("seller", "seller__owner", "product").filter(pk=loan_id).first()
    )
    if loan is None:
        raise LoanNotFoundError
    if not loan_visible_to(user=user, loan=loan):
        raise RepaymentPermissionDeniedError
    return loan


def loan_schedule(*, loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan).order_by("number"))


def loan_balance(*, loan: Loan, on: datetime.date | None = None) -> LoanBalance:
    on = on or timezone.localdate()
    schedule = loan_schedule(loan=loan)
    owing = [row for row in schedule if instalment_owing(row) > 0]
    upcoming = [row for row in owing if row.due_date >= on]
    return LoanBalance(
        principal_outstanding=sum((r.principal - r.principal_paid for r in schedule), ZERO),
        owing=sum((instalment_owing(r) for r in owing), ZERO),
        overdue=sum((instalment_owing(r) for r in owing if r.due_date < on), ZERO),
        due_now=sum((instalment_owing(r) for r in owing if r.due_date <= on), ZERO),
        days_past_due=days_past_due(schedule, on),
        next_due_date=upcoming[0].due_date if upcoming else None,
        next_due_amount=instalment_owing(upcoming[0]) if upcoming else ZERO,
    )


def loan_repayments(*, user: AnyUser, loan_id: int, limit: int = 100) -> list[Repayment]:
    """A loan's repayments, newest first, each with its allocation rows (instalment joined)."""
    loan = loan_for_repayment(user=user, loan_id=loan_id)
    allocations = RepaymentAllocation.objects.select_related("instalment").order_by(
        "instalment__number"
    )
    return list(
        Repayment.objects.filter(loan=loan)
        .select_related("station")
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("-id")[:limit]
    )


def repayment_receipt(*, user: AnyUser, repayment_id: int) -> Repayment:
    """One repayment for its receipt: whoever may see its loan."""
    row = (
        Repayment.objects.select_related("loan", "loan__seller", "station", "recorded_by")
        .filter(pk=repayment_id)
        .first()
    )
    if row is None:
        raise LoanNotFoundError
    loan_for_repayment(user=user, loan_id=row.loan_id)
    return row


def loans_for_cash(*, user: AnyUser, query: str, limit: int = 20) -> list[Loan]:
    """Running loans found by loan number or by the seller's (or owner's) mobile number, for
    whoever may take cash (agents, loan officers, administrators)."""
    if not may_take_cash(user=user):
        raise RepaymentPermissionDeniedError
    text = (query or "").strip()[:40]
    if not text:
        return []
    condition = Q(number__iexact=text)
    try:
        phone = mobile_normalize(text)
    except InvalidPhoneError:  # not a mobile number: by loan number only
        phone = ""
    if phone:
        condition |= Q(seller__phone=phone) | Q(seller__owner__phone=phone)
    rows = (
        Loan.objects.filter(
            condition,
            status__in=(Loan.Status.DISBURSED, Loan.Status.ACTIVE, Loan.Status.WRITTEN_OFF),
        )
        .select_related("seller")
        .order_by("-id")
    )
    return list(rows[:limit])
