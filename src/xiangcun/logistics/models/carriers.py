"""Parcels that leave the county with a national carrier: the waybill (the carrier's tracking
number, made through the carrier's API or typed by staff), the scheduled pickups and the signed
hand-over lists, and the exceptions a carrier reports that staff must deal with.

A carrier's tracking steps are `ParcelEvent` rows (in `models`) with a `TrackingCode`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel

MINUTES_PER_DAY = 24 * 60


class TrackingCode(models.TextChoices):
    """A carrier's step, normalized whatever the carrier calls it."""

    WAYBILL_CREATED = "waybill_created", _("Waybill made")
    HANDED_OVER = "handed_over", _("Handed to the carrier")
    COLLECTED = "collected", _("Collected by the carrier")
    IN_TRANSIT = "in_transit", _("On the way")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Problem with the parcel")
    WAYBILL_CANCELLED = "waybill_cancelled", _("Waybill cancelled")


class ExceptionKind(models.TextChoices):
    ADDRESS_PROBLEM = "address_problem", _("Address problem")
    DAMAGED = "damaged", _("Damaged")
    RETURNED = "returned", _("Being returned")
    REFUSED = "refused", _("Refused by the recipient")
    OTHER = "other", _("Other problem")


class CarrierPickupSlot(models.Model):
    """When a carrier's courier comes to the county warehouse for the day's parcels."""

    carrier = models.CharField(_("carrier"), max_length=16, unique=True)
    window_start_min = models.PositiveIntegerField(_("from (minutes after midnight)"))
    window_end_min = models.PositiveIntegerField(_("until (minutes after midnight)"))

    class Meta:
        verbose_name = _("carrier pickup time")
        verbose_name_plural = _("carrier pickup times")
        ordering = ["window_start_min", "carrier"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start_min__lt=F("window_end_min"))
                & Q(window_end_min__lte=MINUTES_PER_DAY),
                name="logistics_carrier_slot_window_valid",
            )
        ]

    def __str__(self) -> str:
        return self.carrier


class CarrierHandover(models.Model):
    """One hand-over list: the parcels a carrier's courier took from the warehouse, signed."""

    carrier = models.CharField(_("carrier"), max_length=16)
    day = models.DateField(_("day"), db_index=True)
    courier_name = models.CharField(_("courier"), max_length=64, blank=True)
    signature = models.FileField(_("signature"), upload_to="logistics/handover/%Y/%m/", blank=True)
    parcel_count = models.PositiveIntegerField(_("parcels"))
    total_weight_g = models.PositiveIntegerField(_("total weight (g)"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("handed over at"))

    class Meta:
        verbose_name = _("carrier hand-over")
        verbose_name_plural = _("carrier hand-overs")
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.day} #{self.pk}"


class Waybill(TimeStampedModel):
    """The carrier's waybill for one parcel. Reserved (pending) when the parcel is packed, made
    at the carrier after the commit (`via` kuaidi100) or typed by staff (`via` manual); a parcel
    has at most one live (pending or created) waybill."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the carrier")
        CREATED = "created", _("Made")
        FAILED = "failed", _("Could not be made")
        CANCELLED = "cancelled", _("Cancelled")

    class Via(models.TextChoices):
        KUAIDI100 = "kuaidi100", _("Kuaidi100")
        MANUAL = "manual", _("Typed by staff")

    parcel = models.ForeignKey(
        "logistics.Parcel", on_delete=models.PROTECT, related_name="waybills"
    )
    carrier = models.CharField(_("carrier"), max_length=16)
    service = models.CharField(_("service"), max_length=32, blank=True)
    via = models.CharField(_("made through"), max_length=10, choices=Via.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=40, blank=True)
    carrier_task_id = models.CharField(max_length=64, blank=True)
    # What the carrier gave for the label (sorting codes); never a secret.
    label_data = models.JSONField(default=dict, blank=True)
    cost = models.DecimalField(_("carrier charge"), max_digits=14, decimal_places=2, default=0)
    subscribed = models.BooleanField(_("pushes subscribed"), default=False)
    last_tracked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handover = models.ForeignKey(
        CarrierHandover,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waybills",
    )

    class Meta:
        verbose_name = _("waybill")
        verbose_name_plural = _("waybills")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(status__in=["pending", "created"]),
                name="logistics_one_live_waybill",
            ),
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~Q(tracking_number=""),
                name="logistics_waybill_tracking_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="created") | ~Q(tracking_number=""),
                name="logistics_waybill_created_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number or self.pk}"


class CarrierException(models.Model):
    """A problem a carrier reported (address, damage, return, refusal): a task for staff."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    parcel = models.ForeignKey(
        "logistics.Parcel", on_delete=models.PROTECT, related_name="carrier_exceptions"
    )
    waybill = models.ForeignKey(
        Waybill, on_delete=models.PROTECT, null=True, blank=True, related_name="exceptions"
    )
    # The timeline step that opened it: one task per reported step.
    event = models.OneToOneField(
        "logistics.ParcelEvent", on_delete=models.PROTECT, related_name="carrier_exception"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    carrier_text = models.CharField(_("carrier's words"), max_length=300, blank=True)
    resolution = models.CharField(_("what was done"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("carrier exception")
        verbose_name_plural = _("carrier exceptions")
        ordering = ["status", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.kind}"
