"""Lots (the unit of traceability), their inspections and certificates, and the EPCIS events
that make up a lot's journey."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        verbose_name = _("lot certificate")
        verbose_name_plural = _("lot certificates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
