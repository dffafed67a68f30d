"""Service-centre records: residents' consent to an agent acting for them, assisted orders, the
cash drawer of a shift and its movements, commission rules and lines, and the log of every
assisted action.

Money balances live in the ledger (cash:station:<id>, agent_commission_payable:<user id>); these
rows say which drawer, order or rule a posting belongs to, by its ledger reference.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Consent(TimeStampedModel):
    """A resident agreed that agents of a station may act for them: who recorded it, when, where.

    An agent acts only for residents with a consent at their own station that is not withdrawn.
    """

    resident = models.ForeignKey(
        "accounts.ResidentProfile", on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey("regions.Station", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "station"],
                condition=Q(withdrawn_at__isnull=True),
                name="servicecenter_consent_one_live_per_station",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}@{self.station_id}"


class AssistedOrder(models.Model):
    """An order an agent placed for a resident. The order itself is orders' (buyer = the
    resident's login when they have one, placed_by = the agent); this row ties it to the resident
    profile, the station and the agent's idempotency key."""

    class Payment(models.TextChoices):
        CASH = "cash", _("Cash at the counter")
        CASH_ON_PICKUP = "cash_on_pickup", _("Cash on pickup")
        WECHAT = "wechat", _("WeChat Pay QR code")

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "accounts.ResidentProfile", on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("regions.Station", on_delete=models.PROTECT, related_name="+")
    payment = models.CharField(_("payment"), max_length=16, choices=Payment.choices)
    # The client's key (the console makes one per order, offline too) and a hash of the body it
    # came with: the same key again returns this order; with another body it is refused.
    idempotency_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assisted order")
        verbose_name_plural = _("assisted orders")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "idempotency_key"], name="servicecenter_assisted_key_per_agent"
            )
        ]

    def __str__(self) -> str:
        return str(self.order_id)


class Drawer(models.Model):
    """An agent's cash drawer for one shift at one station: opened with a float, closed once with
    the notes and coins counted."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class HandedTo(models.TextChoices):
        NOBODY = "", _("Kept at the station")
        WAREHOUSE = "warehouse", _("County warehouse")
        BANK = "bank", _("Bank")
        DRIVER = "driver", _("Driver")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("regions.Station", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    float_amount = models.DecimalField(_("float"), max_digits=12, decimal_places=2)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # At close: what the drawer should hold, what was counted, the difference and why.
    expected = models.DecimalField(
        _("expected"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    counted = models.DecimalField(
        _("counted"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    variance = models.DecimalField(
        _("variance"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The notes and coins as counted ({"100": 3, "0.5": 4}), for the day's report.
    denominations = models.JSONField(_("notes and coins"), default=dict, blank=True)
    handed_to = models.CharField(
        _("handed to"), max_length=10, choices=HandedTo.choices, blank=True, default=""
    )
    handed_amount = models.DecimalField(
        _("handed over"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("cash drawer")
        verbose_name_plural = _("cash drawers")
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(status="open"),
                name="servicecenter_drawer_one_open_per_agent",
            ),
            models.CheckConstraint(
                condition=Q(float_amount__gte=0), name="servicecenter_drawer_float_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="servicecenter_drawer_counted_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False, counted__isnull=False),
                name="servicecenter_drawer_closed_has_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.opened_at:%Y-%m-%d %H:%M}"


class DrawerMovement(models.Model):
    """One movement of cash in or out of a drawer, each posted through the ledger to the station's
    cash account; `reference` is that entry's reference (unique per kind: a retried sync cannot
    post twice)."""

    class Kind(models.TextChoices):
        FLOAT = "float", _("Float")
        ORDER_CASH = "order_cash", _("Order paid in cash")
        LOAN_REPAYMENT = "loan_repayment", _("Loan repayment")
        REFUND = "refund", _("Refund paid out")
        HANDOVER = "handover", _("Cash handed over")
        VARIANCE = "variance", _("Counted over or short")

    drawer = models.ForeignKey(Drawer, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Positive: cash into the drawer; negative: cash out of it.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=80)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("drawer movement")
        verbose_name_plural = _("drawer movements")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference"], name="servicecenter_movement_once_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class CommissionRule(TimeStampedModel):
    """How agents earn: a percentage of assisted sales (of one category, or of any), a fixed fee
    per parcel handed over, or a fixed fee per job applicant registered. Data, edited by staff."""

    class Kind(models.TextChoices):
        SALES_PERCENT = "sales_percent", _("Percentage of assisted sales")
        PARCEL_FEE = "parcel_fee", _("Fee per parcel handed over")
        APPLICANT_FEE = "applicant_fee", _("Fee per job applicant registered")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Sales rules only: the category it applies to (null: every category without a rule).
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(
        _("fixed fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="sales_percent", percent__gt=0, percent__lte=50, amount__isnull=True)
                    | Q(
                        kind__in=["parcel_fee", "applicant_fee"],
                        amount__gt=0,
                        amount__lte=1000,
                        percent__isnull=True,
                        category__isnull=True,
                    )
                ),
                name="servicecenter_commission_rule_shape",
            ),
            models.UniqueConstraint(
                fields=["kind", "category"],
                condition=Q(is_active=True),
                name="servicecenter_commission_rule_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.kind


class CommissionLine(models.Model):
    """One accrual (or its reversal) of an agent's commission, posted through the ledger to
    agent_commission_payable:<agent id>; `source` says what earned it ("order:42", "parcel:7",
    "applicant:3") and is unique per kind, so a repeated signal accrues once."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("Earned")
        REVERSAL = "reversal", _("Reversed (returned)")
        PAYOUT = "payout", _("Paid")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(
        CommissionRule, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("for"), max_length=80)
    base = models.DecimalField(_("sales"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"], name="servicecenter_commission_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source}"


class AssistedAction(models.Model):
    """What an agent did for whom, where and when (a code and its parameters, rendered in the
    reader's language; never a secret)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("regions.Station", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "accounts.ResidentProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("action"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assisted action")
        verbose_name_plural = _("assisted actions")
        indexes = [models.Index(fields=["station", "at"])]

    def __str__(self) -> str:
        return self.code
