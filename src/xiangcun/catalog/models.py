"""The catalogue: categories, brands and their certifications, products, variants, photos.

Product text is in Chinese with an optional English version; prices are CNY with two places.
What a buyer can find is kept in the search index (see `catalog/search/`).
"""

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiangcun.core.db import TimeStampedModel

# Bounds of a unit's parcel data (the form, the API and the database hold the same): 50 kg a
# unit and 2 m a side are more than any carrier takes as one parcel.
SHIPPING_WEIGHT_MAX_G = 50_000
SIDE_MAX_CM = 200
KEEPS_DAYS_MAX = 365


class Direction(models.TextChoices):
    """Which way goods travel; decides where they are offered."""

    UP = "up", _("Farm goods out to the cities")
    DOWN = "down", _("Industrial goods into the villages")


class Category(TimeStampedModel):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Brand(TimeStampedModel):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional brand")
        PRODUCT = "product", _("Product brand")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    story = models.TextField(_("story"), blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    origin_township = models.ForeignKey(
        "regions.Township", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_text = models.CharField(_("origin"), max_length=120, blank=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    # A product brand belongs to a seller; a regional brand belongs to the county.
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        LISTED = "listed", _("Listed")
        REJECTED = "rejected", _("Rejected")
        DELISTED = "delisted", _("Delisted")

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    is_fresh = models.BooleanField(_("fresh food"), default=False)
    needs_cold_chain = models.BooleanField(_("needs cold chain"), default=False)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    # Handling needs on the way to a buyer (shipping reads them): chilled is `needs_cold_chain`;
    # frozen goods need a service that keeps them frozen; fragile ones are packed in foam.
    # `keeps_days`: a perishable product must reach the buyer within so many days (None: it is
    # not perishable in transit; a fresh product without it is held to its shelf life).
    keep_frozen = models.BooleanField(_("must stay frozen"), default=False)
    fragile = models.BooleanField(_("fragile"), default=False)
    keeps_days = models.PositiveSmallIntegerField(_("arrives within (days)"), null=True, blank=True)
    origin_village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "direction"]),
            # A shop page counts the shop's listed products and takes the newest 20 of them
            # from this index alone (a demo shop holds about 10,000).
            models.Index(fields=["seller", "status", "id"], name="catalog_product_shop_listed"),
        ]
        permissions = [("review_product", _("Can review products before they are listed"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_cold_chain=False) | Q(is_fresh=True),
                name="catalog_product_cold_chain_only_fresh",
            ),
            models.CheckConstraint(
                condition=Q(keep_frozen=False) | Q(needs_cold_chain=True),
                name="catalog_product_frozen_needs_cold_chain",
            ),
            models.CheckConstraint(
                condition=Q(keeps_days__isnull=True)
                | Q(keeps_days__gte=1, keeps_days__lte=KEEPS_DAYS_MAX),
                name="catalog_product_keeps_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Variant(TimeStampedModel):
    class Unit(models.TextChoices):
        JIN = "jin", _("jin (500 g)")
        KG = "kg", _("kg")
        PIECE = "piece", _("piece")
        BOX = "box", _("box")
        BAG = "bag", _("bag")
        BOTTLE = "bottle", _("bottle")
        JAR = "jar", _("jar")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    net_weight_g = models.PositiveIntegerField(_("net weight (g)"), null=True, blank=True)
    # The parcel's side of a unit: gross weight with its packaging (None: the net weight is
    # used) and its outer size, for a carrier's volumetric weight (None: not counted).
    shipping_weight_g = models.PositiveIntegerField(_("shipping weight (g)"), null=True, blank=True)
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    price = models.DecimalField(_("price (CNY)"), max_digits=14, decimal_places=2)
    gtin = models.CharField(_("barcode (GTIN)"), max_length=14, blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_variant_price_positive"),
            models.CheckConstraint(
                condition=Q(shipping_weight_g__isnull=True)
                | Q(shipping_weight_g__gte=1, shipping_weight_g__lte=SHIPPING_WEIGHT_MAX_G),
                name="catalog_variant_shipping_weight_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(length_cm__isnull=True) | Q(length_cm__gte=1, length_cm__lte=SIDE_MAX_CM)
                )
                & (Q(width_cm__isnull=True) | Q(width_cm__gte=1, width_cm__lte=SIDE_MAX_CM))
                & (Q(height_cm__isnull=True) | Q(height_cm__gte=1, height_cm__lte=SIDE_MAX_CM)),
                name="catalog_variant_size_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}" if self.product_id else self.name


class ProductPhoto(TimeStampedModel):
    """An uploaded photo and its resized copies (served at the size a page needs)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to="products/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    thumbnail = models.ImageField(upload_to="products/thumbs/", blank=True, editable=False)
    medium = models.ImageField(upload_to="products/medium/", blank=True, editable=False)
    alt = models.CharField(_("description of the photo"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name


class Certification(TimeStampedModel):
    """A certificate (a brand's, a product's or a shop's) and the products it covers.

    A certificate vouches only for the products it names in `products`, and only once staff
    have checked it (`status` verified): a brand's certificate does not spread to a product
    the brand adds later. `catalog.certified` holds the one rule every reader uses.
    """

    class Kind(models.TextChoices):
        POVERTY_ALLEVIATION = "poverty_alleviation", _("Certified poverty-alleviation product")
        GREEN_FOOD = "green_food", _("Green food")
        ORGANIC = "organic", _("Organic")
        GEOGRAPHICAL_INDICATION = "geographical_indication", _("Geographical indication")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("certificate status", "Waiting for checking")
        VERIFIED = "verified", pgettext_lazy("certificate status", "Checked")
        REJECTED = "rejected", pgettext_lazy("certificate status", "Not accepted")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Who holds it: a brand (shown on the brand page), one product (older records), or a
    # shop that sent it in from the seller console; none of these decides what it covers.
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="certifications"
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="certifications"
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        Product,
        blank=True,
        related_name="covering_certifications",
        verbose_name=_("products covered"),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        permissions = [
            ("verify_certification", _("Can check certificates and the products they cover"))
        ]
        indexes = [models.Index(fields=["status", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(brand__isnull=True) | Q(product__isnull=True),
                name="catalog_certification_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="catalog_certification_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(verified_at__isnull=False),
                name="catalog_certification_checked_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_number}"


class SearchSynonym(TimeStampedModel):
    """A word shoppers use that no product name need contain (银饰, 蜂糖, jewellery): products
    whose name holds one of `means`, or that are filed under `category` (or a child of it),
    answer to it too. Applied when products are indexed (catalog/search/synonyms.py); saving
    one through `catalog.services.search_synonym_save` re-indexes the products it touches.
    """

    word = models.CharField(pgettext_lazy("search synonym", "word"), max_length=40, unique=True)
    means = models.CharField(
        _("also means"),
        max_length=200,
        blank=True,
        help_text=_("Words in product names it stands for, separated by spaces or commas."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


# --- Search index (kept by `catalog.search.backend.DatabaseSearchBackend`) -----------------------


class SearchTermField(models.CharField[str, str]):
    """A term column compared byte by byte (the "C" collation on PostgreSQL). The term table it
    was made for is gone (migration 0004); migration 0001 still names the field."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, str | None]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class SearchTokensField(models.TextField[str, str]):
    """A product's search terms of one weight band, separated by spaces (each preceded by one).

    Stored as text on both databases, once: SQLite's FTS5 table `catalog_search_fts` indexes it
    as external content (migration 0006), PostgreSQL's GIN index `catalog_search_gin` indexes
    it cast to `tsvector` (an expression index, migration 0008), so the row holds no second,
    larger copy of the terms (a tsvector adds four bytes per term).
    """


class SearchRow(models.Model):
    """One row per listed product: its search terms by weight band, and every filter and sort
    column, so a search needs no joins.

    `township` is the origin village's township, else the seller's; `min_price` is the lowest
    price among the product's active variants. `band_a` .. `band_h` hold the product's terms by
    weight (see `catalog.search.tokens`); the database's own full-text index covers them.
    """

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # No index of their own: catalog_row_category and catalog_row_brand start with them.
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    seller_id = models.BigIntegerField()
    township_id = models.BigIntegerField(null=True)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    min_price = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    listed_at = models.DateTimeField()
    band_a = SearchTokensField(default="")
    band_b = SearchTokensField(default="")
    band_c = SearchTokensField(default="")
    band_d = SearchTokensField(default="")
    band_e = SearchTokensField(default="")
    band_f = SearchTokensField(default="")
    band_g = SearchTokensField(default="")
    band_h = SearchTokensField(default="")

    class Meta:
        verbose_name = _("search row")
        verbose_name_plural = _("search rows")
        indexes = [
            models.Index(fields=["listed_at", "product"], name="catalog_row_new"),
            models.Index(fields=["min_price", "product"], name="catalog_row_price"),
            models.Index(fields=["category", "listed_at"], name="catalog_row_category"),
            models.Index(fields=["brand", "listed_at"], name="catalog_row_brand"),
            models.Index(fields=["township_id", "listed_at"], name="catalog_row_township"),
            models.Index(fields=["direction", "listed_at"], name="catalog_row_direction"),
        ]

    def __str__(self) -> str:
        return str(self.product_id)
