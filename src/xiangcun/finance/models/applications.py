"""What a loan application is judged on: credit rules staff edit (data, not code), the
assessment computed when a seller applies, and each officer's approval limit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class CreditFactor(models.TextChoices):
    """A fact about the seller, read from the platform's own records."""

    MONTHS_SELLING = "months_selling", _("months with sales (last 12)")
    AVERAGE_MONTHLY_SALES = "average_monthly_sales", _("average monthly sales (CNY)")
    SALES_TREND = "sales_trend", _("sales change, last 3 months against the 3 before (%)")
    RETURNS_RATE = "returns_rate", _("returns as a share of sales (%)")
    LOANS_CLOSED = "loans_closed", _("loans repaid in full")
    MAX_DAYS_LATE = "max_days_late", _("most days late on an earlier instalment")
    CERTIFICATES = "certificates", _("training courses completed")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    BELOW = "lt", _("below")


class CreditReason(models.TextChoices):
    """Why points were given or taken, rendered to officer and applicant in plain words
    (the words are in finance.selectors.credit)."""

    STEADY_SELLER = "steady_seller", _("steady seller")
    NEW_SELLER = "new_seller", _("new seller")
    NO_SALES = "no_sales", _("no sales yet")
    SALES_GROWING = "sales_growing", _("sales growing")
    SALES_FALLING = "sales_falling", _("sales falling")
    LOW_RETURNS = "low_returns", _("few returns")
    HIGH_RETURNS = "high_returns", _("many returns")
    REPAID_BEFORE = "repaid_before", _("repaid earlier loans")
    LATE_BEFORE = "late_before", _("paid late before")
    TRAINED = "trained", _("completed training")


class CreditRule(TimeStampedModel):
    """If the seller's `factor` compares to `threshold`, add `points` (negative to take) and
    give `reason` to the officer and the applicant."""

    factor = models.CharField(_("fact"), max_length=24, choices=CreditFactor.choices)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2)
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=20, choices=CreditReason.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["factor", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=-100) & Q(points__lte=100),
                name="finance_credit_rule_points_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor} {self.comparison} {self.threshold}: {self.points:+d}"


class CreditAssessment(models.Model):
    """The score of one application when it was (re)submitted: the facts read, the points,
    a suggested limit and the reasons as codes with parameters."""

    loan = models.ForeignKey("finance.Loan", on_delete=models.CASCADE, related_name="assessments")
    score = models.IntegerField(_("score"))
    suggested_limit = models.DecimalField(_("suggested limit"), max_digits=14, decimal_places=2)
    # {"months_selling": 9, "average_monthly_sales": "2310.00", ...}: Decimal values as strings.
    facts = models.JSONField(default=dict)
    # [{"code": "steady_seller", "points": 20, "params": {...}}, ...]
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit assessment")
        verbose_name_plural = _("credit assessments")
        ordering = ["loan", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100) & Q(suggested_limit__gte=0),
                name="finance_assessment_ranges",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.score}"


class OfficerLimit(TimeStampedModel):
    """The largest loan an officer may approve alone; above it a second officer confirms."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    max_amount = models.DecimalField(_("largest approval"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("officer approval limit")
        verbose_name_plural = _("officer approval limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__gte=0), name="finance_officer_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.max_amount}"
