"""Reads of finance for the programme's figures (impact): loans disbursed on a day, the loans
open at a day's end with their principal outstanding then and PAR30, payouts paid on a day, and
the days touched by records changed since a time. Bulk reads: a few queries a day, whatever the
number of loans."""

import datetime
from decimal import Decimal

from django.db.models import Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiangcun.finance.models import Instalment, Loan, Payout, Repayment, RepaymentAllocation
from xiangcun.finance.types import FinanceChanges, LoanFact, LoanPosition, PayoutFact

ZERO = Decimal("0.00")
# PAR30: an instalment more than this many days overdue puts the loan's principal at risk.
AT_RISK_AFTER_DAYS = 30


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` in China time and of the day after."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else timezone.localtime(moment).date()


def _loan_rows(rows: QuerySet[Loan]) -> list[tuple[int, int, int, int | None, Decimal]]:
    """(loan, shop, owner, the shop's township, principal): the township is the shop's, or
    its village's when the township was left blank."""
    return list(
        rows.order_by("id").values_list(
            "id",
            "seller_id",
            "seller__owner_id",
            Coalesce("seller__township_id", "seller__village__township_id"),
            "principal",
        )
    )


def loans_disbursed_on(*, day: datetime.date) -> list[LoanFact]:
    """Loans disbursed on `day` (China time), with the borrowing shop, owner and township."""
    start, end = _day_bounds(day)
    rows = Loan.objects.filter(
        disbursed_at__gte=start, disbursed_at__lt=end, principal__isnull=False
    )
    return [LoanFact(*row) for row in _loan_rows(rows)]


def loans_open_at(*, day: datetime.date) -> list[LoanPosition]:
    """Loans disbursed by the end of `day` and not closed (repaid, written off) by then, each
    with the principal not yet repaid then (posted repayments received on or before `day`) and
    whether an instalment due more than 30 days before `day` was still unpaid at its end."""
    _start, end = _day_bounds(day)
    open_loans = Loan.objects.filter(disbursed_at__lt=end, principal__isnull=False).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    open_ids = open_loans.values("id")
    repaid = dict(
        RepaymentAllocation.objects.filter(
            repayment__status=Repayment.Status.POSTED,
            repayment__on__lte=day,
            instalment__loan_id__in=open_ids,
        )
        .values_list("instalment__loan_id")
        .annotate(total=Sum("principal"))
        .order_by()
    )
    late = set(
        Instalment.objects.filter(
            loan_id__in=open_ids,
            due_date__lt=day - datetime.timedelta(days=AT_RISK_AFTER_DAYS),
        )
        .filter(Q(paid_at__isnull=True) | Q(paid_at__gte=end))
        .values_list("loan_id", flat=True)
        .distinct()
    )
    return [
        LoanPosition(
            pk,
            seller_id,
            owner_id,
            township_id,
            max(ZERO, principal - (repaid.get(pk) or ZERO)),
            pk in late,
        )
        for pk, seller_id, owner_id, township_id, principal in _loan_rows(open_loans)
    ]


def payouts_paid_on(*, day: datetime.date) -> list[PayoutFact]:
    """Payouts marked paid on `day` (China time) to shops with a village in the county."""
    start, end = _day_bounds(day)
    rows = (
        Payout.objects.filter(
            status=Payout.Status.PAID,
            paid_at__gte=start,
            paid_at__lt=end,
            seller__village__isnull=False,
        )
        .order_by("id")
        .values_list(
            "id",
            "seller_id",
            "seller__owner_id",
            "seller__village_id",
            "seller__village__township_id",
            "amount",
        )
    )
    return [PayoutFact(*row) for row in rows]


def finance_first_day() -> datetime.date | None:
    """The first day a loan was disbursed or a payout paid (None when neither happened)."""
    loan = Loan.objects.aggregate(first=Min("disbursed_at"))["first"]
    payout = Payout.objects.filter(status=Payout.Status.PAID).aggregate(first=Min("paid_at"))[
        "first"
    ]
    days = [d for d in (_local_day(loan), _local_day(payout)) if d is not None]
    return min(days) if days else None


def finance_changes(*, since: datetime.datetime) -> FinanceChanges:
    """The days whose loan and payout facts changed since `since`: payouts paid or changed
    (their paid day), loans disbursed (their day, and balances from then on), loans closed or
    written off, repayments posted and instalments paid (balances from their day on)."""
    days: set[datetime.date] = set()
    onward: list[datetime.date] = []
    for paid_at in (
        Payout.objects.filter(updated_at__gte=since, paid_at__isnull=False)
        .values_list("paid_at", flat=True)
        .distinct()
    ):
        days.add(timezone.localtime(paid_at).date())
    loans = Loan.objects.filter(updated_at__gte=since).filter(
        Q(disbursed_at__gte=since) | Q(closed_at__gte=since)
    )
    for disbursed_at, closed_at in loans.values_list("disbursed_at", "closed_at"):
        if disbursed_at is not None and disbursed_at >= since:
            day = timezone.localtime(disbursed_at).date()
            days.add(day)
            onward.append(day)
        if closed_at is not None and closed_at >= since and disbursed_at is not None:
            onward.append(timezone.localtime(closed_at).date())
    first_repaid = Repayment.objects.filter(
        updated_at__gte=since, status=Repayment.Status.POSTED
    ).aggregate(first=Min("on"))["first"]
    if first_repaid is not None:
        onward.append(first_repaid)
    first_paid = Instalment.objects.filter(paid_at__gte=since).aggregate(first=Min("paid_at"))[
        "first"
    ]
    if first_paid is not None:
        onward.append(timezone.localtime(first_paid).date())
    return FinanceChanges(days=frozenset(days), balances_from=min(onward) if onward else None)
