"""The county's distribution system: vans and staff with their shifts, farm pickups and intake
grading, packing, parcels with their pickup codes and timelines, and the stored route plans
drivers follow. Waybills, carrier hand-overs and tracking are in `models.carriers`.

Times of day (shifts, time windows, planned arrivals) are whole minutes after local midnight
(Asia/Shanghai), the unit the route planner works in; a plan is for one calendar day.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel

MINUTES_PER_DAY = 24 * 60


class Vehicle(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In service")
        BROKEN_DOWN = "broken_down", _("Broken down")
        RETIRED = "retired", _("Retired")

    plate = models.CharField(_("number plate"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=40, blank=True)
    capacity_kg = models.PositiveIntegerField(_("capacity (kg)"))
    capacity_crates = models.PositiveIntegerField(_("capacity (crates)"))
    cold_chain = models.BooleanField(_("cold chain"), default=False)
    cost_per_km = models.DecimalField(_("cost per km (CNY)"), max_digits=8, decimal_places=2)
    home_station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("home depot")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_kg__gt=0) & Q(capacity_crates__gt=0) & Q(cost_per_km__gte=0),
                name="logistics_vehicle_capacity_positive",
            )
        ]

    def __str__(self) -> str:
        return self.plate


class StaffMember(TimeStampedModel):
    """A user who works in logistics (driver, courier, packer, warehouse) or hands parcels
    over at a station (agent), with the site they work from."""

    class Job(models.TextChoices):
        DRIVER = "driver", _("Driver")
        COURIER = "courier", _("Delivery courier")
        PACKER = "packer", _("Packaging worker")
        WAREHOUSE = "warehouse", _("Warehouse manager")
        AGENT = "agent", _("Station agent")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logistics_staff"
    )
    job = models.CharField(_("job"), max_length=10, choices=Job.choices)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("works at")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.user} ({self.job})"


class Shift(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="shifts")
    day = models.DateField(_("day"))
    start_min = models.PositiveIntegerField(_("starts (minutes after midnight)"))
    end_min = models.PositiveIntegerField(_("ends (minutes after midnight)"))
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts"
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["day", "start_min"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "day"], name="logistics_shift_one_per_day"),
            models.CheckConstraint(
                condition=Q(start_min__lt=F("end_min")) & Q(end_min__lte=MINUTES_PER_DAY),
                name="logistics_shift_times_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day}"


class FarmPickup(TimeStampedModel):
    """A seller (or an agent for a farmer) asks for goods to be collected from the farm."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PLANNED = "planned", _("Planned into a route")
        COLLECTED = "collected", _("Collected")
        RECEIVED = "received", _("Received at the warehouse")
        CANCELLED = "cancelled", _("Cancelled")

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "traceability.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("where to collect"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    contact_phone = models.CharField(_("contact phone"), max_length=11)
    day = models.DateField(_("day"))
    window_start_min = models.PositiveIntegerField(_("from (minutes after midnight)"))
    window_end_min = models.PositiveIntegerField(_("until (minutes after midnight)"))
    expected_kg = models.PositiveIntegerField(_("expected weight (kg)"))
    crates = models.PositiveIntegerField(_("crates"))
    needs_cold_chain = models.BooleanField(_("needs cold chain"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("farm pickup")
        verbose_name_plural = _("farm pickups")
        ordering = ["day", "window_start_min", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start_min__lt=F("window_end_min"))
                & Q(window_end_min__lte=MINUTES_PER_DAY)
                & Q(expected_kg__gt=0),
                name="logistics_pickup_window_valid",
            )
        ]

    def __str__(self) -> str:
        return f"pickup {self.pk} {self.day}"


class Intake(TimeStampedModel):
    """Goods received and graded at the county warehouse."""

    class Grade(models.TextChoices):
        PREMIUM = "premium", _("Premium grade")
        FIRST = "first", _("First grade")
        SECOND = "second", _("Second grade")

    class RejectReason(models.TextChoices):
        NONE = "", _("Nothing rejected")
        DAMAGED = "damaged", _("Damaged or bruised")
        ROTTEN = "rotten", _("Rotten or mouldy")
        UNDERSIZED = "undersized", _("Below size")
        PEST = "pest", _("Pest damage")
        FAILED_TEST = "failed_test", _("Failed the residue test")
        OTHER = "other", _("Other")

    pickup = models.ForeignKey(
        FarmPickup, on_delete=models.PROTECT, null=True, blank=True, related_name="intakes"
    )
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "traceability.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    weight_kg = models.DecimalField(_("weight received (kg)"), max_digits=9, decimal_places=2)
    accepted_units = models.PositiveIntegerField(_("units accepted"))
    rejected_units = models.PositiveIntegerField(_("units rejected"), default=0)
    reject_reason = models.CharField(
        _("reject reason"), max_length=12, choices=RejectReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__gt=0), name="logistics_intake_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(rejected_units=0) | ~Q(reject_reason=""),
                name="logistics_intake_reject_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"intake {self.pk}"


class PackingTask(TimeStampedModel):
    """Packing one paid order at the warehouse: one task per order."""

    class Status(models.TextChoices):
        OPEN = "open", _("To pack")
        PACKED = "packed", _("Packed")

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("packing task")
        verbose_name_plural = _("packing tasks")
        ordering = ["status", "id"]

    def __str__(self) -> str:
        return f"packing {self.order_id}"


class PackedLine(models.Model):
    """What went into the box for one order line, and from which lot when there is one."""

    task = models.ForeignKey(PackingTask, on_delete=models.CASCADE, related_name="packed_lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "traceability.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("packed line")
        verbose_name_plural = _("packed lines")
        constraints = [
            models.UniqueConstraint(fields=["task", "order_line"], name="logistics_packed_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} x {self.quantity}"


class Parcel(TimeStampedModel):
    class Status(models.TextChoices):
        PACKED = "packed", _("Packed at the warehouse")
        IN_TRANSIT = "in_transit", _("On the way")
        AT_STATION = "at_station", _("Waiting at the station")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        COLLECTED = "collected", _("Collected")
        DELIVERED = "delivered", _("Delivered")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        WITH_CARRIER = "with_carrier", _("Handed to the carrier")
        RETURNING = "returning", _("Coming back to the warehouse")
        RETURNED = "returned", _("Back at the warehouse")

    class Destination(models.TextChoices):
        STATION = "station", _("Village station")
        HOME = "home", _("Home")
        CARRIER = "carrier", _("National carrier (outside the county)")

    number = models.CharField(_("parcel number"), max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    task = models.OneToOneField(PackingTask, on_delete=models.PROTECT, related_name="parcel")
    destination = models.CharField(_("destination"), max_length=8, choices=Destination.choices)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address_text = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    crates = models.PositiveIntegerField(_("crates"), default=1)
    needs_cold_chain = models.BooleanField(_("needs cold chain"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PACKED
    )
    # The pickup code is never stored: it is an HMAC of the parcel and this salt under the
    # site's secret key, so the buyer's page can show it and the station can check it, while a
    # copy of the database alone reveals no code. The hash finds the parcel by its code.
    code_salt = models.CharField(max_length=16, blank=True)
    code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    failed_attempts = models.PositiveIntegerField(_("failed deliveries"), default=0)
    route_stop = models.ForeignKey(
        "RouteStop", on_delete=models.SET_NULL, null=True, blank=True, related_name="parcels"
    )

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["-id"]
        indexes = [models.Index(fields=["station", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(destination="station") | Q(station__isnull=False),
                name="logistics_parcel_station_destination",
            ),
            models.CheckConstraint(
                condition=Q(weight_g__gt=0), name="logistics_parcel_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ParcelEvent(models.Model):
    """One step of a parcel's timeline."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=Parcel.Status.choices)
    place = models.CharField(_("where"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # A carrier's step (see models.carriers.TrackingCode): rendered in the reader's language
    # from the code; `carrier_text` is the carrier's own words, shown as data. `occurred_at`
    # is when the carrier says it happened; `dedup_key` makes the same step recorded twice
    # (a push and a poll, or a push sent again) one row.
    code = models.CharField(_("tracking step"), max_length=24, blank=True)
    params = models.JSONField(default=dict, blank=True)
    carrier_text = models.CharField(_("carrier's words"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("happened at"), null=True, blank=True)
    dedup_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("parcel event")
        verbose_name_plural = _("parcel events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.status}"


class PickupGuard(models.Model):
    """Wrong pickup codes typed at a station, and the lock they lead to."""

    station = models.OneToOneField("regions.Station", on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("pickup-code guard")
        verbose_name_plural = _("pickup-code guards")

    def __str__(self) -> str:
        return str(self.station_id)


class DeliveryProof(models.Model):
    """Proof of a home delivery: who took the parcel, and a photo if the courier took one."""

    parcel = models.OneToOneField(Parcel, on_delete=models.PROTECT, related_name="proof")
    recipient_name = models.CharField(_("received by"), max_length=64)
    photo = models.ImageField(_("photo"), upload_to="logistics/proof/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered at"))

    class Meta:
        verbose_name = _("proof of delivery")
        verbose_name_plural = _("proofs of delivery")

    def __str__(self) -> str:
        return f"proof {self.parcel_id}"


class RoutePlan(TimeStampedModel):
    """The plan for one day: every van's route. Re-planning stores a new plan and marks the
    old one superseded, so what drivers were told stays on record."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUPERSEDED = "superseded", _("Superseded")

    day = models.DateField(_("day"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    reason = models.CharField(_("why planned"), max_length=200, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, default=0)
    # Stop keys the planner could not fit, e.g. ["station:12", "pickup:4"].
    unassigned = models.JSONField(default=list)
    # The travel matrix the plan was made with: {"points": [[lat, lng], ...] (depot first),
    # "keys": ["depot", "station:12", ...], "distance_m": [[...]], "duration_min": [[...]]}.
    matrix = models.JSONField(default=dict)
    violations = models.JSONField(default=list)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("route plan")
        verbose_name_plural = _("route plans")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(status="active"),
                name="logistics_one_active_plan_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"plan {self.day} #{self.pk}"

    def reason_text(self) -> str:
        """Why the plan was made, in the reader's language when the platform gave the reason
        (stored as a code of PLATFORM_REASONS); a caller's own words as they were given."""
        return str(PLATFORM_REASONS.get(self.reason, self.reason))


# Reasons the platform gives for a plan, stored as these codes in RoutePlan.reason.
PLATFORM_REASONS = {
    "demo_day": _("Demo day"),
    "dispatch_page": _("Planned from the dispatch page"),
    "van_broke_down": _("Van broke down"),
    "replanned": _("Re-planned"),
}


class Route(models.Model):
    """One van's trip in a plan: from the depot, through its stops, back to the depot."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("On the road")
        FINISHED = "finished", _("Finished")

    plan = models.ForeignKey(RoutePlan, on_delete=models.CASCADE, related_name="routes")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="routes")
    driver = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="routes"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    shift_start_min = models.PositiveIntegerField()
    shift_end_min = models.PositiveIntegerField()
    start_min = models.FloatField(_("leaves the depot"))
    end_min = models.FloatField(_("back at the depot"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"route {self.pk} {self.vehicle_id}"


class RouteStop(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", _("Village station")
        HOME = "home", _("Home delivery")
        FARM = "farm", _("Farm pickup")

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        ARRIVED = "arrived", _("Arrived")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not complete")

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveIntegerField()
    key = models.CharField(max_length=30)  # "station:12", "home:<parcel id>", "pickup:<id>"
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("stop"), max_length=80)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pickup = models.ForeignKey(
        FarmPickup, on_delete=models.PROTECT, null=True, blank=True, related_name="stops"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    window_start_min = models.PositiveIntegerField()
    window_end_min = models.PositiveIntegerField()
    service_min = models.PositiveIntegerField()
    delivery_kg = models.PositiveIntegerField(default=0)
    pickup_kg = models.PositiveIntegerField(default=0)
    delivery_crates = models.PositiveIntegerField(default=0)
    pickup_crates = models.PositiveIntegerField(default=0)
    arrive_min = models.FloatField()
    depart_min = models.FloatField()
    load_after_kg = models.FloatField(default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    failure_reason = models.CharField(_("why not"), max_length=200, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        ordering = ["route", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["route", "sequence"], name="logistics_stop_sequence"),
            models.CheckConstraint(
                condition=Q(window_start_min__lte=F("window_end_min"))
                & Q(arrive_min__lte=F("depart_min")),
                name="logistics_stop_times_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.sequence} {self.key}"


# Waybills, carrier hand-overs and carrier exceptions live in their own module (this one would
# outgrow 600 lines); imported here so Django finds them with the app's models.
from xiangcun.logistics.models.carriers import (  # noqa: E402
    CarrierException,
    CarrierHandover,
    CarrierPickupSlot,
    TrackingCode,
    Waybill,
)

__all__ = [
    "CarrierException",
    "CarrierHandover",
    "CarrierPickupSlot",
    "DeliveryProof",
    "FarmPickup",
    "Intake",
    "PackedLine",
    "PackingTask",
    "Parcel",
    "ParcelEvent",
    "PickupGuard",
    "Route",
    "RoutePlan",
    "RouteStop",
    "Shift",
    "StaffMember",
    "TrackingCode",
    "Vehicle",
    "Waybill",
]
