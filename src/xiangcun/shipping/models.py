"""Carriers, their services, the zones each service reaches by province, the rate table per
zone (首重/续重), remote-area surcharges and free-shipping rules.

Staff edit these in the admin and on /console/shipping/; the quote (`selectors.rate_quote`)
reads them. Province codes are GB/T 2260 (two digits and "0000", e.g. 520000 贵州省).
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel
from xiangcun.shipping.types import CarrierKind, FreeShippingKind

# A GB/T 2260 code: a province (520000) or a county (522636).
AREA_CODE = RegexValidator(r"^[1-9][0-9]{5}$", _("Enter a six-digit division code."))
# A rate's weights: a step of at least 100 g; at most 50 kg for the first weight.
WEIGHT_MAX_G = 50_000
DAYS_MAX = 60


class Carrier(TimeStampedModel):
    # Orders store the code (orders.Order.shipping_carrier, 16 characters).
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CarrierKind.choices)
    # The carrier's code at the aggregator (Kuaidi100's `kuaidicom`, e.g. "shunfeng").
    aggregator_code = models.CharField(_("code at the aggregator"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class CarrierService(TimeStampedModel):
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="services")
    # Orders store the code (orders.Order.shipping_service, 32 characters).
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    cold_chain = models.BooleanField(_("cold chain"), default=False)
    frozen_ok = models.BooleanField(_("keeps goods frozen"), default=False)
    # Volumetric weight (kg) = length x width x height (cm³) / divisor.
    volumetric_divisor = models.PositiveIntegerField(
        _("volumetric divisor (cm³/kg)"),
        default=8000,
        validators=[MinValueValidator(1000), MaxValueValidator(30000)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery service")
        verbose_name_plural = _("delivery services")
        ordering = ["carrier__position", "carrier__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "code"], name="shipping_service_code"),
            models.CheckConstraint(
                condition=Q(frozen_ok=False) | Q(cold_chain=True),
                name="shipping_service_frozen_is_cold_chain",
            ),
            models.CheckConstraint(
                condition=Q(volumetric_divisor__gte=1000, volumetric_divisor__lte=30000),
                name="shipping_service_divisor_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier.name} {self.name}" if self.carrier_id else self.name


class Zone(TimeStampedModel):
    """The provinces a service reaches with the same days and the same rate."""

    service = models.ForeignKey(CarrierService, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    # Province codes (["520000"]); a province sits in one zone of a service (admin checks).
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    days_min = models.PositiveSmallIntegerField(
        _("days (from)"), validators=[MaxValueValidator(DAYS_MAX)]
    )
    days_max = models.PositiveSmallIntegerField(
        _("days (to)"), validators=[MaxValueValidator(DAYS_MAX)]
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["service_id", "days_max", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_min__lte=F("days_max"), days_max__lte=DAYS_MAX),
                name="shipping_zone_days_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rate(TimeStampedModel):
    """首重/续重 for one zone of a service: what the buyer pays and what the carrier charges us.

    Fee = first_fee for the first `first_weight_g`, then step_fee for each started `step_g`.
    """

    zone = models.OneToOneField(Zone, on_delete=models.CASCADE, related_name="rate")
    first_weight_g = models.PositiveIntegerField(
        _("first weight (g)"),
        default=1000,
        validators=[MinValueValidator(100), MaxValueValidator(WEIGHT_MAX_G)],
    )
    first_fee = models.DecimalField(_("first weight fee (¥)"), max_digits=14, decimal_places=2)
    step_g = models.PositiveIntegerField(
        _("additional weight step (g)"),
        default=1000,
        validators=[MinValueValidator(100), MaxValueValidator(WEIGHT_MAX_G)],
    )
    step_fee = models.DecimalField(
        _("fee per additional step (¥)"), max_digits=14, decimal_places=2
    )
    cost_first_fee = models.DecimalField(
        _("carrier charge, first weight (¥)"), max_digits=14, decimal_places=2
    )
    cost_step_fee = models.DecimalField(
        _("carrier charge per additional step (¥)"), max_digits=14, decimal_places=2
    )

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["zone__service_id", "zone__days_max", "zone_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_weight_g__gte=100, first_weight_g__lte=WEIGHT_MAX_G)
                & Q(step_g__gte=100, step_g__lte=WEIGHT_MAX_G),
                name="shipping_rate_weights_range",
            ),
            models.CheckConstraint(
                condition=Q(first_fee__gte=0, step_fee__gte=0)
                & Q(cost_first_fee__gte=0, cost_step_fee__gte=0),
                name="shipping_rate_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.zone) if self.zone_id else "-"


class RemoteSurcharge(TimeStampedModel):
    """An extra fee for a remote province or county, on one service or on all (service empty)."""

    service = models.ForeignKey(
        CarrierService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surcharges",
    )
    area_code = models.CharField(_("province or county code"), max_length=6, validators=[AREA_CODE])
    fee = models.DecimalField(_("surcharge (¥)"), max_digits=14, decimal_places=2)
    cost = models.DecimalField(_("carrier charge (¥)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("remote-area surcharge")
        verbose_name_plural = _("remote-area surcharges")
        ordering = ["area_code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0, cost__gte=0), name="shipping_surcharge_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.area_code


class FreeShipping(TimeStampedModel):
    """Free shipping: a shop's goods over a threshold, or a promotion's window and threshold.

    A shop's rule frees the parcel when every shop in the order has one and meets it (one
    parcel carries every shop's goods); a promotion frees it when the order's goods reach its
    threshold on a day inside its window, to its provinces (none listed: everywhere).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=FreeShippingKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    threshold = models.DecimalField(_("goods of at least (¥)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("valid from"), null=True, blank=True)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("free-shipping rule")
        verbose_name_plural = _("free-shipping rules")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0), name="shipping_free_threshold_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind=FreeShippingKind.SELLER, seller__isnull=False)
                | Q(
                    kind=FreeShippingKind.PROMOTION,
                    starts_on__isnull=False,
                    ends_on__isnull=False,
                    starts_on__lte=F("ends_on"),
                ),
                name="shipping_free_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.threshold}"
