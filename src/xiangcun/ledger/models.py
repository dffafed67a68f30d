"""The ledger: accounts and journal entries made of postings that sum to zero.

Amounts are signed: a debit is positive, a credit negative, in CNY with two places. Rows are
only ever inserted; a mistake is corrected by a new, reversing entry.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    # Stable machine name, e.g. "seller_payable:12", "cash:station:3", "commission_income".
    code = models.CharField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    # The record the account belongs to, by id only (a seller, a station), so the ledger
    # needs no import from the apps above it.
    owner_type = models.CharField(_("owner type"), max_length=20, blank=True)
    owner_id = models.BigIntegerField(_("owner id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return self.code


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment received")
        COMMISSION = "commission", _("Commission")
        REFUND = "refund", _("Refund")
        CASH_COLLECTED = "cash_collected", _("Cash collected")
        CASH_HANDOVER = "cash_handover", _("Cash handed over")
        PAYOUT = "payout", _("Payout to seller")
        PAYOUT_SETTLED = "payout_settled", _("Payout confirmed")
        SETTLEMENT = "settlement", _("Sales settled")
        DISBURSEMENT = "disbursement", _("Loan disbursed")
        REPAYMENT = "repayment", _("Loan repayment")
        LOAN_CHARGE = "loan_charge", _("Loan fee or penalty")
        WRITE_OFF = "write_off", _("Loan written off")
        CARRIER_CHARGE = "carrier_charge", _("Carrier charge")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        AGENT_COMMISSION = "agent_commission", _("Agent commission")
        CORRECTION = "correction", _("Correction")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # What caused the entry ("order:42", "refund:7"); unique per kind so that a retried
    # posting (a duplicated notification, say) cannot book the same money twice.
    reference = models.CharField(_("reference"), max_length=80)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="ledger_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"
