"""Reads about loans from application to disbursement: products on offer, a seller's loans,
one loan for its applicant or an officer, the officer's queue, the schedule (the instalment
rows once disbursed, a preview before), the history in words and the "My money" loan box."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from xiangcun.accounts.types import AnyUser
from xiangcun.finance.errors import InvalidLoanTermsError, LoanNotFoundError
from xiangcun.finance.models import CreditAssessment, Loan, LoanAction, LoanProduct
from xiangcun.finance.services._loan_common import (
    is_officer,
    loan_terms,
    product_terms,
    schedule_of,
)
from xiangcun.finance.services.loans import awaiting_second_officer
from xiangcun.sellers.selectors import sellers_managed_by

Status = Loan.Status
QUEUE_STATUSES = (Status.SUBMITTED, Status.MORE_INFO)
RUNNING = (Status.APPROVED, Status.DISBURSED, Status.ACTIVE)


@dataclass(frozen=True)
class ScheduleLine:
    n: int
    due: datetime.date
    principal: Decimal
    interest: Decimal
    total: Decimal
    outstanding: Decimal
    paid: bool = False


@dataclass(frozen=True)
class QueueRow:
    loan: Loan
    score: int | None
    suggested_limit: Decimal | None
    awaiting_second: bool


def loan_products_offered() -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(is_active=True).order_by("code")


def loan_products_all() -> QuerySet[LoanProduct]:
    return LoanProduct.objects.order_by("code")


def loan_is_officer(*, user: AnyUser) -> bool:
    return is_officer(user)


def _shop_ids(user: AnyUser) -> list[int]:
    return [seller.pk for seller in sellers_managed_by(user=user)]


def loans_of(*, user: AnyUser) -> list[Loan]:
    """The loans of the shops `user` manages, and those they applied for, newest first."""
    if not user.is_authenticated:
        return []
    rows = Loan.objects.filter(seller_id__in=_shop_ids(user)) | Loan.objects.filter(
        submitted_by_id=user.pk
    )
    return list(rows.select_related("product", "seller").order_by("-id")[:100])


def loan_for(*, user: AnyUser, loan_id: int) -> Loan:
    """One loan for its applicant, the shop's managers or an officer; LoanNotFoundError for
    anyone else (others' loans cannot be probed)."""
    loan = Loan.objects.select_related("product", "seller").filter(pk=loan_id).first()
    if loan is None or not user.is_authenticated:
        raise LoanNotFoundError
    if is_officer(user) or loan.submitted_by_id == user.pk or loan.seller_id in _shop_ids(user):
        return loan
    raise LoanNotFoundError


def officer_queue(*, user: AnyUser) -> list[QueueRow]:
    """Applications waiting for an officer, oldest first, with the latest score."""
    if not is_officer(user):
        raise LoanNotFoundError
    loans = list(
        Loan.objects.filter(status__in=QUEUE_STATUSES)
        .select_related("product", "seller")
        .order_by("submitted_at", "id")[:200]
    )
    latest: dict[int, CreditAssessment] = {}
    for row in CreditAssessment.objects.filter(loan__in=loans).order_by("id"):
        latest[row.loan_id] = row
    return [
        QueueRow(
            loan=loan,
            score=latest[loan.pk].score if loan.pk in latest else None,
            suggested_limit=latest[loan.pk].suggested_limit if loan.pk in latest else None,
            awaiting_second=awaiting_second_officer(loan),
        )
        for loan in loans
    ]


def officer_approved(*, user: AnyUser) -> list[Loan]:
    """Approved loans waiting to be disbursed, oldest approval first."""
    if not is_officer(user):
        raise LoanNotFoundError
    return list(
        Loan.objects.filter(status__in=(Status.APPROVED, Status.DISBURSED))
        .select_related("product", "seller")
        .order_by("approved_at", "id")[:200]
    )


def seller_loan_history(*, seller_id: int, exclude: int | None = None) -> list[Loan]:
    rows = Loan.objects.filter(seller_id=seller_id).select_related("product").order_by("-id")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows[:20])


def loan_schedule_lines(
    *, loan: Loan, amount: Decimal | None = None, periods: int | None = None
) -> list[ScheduleLine]:
    """The instalments once disbursed; before, a preview from today for the terms approved,
    or for `amount`/`periods` (default: what was asked) on the loan's product. Terms no
    schedule can be built from give no lines."""
    rows = list(loan.instalments.order_by("number"))
    if rows:
        left = sum((row.principal for row in rows), Decimal(0))
        lines = []
        for row in rows:
            left -= row.principal
            lines.append(
                ScheduleLine(
                    n=row.number,
                    due=row.due_date,
                    principal=row.principal,
                    interest=row.interest,
                    total=row.principal + row.interest + row.fee + row.penalty,
                    outstanding=left,
                    paid=row.paid_at is not None,
                )
            )
        return lines
    terms = loan_terms(loan) if amount is None and periods is None else None
    if terms is None:
        terms = product_terms(
            loan.product,
            principal=amount if amount is not None else loan.requested_amount,
            periods=periods if periods is not None else loan.requested_periods,
        )
    try:
        schedule = schedule_of(terms)
    except InvalidLoanTermsError:
        return []
    return [
        ScheduleLine(
            n=r.n,
            due=r.due,
            principal=r.principal,
            interest=r.interest,
            total=r.total,
            outstanding=r.outstanding,
        )
        for r in schedule.rows
    ]


def _action_text(code: str, params: dict[str, Any]) -> str:
    texts = {
        "submitted": gettext("Applied for ¥%(amount)s over %(periods)s repayments"),
        "more_info": gettext("More information asked: %(note)s"),
        "answered": gettext("Answered: %(note)s"),
        "approval_proposed": gettext(
            "Approved ¥%(amount)s, above this officer's limit: a second officer must confirm"
        ),
        "approved": gettext("Approved ¥%(amount)s"),
        "approval_confirmed": gettext("Approval of ¥%(amount)s confirmed by a second officer"),
        "declined": gettext("Declined: %(reason)s"),
        "withdrawn": gettext("Withdrawn by the applicant"),
        "disbursed": gettext("Disbursed ¥%(amount)s; repayment schedule fixed"),
        "activated": gettext("Money on the seller's balance; fee ¥%(fee)s"),
    }
    text = texts.get(code)
    if text is None:
        return gettext("Loan updated")
    values = dict.fromkeys(("amount", "periods", "note", "reason", "fee"), "")
    values.update({key: str(value) for key, value in params.items()})
    for key in ("amount", "fee"):
        try:
            values[key] = f"{Decimal(values[key]):,.2f}"
        except ArithmeticError:
            values[key] = ""
    return text % values


def loan_history(*, loan: Loan) -> list[tuple[datetime.datetime, str, str]]:
    """(when, who, what) for every action on the loan, in the reader's language."""
    rows = LoanAction.objects.filter(loan=loan).select_related("actor").order_by("id")
    return [
        (row.at, getattr(row.actor, "name", "") or "", _action_text(row.code, row.params or {}))
        for row in rows
    ]


@dataclass(frozen=True)
class LoanBoxRow:
    loan: Loan
    next_line: ScheduleLine | None


def loans_box(*, user: AnyUser) -> list[LoanBoxRow]:
    """The "My money" box: the user's shops' loans that are open or running, each with the
    next instalment not yet paid."""
    if not user.is_authenticated:
        return []
    loans = (
        Loan.objects.filter(
            seller_id__in=_shop_ids(user),
            status__in=(*QUEUE_STATUSES, *RUNNING),
        )
        .select_related("product")
        .order_by("-id")[:5]
    )
    return [LoanBoxRow(loan=loan, next_line=next_instalment(loan=loan)) for loan in loans]


def next_instalment(*, loan: Loan) -> ScheduleLine | None:
    """The first instalment not paid yet, once the loan is disbursed."""
    if loan.status not in (Status.DISBURSED, Status.ACTIVE):
        return None
    for line in loan_schedule_lines(loan=loan):
        if not line.paid:
            return line
    return None


def loans_all(*, user: AnyUser, status: str = "") -> list[Loan]:
    """Every loan for an officer, newest first, by status if one is named (an unknown status
    matches nothing)."""
    if not is_officer(user):
        raise LoanNotFoundError
    rows = Loan.objects.select_related("product", "seller").order_by("-id")
    if status:
        rows = rows.filter(status=status)
    return list(rows[:200])
