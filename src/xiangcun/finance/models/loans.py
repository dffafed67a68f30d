"""Loan products, loans and their repayment schedules.

A loan is one record from the application on (Fineract's model): submitted → approved →
disbursed → active → closed, or rejected, withdrawn, written off. The terms are copied from the
product when the loan is approved, so editing a product never changes a loan already made.
Money is CNY with two places; balances live in the ledger, the instalment rows keep what each
period owes and what has been allocated to it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")


class InterestMethod(models.TextChoices):
    DECLINING = "declining", _("declining balance")
    FLAT = "flat", _("flat")


class Amortization(models.TextChoices):
    EQUAL_INSTALLMENTS = "equal_installments", _("equal instalments")
    EQUAL_PRINCIPAL = "equal_principal", _("equal principal")


class LoanProduct(TimeStampedModel):
    """A kind of loan staff offer: its limits and how its schedule is worked out."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    min_amount = models.DecimalField(_("smallest amount"), max_digits=14, decimal_places=2)
    max_amount = models.DecimalField(_("largest amount"), max_digits=14, decimal_places=2)
    min_periods = models.PositiveIntegerField(_("fewest periods"))
    max_periods = models.PositiveIntegerField(_("most periods"))
    frequency = models.CharField(_("repayment frequency"), max_length=8, choices=Frequency.choices)
    # Nominal annual rate in percent (12 means 12 % a year).
    annual_rate = models.DecimalField(_("annual interest rate (%)"), max_digits=6, decimal_places=3)
    interest_method = models.CharField(_("interest"), max_length=10, choices=InterestMethod.choices)
    amortization = models.CharField(_("amortisation"), max_length=20, choices=Amortization.choices)
    grace_principal = models.PositiveIntegerField(_("periods of grace on principal"), default=0)
    # Instalments are rounded to a multiple of this many yuan (1 = whole yuan; 0 = to the fen).
    multiple = models.PositiveIntegerField(_("round instalments to a multiple of"), default=0)
    fee_flat = models.DecimalField(
        _("fee at disbursement (CNY)"), max_digits=14, decimal_places=2, default=0
    )
    fee_percent = models.DecimalField(
        _("fee at disbursement (percent of principal)"), max_digits=5, decimal_places=2, default=0
    )
    late_fee = models.DecimalField(
        _("late fee per overdue instalment (CNY)"), max_digits=14, decimal_places=2, default=0
    )
    late_fee_after_days = models.PositiveIntegerField(_("late fee after days overdue"), default=3)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__gt=0) & Q(max_amount__gte=models.F("min_amount")),
                name="finance_product_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(min_periods__gt=0) & Q(max_periods__gte=models.F("min_periods")),
                name="finance_product_period_range",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0) & Q(annual_rate__lte=36),
                name="finance_product_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Loan(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        MORE_INFO = "more_info", _("More information asked")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DISBURSED = "disbursed", _("Disbursed")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        WRITTEN_OFF = "written_off", _("Written off")

    class DisburseTo(models.TextChoices):
        BALANCE = "balance", _("to the seller's balance")
        PAYOUT = "payout", _("paid out to the seller")

    number = models.CharField(_("loan number"), max_length=20, unique=True)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    # Who applied: the seller's owner on a phone, or a service-centre agent for a farmer.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_amount = models.DecimalField(_("amount asked"), max_digits=14, decimal_places=2)
    requested_periods = models.PositiveIntegerField(_("periods asked"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    # The terms, copied from the product at approval (principal = the approved amount).
    principal = models.DecimalField(
        _("principal"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    periods = models.PositiveIntegerField(_("periods"), null=True, blank=True)
    frequency = models.CharField(
        _("repayment frequency"), max_length=8, choices=Frequency.choices, blank=True
    )
    annual_rate = models.DecimalField(
        _("annual interest rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    interest_method = models.CharField(
        _("interest"), max_length=10, choices=InterestMethod.choices, blank=True
    )
    amortization = models.CharField(
        _("amortisation"), max_length=20, choices=Amortization.choices, blank=True
    )
    grace_principal = models.PositiveIntegerField(_("periods of grace on principal"), default=0)
    multiple = models.PositiveIntegerField(_("round instalments to a multiple of"), default=0)
    first_due = models.DateField(_("first instalment due"), null=True, blank=True)
    disburse_to = models.CharField(
        _("disburse"), max_length=8, choices=DisburseTo.choices, default=DisburseTo.BALANCE
    )
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    # The applicant's answer when the officer asked for more information.
    applicant_note = models.CharField(_("applicant's answer"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Above the first officer's limit, a second officer confirms the approval.
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("disbursed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A retried application with the same key answers the loan already submitted.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-id"]
        indexes = [models.Index(fields=["seller", "-id"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0), name="finance_loan_requested_positive"
            ),
            models.CheckConstraint(
                condition=Q(principal__isnull=True) | Q(principal__gt=0),
                name="finance_loan_principal_positive",
            ),
            # One open application per shop: a second (or a racing) one fails here.
            models.UniqueConstraint(
                fields=["seller"],
                condition=Q(status__in=["submitted", "more_info", "approved"]),
                name="finance_loan_one_open_application",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One period of a loan's schedule: what falls due, and what has been paid against it."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveIntegerField(_("number"))
    due_date = models.DateField(_("due"), db_index=True)
    principal = models.DecimalField(_("principal"), max_digits=14, decimal_places=2)
    interest = models.DecimalField(_("interest"), max_digits=14, decimal_places=2)
    fee = models.DecimalField(_("fees"), max_digits=14, decimal_places=2, default=0)
    penalty = models.DecimalField(_("penalties"), max_digits=14, decimal_places=2, default=0)
    principal_paid = models.DecimalField(
        _("principal paid"), max_digits=14, decimal_places=2, default=0
    )
    interest_paid = models.DecimalField(
        _("interest paid"), max_digits=14, decimal_places=2, default=0
    )
    fee_paid = models.DecimalField(_("fees paid"), max_digits=14, decimal_places=2, default=0)
    penalty_paid = models.DecimalField(
        _("penalties paid"), max_digits=14, decimal_places=2, default=0
    )
    # When the instalment was fully paid (None while anything is owed).
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="finance_instalment_once"),
            models.CheckConstraint(
                condition=Q(principal__gte=0)
                & Q(interest__gte=0)
                & Q(fee__gte=0)
                & Q(penalty__gte=0)
                & Q(principal_paid__gte=0)
                & Q(principal_paid__lte=models.F("principal"))
                & Q(interest_paid__gte=0)
                & Q(interest_paid__lte=models.F("interest"))
                & Q(fee_paid__gte=0)
                & Q(fee_paid__lte=models.F("fee"))
                & Q(penalty_paid__gte=0)
                & Q(penalty_paid__lte=models.F("penalty")),
                name="finance_instalment_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.number}"


class LoanAction(models.Model):
    """Who did what to a loan and when: every decision, disbursement, write-off, adjustment.

    Stored as a code with parameters and rendered in the reader's language."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(_("action"), max_length=32)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loan action")
        verbose_name_plural = _("loan actions")
        ordering = ["loan", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.code}"
