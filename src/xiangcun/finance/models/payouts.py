"""Where a seller's money goes out: the seller's payout account, the payout runs and each payout.

Balances are never stored here: the ledger holds them (seller_payable, seller_available,
payout_clearing). A payout row records what was asked of a provider and what it answered; its
ledger entries are found by reference ("payout:<id>", "payout-settled:<id>",
"payout-return:<id>").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class PayoutMethod(models.TextChoices):
    SIMULATED = "simulated", _("Simulated (demo)")
    BANK = "bank", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay change")


class PayoutAccount(models.Model):
    """Where a seller wants to be paid. The account number is kept whole (the bank file needs
    it) and shown masked."""

    seller = models.OneToOneField(
        "sellers.Seller", on_delete=models.PROTECT, related_name="+", verbose_name=_("shop")
    )
    method = models.CharField(
        _("paid by"), max_length=10, choices=PayoutMethod.choices, default=PayoutMethod.SIMULATED
    )
    account_name = models.CharField(_("account name"), max_length=64, blank=True)
    account_number = models.CharField(_("account number"), max_length=32, blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["simulated", "bank", "wechat"]),
                name="finance_payout_account_method_valid",
            ),
            models.CheckConstraint(
                condition=~Q(method="bank") | (~Q(account_number="") & ~Q(account_name="")),
                name="finance_payout_account_bank_complete",
            ),
            models.CheckConstraint(
                condition=~Q(method="wechat") | ~Q(openid=""),
                name="finance_payout_account_wechat_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.method}"


class PayoutRun(models.Model):
    """One gathering of what is available to every seller, on one day (one run a day)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    on = models.DateField(_("day"), unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    # Empty when the periodic job started it.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        ordering = ["-on"]
        permissions = [("run_payouts", "Can run payouts and settle failed ones")]

    def __str__(self) -> str:
        return f"run {self.on}"


class Payout(TimeStampedModel):
    """What one run pays one seller, through one provider."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent, waiting for the bank")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        RETURNED = "returned", _("Returned to the balance")

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    loan_deducted = models.DecimalField(
        _("loan instalments deducted"), max_digits=14, decimal_places=2, default=0
    )
    provider = models.CharField(_("paid by"), max_length=10, choices=PayoutMethod.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # What the provider calls it (WeChat's batch_id, the simulated reference) ...
    provider_reference = models.CharField(_("provider reference"), max_length=64, blank=True)
    # ... and the batch it went in (WeChat out_batch_no, the bank file's name).
    batch_reference = models.CharField(_("batch"), max_length=64, blank=True)
    failure_code = models.CharField(_("failure"), max_length=40, blank=True)
    # Sent to the provider on every attempt (WeChat's out_batch_no): a repeated call is one
    # transfer.
    idempotency_key = models.CharField(max_length=32, unique=True)
    # Copied from the payout account at run time, so a later change cannot redirect money.
    account_name = models.CharField(_("account name"), max_length=64, blank=True)
    account_number = models.CharField(_("account number"), max_length=32, blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["seller", "-id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payout_positive"),
            models.CheckConstraint(
                condition=Q(loan_deducted__gte=0), name="finance_payout_deduction_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "paid", "failed", "returned"]),
                name="finance_payout_status_valid",
            ),
            models.UniqueConstraint(fields=["run", "seller"], name="finance_payout_once_a_run"),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk} {self.amount}"
