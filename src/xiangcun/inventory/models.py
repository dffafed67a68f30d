"""Where goods are, how many, and every change to that, with reservations for open orders.

Quantities are whole units of a variant. Database constraints make negative stock and
over-reservation impossible whatever the code does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Location(TimeStampedModel):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("County warehouse")
        STATION = "station", _("Village station")
        COUNTY_SHOP = "county_shop", _("County shop")
        SERVICE_CENTRE = "service_centre", _("Service centre")
        FARM = "farm", _("Seller's own farm or workshop")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Offline stores (county shop, service centres) sell the catalogue over the counter.
    sells_over_counter = models.BooleanField(_("sells over the counter"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Stock(TimeStampedModel):
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stocks")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    low_stock_threshold = models.IntegerField(_("low-stock alert at"), default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="inventory_stock_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="inventory_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="inventory_reserved_lte_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(low_stock_threshold__gte=0), name="inventory_threshold_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.location_id}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """An append-only record of one change to on-hand stock."""

    class Reason(models.TextChoices):
        RECEIVE = "receive", _("Received")
        ADJUST = "adjust", _("Adjusted (count)")
        SELL = "sell", _("Sold")
        RETURN = "return", _("Returned")
        TRANSFER_OUT = "transfer_out", _("Transferred out")
        TRANSFER_IN = "transfer_in", _("Transferred in")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    quantity = models.IntegerField(_("change"))
    on_hand_after = models.IntegerField(_("on hand after"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="inventory_movement_nonzero"),
            models.CheckConstraint(
                condition=Q(on_hand_after__gte=0), name="inventory_movement_after_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.quantity:+d}"


class StockLot(models.Model):
    """How many of a stock row's units came from one harvest lot. The lot lives in
    traceability, a higher app, so it is named by id with a copy of its harvest date (for
    first-expired first-out). The lots of a row never add up to more than its on-hand count;
    what they leave over is stock whose lot was not recorded."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="lots")
    lot_id = models.PositiveBigIntegerField(_("lot"))
    harvested_on = models.DateField(_("harvested on"))
    on_hand = models.IntegerField(_("on hand"), default=0)

    class Meta:
        verbose_name = _("stock of a lot")
        verbose_name_plural = _("stock of lots")
        ordering = ["harvested_on", "lot_id"]
        constraints = [
            models.UniqueConstraint(fields=["stock", "lot_id"], name="inventory_stock_lot_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_stock_lot_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.stock_id} lot {self.lot_id}: {self.on_hand}"


class StockMovementLot(models.Model):
    """Which lots one movement moved, and how many units of each (negative when they left)."""

    movement = models.ForeignKey(StockMovement, on_delete=models.PROTECT, related_name="lots")
    lot_id = models.PositiveBigIntegerField(_("lot"), db_index=True)
    harvested_on = models.DateField(_("harvested on"))
    quantity = models.IntegerField(_("change"))

    class Meta:
        verbose_name = _("lot of a stock movement")
        verbose_name_plural = _("lots of stock movements")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="inventory_movement_lot_nonzero"),
        ]

    def __str__(self) -> str:
        return f"lot {self.lot_id} {self.quantity:+d}"


class Reservation(TimeStampedModel):
    """Units held for an order until it is paid (consumed) or given up (released/expired)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    reference = models.CharField(_("reference"), max_length=60, db_index=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity}"


class InboundShipment(TimeStampedModel):
    """An advance shipping notice (ASN): a seller from outside the county tells the county
    warehouse what is on its way, by which carrier and tracking number, and when."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="inbound")
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    expected_on = models.DateField(_("expected on"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.EXPECTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound shipment")
        verbose_name_plural = _("inbound shipments")
        ordering = ["expected_on", "id"]

    def __str__(self) -> str:
        return f"ASN-{self.pk}"


class InboundLine(models.Model):
    """One variant on an ASN: how many were announced and, once received, how many came, how
    many of those were damaged, and why they differ."""

    shipment = models.ForeignKey(InboundShipment, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    expected = models.PositiveIntegerField(_("expected"))
    # Null until the warehouse receives the line; a line is received once.
    received = models.PositiveIntegerField(_("received"), null=True, blank=True)
    damaged = models.PositiveIntegerField(_("damaged"), default=0)
    note = models.CharField(_("reason for a difference"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inbound line")
        verbose_name_plural = _("inbound lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "variant"], name="inventory_inbound_line_unique"
            ),
            models.CheckConstraint(condition=Q(expected__gt=0), name="inventory_inbound_gt_0"),
            models.CheckConstraint(
                condition=Q(received__isnull=True) | Q(damaged__lte=F("received")),
                name="inventory_inbound_damaged_lte_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} x{self.expected}"

    @property
    def short(self) -> int:
        return max(self.expected - self.received, 0) if self.received is not None else 0

    @property
    def over(self) -> int:
        return max(self.received - self.expected, 0) if self.received is not None else 0

    @property
    def good(self) -> int:
        return (self.received or 0) - self.damaged
