"""Administrative divisions, programme sites and postal addresses.

Coordinates are WGS-84 decimal degrees. Demo coordinates are approximate (see the demo data).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Division(models.Model):
    """A province, prefecture or county of mainland China by its GB/T 2260 code.

    Reference data loaded from `regions/data/divisions.csv` (see the README beside it), not
    edited by hand. The programme's own county also has a `County` row (its townships,
    villages and stations hang from that one).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")
        COUNTY = "county", _("county")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=32)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-9][0-9]{5}$"),
                name="regions_division_code_six_digits",
            ),
            # Provinces are the roots; every prefecture and county has a parent.
            models.CheckConstraint(
                condition=(models.Q(level="province") & models.Q(parent__isnull=True))
                | (~models.Q(level="province") & models.Q(parent__isnull=False)),
                name="regions_division_only_provinces_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class County(TimeStampedModel):
    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("prefecture"), max_length=64)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    coordinates_approximate = models.BooleanField(
        _("approximate coordinates"),
        default=False,
        help_text=_("The position is an estimate, not a survey."),
    )

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Township(TimeStampedModel):
    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("subdistrict")
        TOWN = "town", _("town")
        TOWNSHIP = "township", _("township")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships")
    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    coordinates_approximate = models.BooleanField(
        _("approximate coordinates"),
        default=False,
        help_text=_("The position is an estimate, not a survey."),
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(TimeStampedModel):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages")
    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    coordinates_approximate = models.BooleanField(
        _("approximate coordinates"),
        default=False,
        help_text=_("The position is an estimate, not a survey."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo; not a real village record."),
    )

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Station(TimeStampedModel):
    """A programme site: the county warehouse, the county service centre or a village station."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("county warehouse")
        SERVICE_CENTRE = "service_centre", _("county service centre")
        VILLAGE_STATION = "village_station", _("village station")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="stations")
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="stations"
    )
    address_detail = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=64, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    coordinates_approximate = models.BooleanField(
        _("approximate coordinates"),
        default=False,
        help_text=_("The position is an estimate, not a survey."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["kind", "code"]
        constraints = [
            # A village station serves one village; county sites serve the whole county.
            models.CheckConstraint(
                condition=~models.Q(kind="village_station") | models.Q(village__isnull=False),
                name="regions_station_village_station_has_village",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Address(TimeStampedModel):
    """A Chinese postal address with its recipient, as written on a parcel."""

    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=64)
    county = models.CharField(_("county"), max_length=64)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    township_name = models.CharField(_("township"), max_length=64, blank=True)
    village_name = models.CharField(_("village"), max_length=64, blank=True)
    detail = models.CharField(_("street and number"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^1[3-9][0-9]{9}$"),
                name="regions_address_phone_mainland_mobile",
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code="") | models.Q(postal_code__regex=r"^[0-9]{6}$"),
                name="regions_address_postal_code_six_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_text

    @property
    def full_text(self) -> str:
        parts = [
            self.province,
            self.city,
            self.county,
            self.township_name,
            self.village_name,
            self.detail,
        ]
        return "".join(part for part in parts if part)
