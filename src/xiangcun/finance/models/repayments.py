"""Repayments of loans, how each was allocated to the instalments, the late fees charged and
the reminders texted.

A repayment is one amount received on one loan through one channel (cash at a station, a
deduction from a payout, WeChat Pay) under a unique reference, so a retried request has no
second effect. Its allocation rows say which instalment took what (Fineract's "penalties,
fees, interest, principal order", oldest instalment first); what was left over is `credit`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel
from xiangcun.finance.models.loans import Instalment, Loan


class Repayment(TimeStampedModel):
    class Channel(models.TextChoices):
        CASH = "cash", _("Cash at a service centre")
        PAYOUT = "payout", _("Deducted from a payout")
        WECHAT = "wechat", _("WeChat Pay")

    class Status(models.TextChoices):
        # An online payment started and not yet confirmed: nothing is allocated yet.
        PENDING = "pending", _("Waiting for payment")
        POSTED = "posted", _("Received")
        FAILED = "failed", _("Not paid")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    # The caller's idempotency key ("cash:<station>:<slip>", "payout:<run>:<seller>", "loan:7:2").
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.POSTED
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    # The value date: the day the money was received.
    on = models.DateField(_("received on"))
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The payment intent of a WeChat Pay repayment (payments' number).
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True)
    # What the allocation gave each part, summed over the instalments; `credit` is the rest.
    penalty = models.DecimalField(_("penalties"), max_digits=14, decimal_places=2, default=0)
    fee = models.DecimalField(_("fees"), max_digits=14, decimal_places=2, default=0)
    interest = models.DecimalField(_("interest"), max_digits=14, decimal_places=2, default=0)
    principal = models.DecimalField(_("principal"), max_digits=14, decimal_places=2, default=0)
    credit = models.DecimalField(_("held as credit"), max_digits=14, decimal_places=2, default=0)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["-id"]
        indexes = [models.Index(fields=["loan", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_repayment_positive"),
            models.CheckConstraint(
                condition=Q(status="posted", posted_at__isnull=False)
                | ~Q(status="posted") & Q(penalty=0, fee=0, interest=0, principal=0, credit=0),
                name="finance_repayment_allocated_when_posted",
            ),
            models.CheckConstraint(
                condition=~Q(status="posted")
                | Q(
                    amount=models.F("penalty")
                    + models.F("fee")
                    + models.F("interest")
                    + models.F("principal")
                    + models.F("credit")
                ),
                name="finance_repayment_fully_allocated",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class RepaymentAllocation(models.Model):
    """What one repayment paid of one instalment."""

    repayment = models.ForeignKey(Repayment, on_delete=models.CASCADE, related_name="allocations")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="allocations")
    penalty = models.DecimalField(_("penalties"), max_digits=14, decimal_places=2, default=0)
    fee = models.DecimalField(_("fees"), max_digits=14, decimal_places=2, default=0)
    interest = models.DecimalField(_("interest"), max_digits=14, decimal_places=2, default=0)
    principal = models.DecimalField(_("principal"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("repayment allocation")
        verbose_name_plural = _("repayment allocations")
        ordering = ["repayment", "instalment__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["repayment", "instalment"], name="finance_allocation_once"
            ),
            models.CheckConstraint(
                condition=Q(penalty__gte=0, fee__gte=0, interest__gte=0, principal__gte=0),
                name="finance_allocation_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repayment_id}→{self.instalment_id}"


class LateFee(models.Model):
    """The late fee charged on one overdue instalment: once, whatever the job's runs."""

    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT, related_name="late_fee")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    charged_on = models.DateField(_("charged on"))

    class Meta:
        verbose_name = _("late fee")
        verbose_name_plural = _("late fees")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_late_fee_positive")
        ]

    def __str__(self) -> str:
        return f"{self.instalment_id} {self.amount}"


class LoanReminder(models.Model):
    """A reminder texted about one instalment: before it falls due, or 1, 7, 30 days late.
    Each kind goes once per instalment."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        LATE_1 = "late_1", _("1 day late")
        LATE_7 = "late_7", _("7 days late")
        LATE_30 = "late_30", _("30 days late")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    instalment = models.ForeignKey(Instalment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loan reminder")
        verbose_name_plural = _("loan reminders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["instalment", "kind"], name="finance_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.instalment_id} {self.kind}"
