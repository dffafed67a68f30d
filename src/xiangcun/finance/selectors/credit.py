"""The credit assessment in words: each reason code with its facts, rendered in the reader's
language (the officer's and the applicant's), and the rules staff edit."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, ngettext

from xiangcun.finance.models import CreditAssessment, CreditRule, Loan


def _yuan(value: object) -> str:
    try:
        return f"¥{Decimal(str(value)):,.0f}"
    except (InvalidOperation, ValueError):
        return "¥0"


def _int(value: object) -> int:
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return 0


def _num(value: object) -> str:
    try:
        return f"{abs(Decimal(str(value))):.1f}".removesuffix(".0")
    except (InvalidOperation, ValueError):
        return "0"


def reason_text(code: str, params: dict[str, Any]) -> str:
    """One reason in plain words, e.g. "9 months selling, ¥2,310 a month on average"."""
    months = _int(params.get("months_selling"))
    if code == "steady_seller":
        return ngettext(
            "%(months)d month selling, %(average)s a month on average",
            "%(months)d months selling, %(average)s a month on average",
            months,
        ) % {"months": months, "average": _yuan(params.get("average_monthly_sales"))}
    if code == "new_seller":
        return ngettext(
            "Only %(months)d month with sales so far",
            "Only %(months)d months with sales so far",
            months,
        ) % {"months": months}
    if code == "no_sales":
        return gettext("No completed sales on Xiangcun yet")
    if code == "sales_growing":
        return gettext("Sales up %(trend)s%% in the last three months") % {
            "trend": _num(params.get("sales_trend"))
        }
    if code == "sales_falling":
        return gettext("Sales down %(trend)s%% in the last three months") % {
            "trend": _num(params.get("sales_trend"))
        }
    if code == "low_returns":
        return gettext("Few returns: %(rate)s%% of sales") % {
            "rate": _num(params.get("returns_rate"))
        }
    if code == "high_returns":
        return gettext("Many returns: %(rate)s%% of sales") % {
            "rate": _num(params.get("returns_rate"))
        }
    if code == "repaid_before":
        count = _int(params.get("loans_closed"))
        return ngettext(
            "Repaid %(count)d earlier loan in full", "Repaid %(count)d earlier loans in full", count
        ) % {"count": count}
    if code == "late_before":
        days = _int(params.get("max_days_late"))
        return ngettext(
            "Paid up to %(days)d day late on an earlier loan",
            "Paid up to %(days)d days late on an earlier loan",
            days,
        ) % {"days": days}
    if code == "trained":
        count = _int(params.get("certificates"))
        return ngettext(
            "Completed %(count)d training course", "Completed %(count)d training courses", count
        ) % {"count": count}
    return gettext("Another reason")


def assessment_latest(*, loan: Loan) -> CreditAssessment | None:
    return loan.assessments.order_by("-id").first()


def assessment_reasons(*, assessment: CreditAssessment | None) -> list[tuple[str, int]]:
    """The reasons in the reader's language with the points each gave."""
    if assessment is None:
        return []
    return [
        (reason_text(str(row.get("code", "")), row.get("params") or {}), int(row.get("points", 0)))
        for row in assessment.reasons
        if isinstance(row, dict)
    ]


def credit_rules_list() -> list[CreditRule]:
    return list(CreditRule.objects.order_by("factor", "id"))
