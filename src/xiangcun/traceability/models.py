"""Lots (the unit of traceability), their inspections and certificates, and the EPCIS events
that make up a lot's journey."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiangcun.core.db import TimeStampedModel


class Lot(TimeStampedModel):
    """One harvest or production batch of one product (批次)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RECALLED = "recalled", _("Recalled")
        DESTROYED = "destroyed", _("Destroyed")

    # The batch/lot number in the GS1 Digital Link (AI 10): up to 20 characters.
    code = models.CharField(_("lot code"), max_length=20, unique=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # GTIN-14 of what the lot is packed as; with the lot code it makes the Digital Link.
    gtin = models.CharField(_("GTIN"), max_length=14)
    harvested_on = models.DateField(_("harvest or production date"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    recall_reason = models.CharField(_("recall reason"), max_length=200, blank=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    # The farmer's name and village are shown on the public trace page only with consent.
    farmer_consents_to_publish = models.BooleanField(_("farmer agrees to be named"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["-id"]
        indexes = [models.Index(fields=["gtin", "code"])]
        permissions = [("recall_lot", _("Can recall a lot and notify its buyers"))]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="traceability_lot_qty"),
            models.CheckConstraint(
                condition=Q(status="recalled") | Q(recalled_at__isnull=True),
                name="traceability_recalled_at_only_when_recalled",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Inspection(TimeStampedModel):
    """A test of a lot, e.g. a pesticide-residue rapid test at intake."""

    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Failed")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(_("test"), max_length=80)
    method = models.CharField(_("method"), max_length=120)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    measured = models.CharField(_("measured value"), max_length=80, blank=True)
    inspector = models.CharField(_("inspector"), max_length=64)
    inspected_at = models.DateTimeField(_("inspected at"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["inspected_at", "id"]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.kind} {self.result}"

    def kind_text(self) -> str:
        """The test's name in the reader's language when it is one of the platform's tests
        (stored as a code of INSPECTION_KINDS); any other test as it was written."""
        return str(INSPECTION_KINDS.get(self.kind, self.kind))


# The tests the platform itself records, stored as these codes in Inspection.kind.
INSPECTION_KINDS = {
    "pesticide_residue_rapid": _("Rapid pesticide-residue test"),
    "grading": _("Grading at intake"),
}


class LotCertificate(TimeStampedModel):
    """A certificate that travels with the lot, e.g. 承诺达标合格证 (the compliance certificate)."""

    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("Compliance certificate (承诺达标合格证)")
        ORGANIC = "organic", _("Organic")
        GREEN_FOOD = "green_food", _("Green food")
        OTHER = "other", _("Other")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    # The shop's certificate staff checked (catalog), when this one is such a certificate: it
    # then counts for the badge while the lot is on sale (`catalog.certified`).
    certification = models.ForeignKey(
        "catalog.Certification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked certificate"),
    )

    class Meta:
        verbose_name = _("lot certificate")
        verbose_name_plural = _("lot certificates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class EventCapture(TimeStampedModel):
    """One accepted capture: a whole EPCIS document (or single event), or a platform event."""

    class Source(models.TextChoices):
        API = "api", _("EPCIS capture interface")
        PLATFORM = "platform", _("Recorded by the platform")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    document_id = models.CharField(_("document id"), max_length=300, blank=True)
    event_count = models.PositiveIntegerField(_("events"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("EPCIS capture")
        verbose_name_plural = _("EPCIS captures")

    def __str__(self) -> str:
        return f"{self.source} {self.pk} ({self.event_count})"


class Event(models.Model):
    """An EPCIS 2.0 event as captured, with its CBV 2.0 hash ID and its place in the lot's
    hash chain. The indexed columns are copies of what `data` says, for queries."""

    capture = models.ForeignKey(EventCapture, on_delete=models.PROTECT, related_name="events")
    # The event's own eventID, or its hash ID when it came without one.
    event_id = models.CharField(_("event ID"), max_length=300, unique=True)
    event_type = models.CharField(_("event type"), max_length=32)
    event_time = models.DateTimeField(_("event time"))
    event_time_zone_offset = models.CharField(_("time zone offset"), max_length=6)
    record_time = models.DateTimeField(_("record time"))
    action = models.CharField(_("action"), max_length=8, blank=True)
    # CBV values in their web URI form (https://ref.gs1.org/cbv/BizStep-shipping).
    biz_step = models.CharField(_("business step"), max_length=300, blank=True)
    disposition = models.CharField(_("disposition"), max_length=300, blank=True)
    read_point = models.CharField(_("read point"), max_length=300, blank=True)
    biz_location = models.CharField(_("business location"), max_length=300, blank=True)
    data = models.JSONField(_("event as captured"))
    context = models.JSONField(_("JSON-LD context"))
    event_hash = models.CharField(_("event hash"), max_length=100)
    # The hash of the lot's event before this one ("" for the first): the chain.
    previous_hash = models.CharField(_("previous hash"), max_length=100, blank=True)
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    # Every lot of ours the event names (`lot` is the one whose chain it joins): whose events
    # a seller may read.
    lots = models.ManyToManyField(Lot, blank=True, related_name="+", verbose_name=_("lots"))
    # Set by packing events: which order line the lot went into (orders is a higher layer).
    order_line_id = models.PositiveBigIntegerField(_("order line"), null=True, blank=True)

    class Meta:
        verbose_name = _("EPCIS event")
        verbose_name_plural = _("EPCIS events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["event_time"]),
            models.Index(fields=["biz_step"]),
            models.Index(fields=["lot", "id"]),
            models.Index(fields=["order_line_id"]),
        ]
        constraints = [
            # One linear chain per lot: no two events follow the same predecessor.
            models.UniqueConstraint(
                fields=["lot", "previous_hash"],
                condition=Q(lot__isnull=False),
                name="traceability_event_one_chain_per_lot",
            ),
        ]

    def __str__(self) -> str:
        return self.event_id


class EventEpc(models.Model):
    """Every identifier an event names, with its role, for the MATCH_* queries."""

    class Role(models.TextChoices):
        EPC = "epc", _("EPC")
        PARENT = "parent", _("parent")
        CHILD = "child", _("child")
        INPUT = "input", _("input")
        OUTPUT = "output", _("output")
        QUANTITY = "quantity", _("quantity class")
        CHILD_QUANTITY = "child_qty", _("child quantity class")
        INPUT_QUANTITY = "input_qty", _("input quantity class")
        OUTPUT_QUANTITY = "output_qty", _("output quantity class")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="epcs")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    value = models.CharField(_("identifier"), max_length=300)

    class Meta:
        verbose_name = _("EPC of an event")
        verbose_name_plural = _("EPCs of events")
        indexes = [models.Index(fields=["value", "role"])]

    def __str__(self) -> str:
        return f"{self.role} {self.value}"


class LotPack(TimeStampedModel):
    """Packs made from a lot at one packing: how many of one pack size (variant), and how
    much of the harvest they took in the lot's own unit (null when the pack size cannot be
    converted to it, e.g. jars from a lot counted in 斤 without a net weight)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="packs")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(pgettext_lazy("how many packs", "packs"))
    lot_quantity = models.DecimalField(
        _("quantity of the lot"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # The TransformationEvent of the packing (one per packing, shared by its pack sizes).
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    location_id = models.PositiveBigIntegerField(_("stock location"))
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("packs of a lot")
        verbose_name_plural = _("packs of lots")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="traceability_lot_pack_gt_0"),
            models.CheckConstraint(
                condition=Q(lot_quantity__isnull=True) | Q(lot_quantity__gt=0),
                name="traceability_lot_pack_quantity_gt_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.variant_id} x{self.count}"
