"""Credit assessment: what the platform's own records say about a seller who asks for a loan.

The facts come from other apps' selectors (orders: completed sales and returns by month;
training: certificates of the shop's owner) and from finance's own loans (repaid, days late).
The points are data: every active `CreditRule` whose comparison holds adds its points (negative
ones take) and gives its reason. The score is the sum, kept within 0..100. The suggested limit
is a multiple of the average monthly sales that grows with the score (LIMIT_MULTIPLES), capped
by the product's largest amount and rounded down to a hundred yuan.
"""

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils import timezone

from xiangcun.finance.models import CreditAssessment, CreditRule, Instalment, Loan
from xiangcun.finance.models.applications import Comparison, CreditFactor
from xiangcun.orders.selectors import seller_sales_by_month
from xiangcun.sellers.selectors import seller_get
from xiangcun.training.selectors import certificates_of

CENT = Decimal("0.01")
# (lowest score, months of average sales): a score of 70 or more suggests three months' sales.
LIMIT_MULTIPLES: tuple[tuple[int, int], ...] = ((70, 3), (50, 2), (30, 1))
LIMIT_STEP = Decimal(100)
SCORE_MIN, SCORE_MAX = 0, 100


def _month_start(day: datetime.date, back: int) -> datetime.date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _sales_facts(seller_id: int, today: datetime.date) -> dict[str, Any]:
    first = _month_start(today, 11)
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    months = seller_sales_by_month(seller_id=seller_id, since=since)
    by_month = {month: sold for month, sold, _back in months}
    sold = sum((row[1] for row in months), Decimal(0))
    returned = sum((row[2] for row in months), Decimal(0))
    selling = sum(1 for row in months if row[1] > 0)
    average = (sold / selling).quantize(CENT, ROUND_HALF_EVEN) if selling else Decimal(0)
    # The last three whole months against the three before them.
    recent = sum((by_month.get(_month_start(today, n), Decimal(0)) for n in (1, 2, 3)), Decimal(0))
    before = sum((by_month.get(_month_start(today, n), Decimal(0)) for n in (4, 5, 6)), Decimal(0))
    trend = ((recent - before) * 100 / before).quantize(Decimal("0.1")) if before else Decimal(0)
    rate = (returned * 100 / sold).quantize(Decimal("0.1")) if sold else Decimal(0)
    return {
        CreditFactor.MONTHS_SELLING: selling,
        CreditFactor.AVERAGE_MONTHLY_SALES: average,
        CreditFactor.SALES_TREND: trend,
        CreditFactor.RETURNS_RATE: rate,
    }


def _days_late(instalment: Instalment, today: datetime.date) -> int:
    if instalment.paid_at is not None:
        paid_on = timezone.localdate(instalment.paid_at)
        return max(0, (paid_on - instalment.due_date).days)
    return max(0, (today - instalment.due_date).days)


def _history_facts(seller_id: int, today: datetime.date, exclude_loan: int) -> dict[str, Any]:
    loans = Loan.objects.filter(seller_id=seller_id).exclude(pk=exclude_loan)
    closed = loans.filter(status=Loan.Status.CLOSED).count()
    rows = Instalment.objects.filter(loan__in=loans, due_date__lt=today)
    late = max((_days_late(row, today) for row in rows), default=0)
    return {CreditFactor.LOANS_CLOSED: closed, CreditFactor.MAX_DAYS_LATE: late}


def credit_facts(
    *, seller_id: int, today: datetime.date | None = None, exclude_loan: int = 0
) -> dict[str, Any]:
    """The facts the rules compare, keyed by CreditFactor value."""
    today = today or timezone.localdate()
    seller = seller_get(seller_id=seller_id)
    facts = _sales_facts(seller_id, today)
    facts.update(_history_facts(seller_id, today, exclude_loan))
    facts[CreditFactor.CERTIFICATES] = certificates_of(holder=seller.owner).count()
    return {str(key): value for key, value in facts.items()}


def _holds(rule: CreditRule, value: Decimal) -> bool:
    if rule.comparison == Comparison.AT_LEAST:
        return value >= rule.threshold
    return value < rule.threshold


def _params(facts: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in facts.items()}


def credit_score(*, facts: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """The score and the reasons (code, points, params) of the active rules that hold."""
    score = 0
    reasons: list[dict[str, Any]] = []
    for rule in CreditRule.objects.filter(is_active=True).order_by("factor", "id"):
        value = Decimal(str(facts.get(rule.factor, 0)))
        if _holds(rule, value):
            score += rule.points
            reasons.append({"code": rule.reason, "points": rule.points, "params": _params(facts)})
    return max(SCORE_MIN, min(SCORE_MAX, score)), reasons


def suggested_limit(*, score: int, average: Decimal, cap: Decimal) -> Decimal:
    """A multiple of the average monthly sales by score, capped, down to a hundred yuan."""
    multiple = next((times for floor, times in LIMIT_MULTIPLES if score >= floor), 0)
    limit = min(average * multiple, cap)
    return ((limit / LIMIT_STEP).to_integral_value(ROUND_DOWN) * LIMIT_STEP).quantize(CENT)


def credit_assess(*, loan: Loan, today: datetime.date | None = None) -> CreditAssessment:
    """Score the loan's seller now and store the assessment (called inside the application's
    transaction: it reads, then writes one row)."""
    facts = credit_facts(seller_id=loan.seller_id, today=today, exclude_loan=loan.pk)
    score, reasons = credit_score(facts=facts)
    limit = suggested_limit(
        score=score,
        average=Decimal(facts[CreditFactor.AVERAGE_MONTHLY_SALES]),
        cap=loan.product.max_amount,
    )
    return CreditAssessment.objects.create(
        loan=loan,
        score=score,
        suggested_limit=limit,
        facts=_params(facts),
        reasons=reasons,
    )
