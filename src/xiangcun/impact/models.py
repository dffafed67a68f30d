"""Daily fact tables: what happened on each day, where, for whom, already counted.

The builder (services/rebuild.py) fills them from the other apps' selectors, one day at a time:
it deletes the day's rows and writes them again in one transaction, so rebuilding a day twice
changes nothing. Pages, exports and the API read only these tables, never raw orders.

Region columns are plain ids (not foreign keys): facts are written in bulk and keep the place as
it was that day even if a village is later renamed or merged. `township_id`/`village_id` are the
county's own places; `county_code` is a GB/T 2260 code for places elsewhere in China.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Way(models.TextChoices):
    """How a resident was reached (docs/impact-metrics.md defines each)."""

    SOLD = "sold", _("Sold")
    BOUGHT = "bought", _("Bought")
    EMPLOYED = "employed", _("Hired")
    TRAINED = "trained", _("Trained")
    BORROWED = "borrowed", _("Borrowed")


class Direction(models.TextChoices):
    """Which way goods went (上行 / 下行), from the county's point of view."""

    UPWARD = "upward", _("Sold out of the county")  # county goods, buyer elsewhere (上行)
    DOWNWARD = "downward", _("Bought in from outside")  # goods from outside, resident buyer (下行)
    LOCAL = "local", _("Sold within the county")  # county goods, resident buyer


class IncomeKind(models.TextChoices):
    PAYOUT = "payout", _("Seller payouts")
    WAGE = "wage", _("Wages")


class ReachDay(models.Model):
    """A resident reached one way on one day, counted where they lived that day."""

    day = models.DateField()
    way = models.CharField(max_length=10, choices=Way.choices)
    resident_id = models.PositiveIntegerField()
    township_id = models.PositiveIntegerField()
    village_id = models.PositiveIntegerField()
    household_id = models.PositiveIntegerField(null=True)
    poor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "way", "resident_id"], name="impact_reachday_unique"
            )
        ]
        indexes = [
            models.Index(fields=["day", "resident_id"], name="impact_reach_day_res"),
            models.Index(fields=["township_id", "day", "resident_id"], name="impact_reach_twp"),
            models.Index(fields=["village_id", "day", "resident_id"], name="impact_reach_vil"),
            models.Index(fields=["household_id", "day"], name="impact_reach_hh"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.way} {self.resident_id}"


class ReachMonth(models.Model):
    """ReachDay folded to months (`month` is the month's first day): the same resident, way and
    place once per month, so a year's distinct count reads a twelfth of the rows. Written by the
    builder together with the days it comes from."""

    month = models.DateField()
    way = models.CharField(max_length=10, choices=Way.choices)
    resident_id = models.PositiveIntegerField()
    township_id = models.PositiveIntegerField()
    village_id = models.PositiveIntegerField()
    household_id = models.PositiveIntegerField(null=True)
    poor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "way", "resident_id", "village_id"],
                name="impact_reachmonth_unique",
            )
        ]
        indexes = [
            models.Index(fields=["month", "resident_id"], name="impact_rm_month_res"),
            models.Index(fields=["township_id", "month", "resident_id"], name="impact_rm_twp"),
            models.Index(fields=["village_id", "month", "resident_id"], name="impact_rm_vil"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.way} {self.resident_id}"


class SalesDay(models.Model):
    """Paid orders' goods on one day, summed by direction, the local party's place, product
    category and certification. For upward sales the place is the seller's; for downward and
    local, the buyer's. Refunds are subtracted on the day the order was paid (a fully refunded
    order is not counted at all)."""

    day = models.DateField()
    direction = models.CharField(max_length=10, choices=Direction.choices)
    township_id = models.PositiveIntegerField(null=True)
    village_id = models.PositiveIntegerField(null=True)
    # The buyer's county (GB/T 2260) for upward sales; blank otherwise.
    county_code = models.CharField(max_length=6, blank=True)
    # The top-level catalogue category (the dashboard's "product type").
    category_id = models.PositiveIntegerField(null=True)
    certified = models.BooleanField(default=False)  # a certified poverty-alleviation (扶贫) product
    orders = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "direction"], name="impact_sales_day"),
            models.Index(fields=["township_id", "day"], name="impact_sales_twp"),
            models.Index(fields=["village_id", "day"], name="impact_sales_vil"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.direction} {self.amount}"


class BuyerDay(models.Model):
    """A buyer who paid for an order on one day, by direction: the distinct-buyer counts. The
    buyer is a user id (buyers outside the county have no resident profile)."""

    day = models.DateField()
    direction = models.CharField(max_length=10, choices=Direction.choices)
    buyer_id = models.PositiveIntegerField()
    township_id = models.PositiveIntegerField(null=True)
    village_id = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "direction", "buyer_id", "village_id"],
                name="impact_buyerday_unique",
            )
        ]
        indexes = [models.Index(fields=["township_id", "day"], name="impact_buyer_twp")]

    def __str__(self) -> str:
        return f"{self.day} {self.direction} {self.buyer_id}"


class IncomeDay(models.Model):
    """Money paid on one day to a local seller (payouts) or earned by a resident (wages,
    prorated from the monthly wage), with the resident and household when known."""

    day = models.DateField()
    kind = models.CharField(max_length=8, choices=IncomeKind.choices)
    seller_id = models.PositiveIntegerField(null=True)
    resident_id = models.PositiveIntegerField(null=True)
    household_id = models.PositiveIntegerField(null=True)
    poor = models.BooleanField(default=False)
    township_id = models.PositiveIntegerField(null=True)
    village_id = models.PositiveIntegerField(null=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["day", "kind"], name="impact_income_day"),
            models.Index(fields=["township_id", "day"], name="impact_income_twp"),
            models.Index(fields=["household_id", "day"], name="impact_income_hh"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.amount}"


class JobsDay(models.Model):
    """Hires that started on one day, by role and township. Employment has no end date yet, so
    the people employed on a day are the hires up to it."""

    day = models.DateField()
    role = models.CharField(max_length=12)
    township_id = models.PositiveIntegerField()
    hires = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)  # of them, residents of the county

    class Meta:
        indexes = [models.Index(fields=["day", "township_id"], name="impact_jobs_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.role} {self.hires}"


class LoansDay(models.Model):
    """Loans on one day by township: disbursed that day, and outstanding and at risk (an
    instalment more than 30 days overdue, PAR30) at the day's end."""

    day = models.DateField()
    township_id = models.PositiveIntegerField(null=True)
    disbursed_count = models.PositiveIntegerField(default=0)
    disbursed_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    outstanding_count = models.PositiveIntegerField(default=0)
    outstanding_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    at_risk_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "township_id"], name="impact_loans_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.township_id}"


class TrainingDay(models.Model):
    """Training completions (certificates issued, not revoked) on one day, by place and course
    area."""

    day = models.DateField()
    township_id = models.PositiveIntegerField(null=True)
    village_id = models.PositiveIntegerField(null=True)
    area = models.CharField(max_length=16)
    completions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "township_id"], name="impact_training_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.area} {self.completions}"


class BuiltDay(models.Model):
    """A day whose facts are built: when, how long it took and how many rows it wrote. The
    newest `built_at` is the figures' "as of"."""

    day = models.DateField(unique=True)
    built_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.day)


class Report(models.Model):
    """A monthly PDF report, made by the periodic task or on demand."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    month = models.DateField(_("month"))  # the month's first day
    township_id = models.PositiveIntegerField(null=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0 to 100
    file = models.FileField(upload_to="impact/reports/", blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
