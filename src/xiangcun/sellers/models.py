"""Sellers (the shops of the marketplace) and the poor households they buy from or employ."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Seller(TimeStampedModel):
    class Kind(models.TextChoices):
        FARMER = "farmer", _("Farmer")
        COOPERATIVE = "cooperative", _("Cooperative")
        CRAFT_MAKER = "craft_maker", _("Craft maker")
        INDUSTRIAL_MAKER = "industrial_maker", _("Industrial maker or merchant")
        COUNTY_SHOP = "county_shop", _("County shop")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sellers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    name = models.CharField(_("shop name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    story = models.TextField(_("story"), blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    # Local sellers have a village; makers outside the county have none.
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Township", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_text = models.CharField(_("where from"), max_length=120, blank=True)
    phone = models.CharField(_("contact phone"), max_length=11, blank=True)
    logo = models.ImageField(_("logo"), upload_to="sellers/logos/", blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "kind"])]
        permissions = [("review_seller", _("Can review, approve and suspend sellers"))]
        constraints = [
            # One application waiting for review per person: a second is a double submit.
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(status="submitted"),
                name="sellers_one_pending_application_per_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return self.village_id is not None


class ShopPhoto(TimeStampedModel):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="sellers/photos/")
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("shop photo")
        verbose_name_plural = _("shop photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class PoorHouseholdLink(TimeStampedModel):
    """A registered poor household (建档立卡) that sells to or works for this seller."""

    class Relation(models.TextChoices):
        SUPPLIER = "supplier", _("Sells produce to the seller")
        EMPLOYEE = "employee", _("Works for the seller")

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="household_links")
    household = models.ForeignKey("accounts.Household", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("poor household link")
        verbose_name_plural = _("poor household links")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "household", "relation"], name="sellers_household_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seller_id}:{self.household_id}:{self.relation}"
