"""Arrears: days past due, the ageing buckets, the officer's arrears list and the portfolio
figures (outstanding principal, portfolio at risk over 30 days, written off this year).

Days past due count from the due date of the oldest instalment still owing anything: an
instalment due today is not late; due yesterday, one day late.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Prefetch
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.language import localized
from xiangcun.finance.errors import RepaymentPermissionDeniedError
from xiangcun.finance.models import Instalment, Loan, LoanAction, LoanReminder

ZERO = Decimal("0.00")
OFFICERS = frozenset({Role.LOAN_OFFICER, Role.ADMIN})
RUNNING = (Loan.Status.DISBURSED, Loan.Status.ACTIVE)

# (label, first day, last day); the last bucket has no end. Fineract's ageing with the
# programme's finer first month.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1-3", 1, 3),
    ("4-30", 4, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("121-150", 121, 150),
    ("151-180", 151, 180),
    ("181-240", 181, 240),
    ("241+", 241, None),
)
BUCKET_LABELS = tuple(label for label, _first, _last in BUCKETS)


def arrears_bucket(days: int) -> str | None:
    """The ageing bucket of a loan `days` past due ("1-3" … "241+"); None when not late."""
    if days < 1:
        return None
    for label, first, last in BUCKETS:
        if first <= days and (last is None or days <= last):
            return label
    raise AssertionError(days)  # pragma: no cover  (the last bucket has no end)


def instalment_owing(instalment: Instalment) -> Decimal:
    return (
        instalment.principal
        - instalment.principal_paid
        + instalment.interest
        - instalment.interest_paid
        + instalment.fee
        - instalment.fee_paid
        + instalment.penalty
        - instalment.penalty_paid
    )


def days_past_due(instalments: Iterable[Instalment], on: datetime.date) -> int:
    """Days since the oldest instalment still owing fell due (0 if none is overdue)."""
    overdue = [row.due_date for row in instalments if row.due_date < on and instalment_owing(row)]
    return (on - min(overdue)).days if overdue else 0


def loan_days_past_due(*, loan_id: int, on: datetime.date | None = None) -> int:
    on = on or timezone.localdate()
    return days_past_due(Instalment.objects.filter(loan_id=loan_id), on)


@dataclass(frozen=True)
class ArrearsRow:
    loan_id: int
    number: str
    seller: str
    phone: str
    days: int
    bucket: str
    overdue: Decimal
    principal_outstanding: Decimal
    last_reminder_at: datetime.datetime | None
    last_reminder_kind: str


@dataclass(frozen=True)
class Portfolio:
    on: datetime.date
    active_loans: int
    outstanding_principal: Decimal
    par30_amount: Decimal
    par30_percent: Decimal
    written_off_this_year: Decimal
    loans_in_arrears: int
    by_bucket: dict[str, int]


def officer_check(user: AnyUser) -> None:
    if not user.is_authenticated or not user.is_active:
        raise RepaymentPermissionDeniedError
    if not (getattr(user, "is_superuser", False) or user_roles(user=user) & OFFICERS):
        raise RepaymentPermissionDeniedError


def _running_loans() -> list[Loan]:
    return list(
        Loan.objects.filter(status__in=RUNNING)
        .select_related("seller", "seller__owner")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .annotate(last_reminder_at=Max("reminders__queued_at"))
        .order_by("pk")
    )


def _principal_outstanding(instalments: Iterable[Instalment]) -> Decimal:
    return sum((row.principal - row.principal_paid for row in instalments), ZERO)


def _last_kinds(loan_ids: list[int]) -> dict[int, str]:
    kinds: dict[int, str] = {}
    rows = LoanReminder.objects.filter(loan_id__in=loan_ids).order_by("loan_id", "-id")
    for loan_id, kind in rows.values_list("loan_id", "kind"):
        kinds.setdefault(loan_id, kind)
    return kinds


def arrears_list(
    *, user: AnyUser, on: datetime.date | None = None, bucket: str = ""
) -> list[ArrearsRow]:
    """Running loans that are late, the latest first (most days past due), for officers."""
    officer_check(user)
    on = on or timezone.localdate()
    rows: list[ArrearsRow] = []
    loans = _running_loans()
    kinds = _last_kinds([loan.pk for loan in loans])
    for loan in loans:
        schedule = list(loan.instalments.all())
        days = days_past_due(schedule, on)
        label = arrears_bucket(days)
        if label is None or (bucket and label != bucket):
            continue
        rows.append(
            ArrearsRow(
                loan_id=loan.pk,
                number=loan.number,
                seller=localized(loan.seller),
                phone=loan.seller.phone or loan.seller.owner.phone,
                days=days,
                bucket=label,
                overdue=sum((instalment_owing(row) for row in schedule if row.due_date < on), ZERO),
                principal_outstanding=_principal_outstanding(schedule),
                last_reminder_at=getattr(loan, "last_reminder_at", None),
                last_reminder_kind=kinds.get(loan.pk, ""),
            )
        )
    rows.sort(key=lambda row: (-row.days, row.loan_id))
    return rows


def _written_off_since(start: datetime.date) -> Decimal:
    total = ZERO
    actions = LoanAction.objects.filter(code="written_off", at__date__gte=start)
    for params in actions.values_list("params", flat=True):
        total += Decimal(str((params or {}).get("principal", "0")))
    return total


def portfolio_figures(*, user: AnyUser, on: datetime.date | None = None) -> Portfolio:
    """The portfolio on `on`: running loans, principal outstanding, the principal of loans more
    than 30 days late (PAR30) and its share, principal written off since 1 January."""
    officer_check(user)
    on = on or timezone.localdate()
    outstanding = par30 = ZERO
    by_bucket = dict.fromkeys(BUCKET_LABELS, 0)
    loans = _running_loans()
    for loan in loans:
        schedule = list(loan.instalments.all())
        principal = _principal_outstanding(schedule)
        outstanding += principal
        days = days_past_due(schedule, on)
        label = arrears_bucket(days)
        if label is not None:
            by_bucket[label] += 1
        if days > 30:
            par30 += principal
    percent = (par30 * 100 / outstanding).quantize(Decimal("0.01")) if outstanding else ZERO
    return Portfolio(
        on=on,
        active_loans=len(loans),
        outstanding_principal=outstanding,
        par30_amount=par30,
        par30_percent=percent,
        written_off_this_year=_written_off_since(on.replace(month=1, day=1)),
        loans_in_arrears=sum(by_bucket.values()),
        by_bucket=by_bucket,
    )
