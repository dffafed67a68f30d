"""What the catalog API (`catalog.api`) reads and answers: its input and output schemas."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from xiangcun.catalog.models import KEEPS_DAYS_MAX, SHIPPING_WEIGHT_MAX_G, SIDE_MAX_CM

Price = Field(gt=0, max_digits=14, decimal_places=2)
# A unit's parcel: grams with packaging, and centimetres a side (as the columns hold).
ShippingWeight = Field(None, ge=1, le=SHIPPING_WEIGHT_MAX_G)
Side = Field(None, ge=1, le=SIDE_MAX_CM)


# --- output schemas ----------------------------------------------------------------------------


class BrandRefOut(Schema):
    slug: str
    name: str
    name_en: str


class SellerRefOut(Schema):
    id: int
    name: str
    name_en: str


class CategoryRefOut(Schema):
    slug: str
    name: str
    name_en: str


class OriginVillageOut(Schema):
    code: str
    name: str
    name_en: str
    township: str
    township_code: str


class VariantOut(Schema):
    id: int
    sku: str
    name: str
    name_en: str
    unit: str
    price: Decimal
    net_weight_g: int | None
    shipping_weight_g: int | None
    length_cm: int | None
    width_cm: int | None
    height_cm: int | None
    gtin: str
    is_active: bool
    available: int


class ProductPhotoOut(Schema):
    id: int
    image: str
    thumbnail: str
    medium: str
    width: int | None
    height: int | None
    alt: str


class CertificationOut(Schema):
    kind: str
    kind_label: str
    certificate_number: str
    issuer: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    holder: Literal["brand", "product", "shop"]


class ProductOut(Schema):
    id: int
    name: str
    name_en: str
    status: str
    direction: str
    brand: BrandRefOut | None
    seller: SellerRefOut
    category: CategoryRefOut
    price: Decimal | None = Field(description="Lowest price among variants on sale, in CNY.")
    variants: list[VariantOut]
    photo: ProductPhotoOut | None
    certified: bool
    origin_village: OriginVillageOut | None
    is_fresh: bool
    needs_cold_chain: bool
    keep_frozen: bool
    fragile: bool
    keeps_days: int | None


class ProductDetailOut(ProductOut):
    description: str
    description_en: str
    shelf_life_days: int | None
    photos: list[ProductPhotoOut]
    certifications: list[CertificationOut]
    review_note: str
    listed_at: datetime.datetime | None


class ProductPageOut(Schema):
    items: list[ProductOut]
    count: int = Field(
        description="Matching products, exact up to 1,000; 1,000 means at least that many "
        "(counting stops there and pages end there)."
    )
    count_capped: bool = Field(
        description="True when counting stopped at the cap: `count` is then a lower bound."
    )
    count_text: str = Field(
        description='The count as a page shows it, in the language asked for: "25", or '
        '"1,000+" when counting stopped at the cap.'
    )
    relaxed: str = Field(
        description='"" when the text matched as typed. Otherwise it found nothing and was '
        "searched looser, and this says how: `spelling` (a letter off), `split` (pinyin run "
        "together), `fewer_words`, `characters`."
    )
    searched: str = Field(description='The text searched instead when `relaxed` is not "".')
    notice: str = Field(
        description='What to tell the shopper when `relaxed` is not "" (else ""), in the '
        "language asked for."
    )
    page: int
    pages: int


class BrandOut(Schema):
    slug: str
    kind: str
    name: str
    name_en: str
    story: str
    story_en: str
    origin_text: str
    logo: str
    certified: bool
    certifications: list[CertificationOut]
    products_count: int
    sellers_count: int


class BrandDetailOut(BrandOut):
    products: list[ProductOut]


class BrandListOut(Schema):
    items: list[BrandOut]
    count: int


class CategoryOut(Schema):
    slug: str
    name: str
    name_en: str
    direction: str
    children: list["CategoryOut"]


class CategoryListOut(Schema):
    items: list[CategoryOut]


# --- input schemas -----------------------------------------------------------------------------


class ProductFilters(Schema):
    q: str = Field("", max_length=100)
    category: str | None = None
    brand: str | None = None
    township: str | None = None
    certified: bool | None = None
    direction: Literal["up", "down"] | None = None
    price_min: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    price_max: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    sort: Literal["relevance", "price", "-price", "new"] = "relevance"
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=100)


class ProductCreateIn(Schema):
    seller_id: int
    category_id: int
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    description: str = Field("", max_length=5000)
    description_en: str = Field("", max_length=5000)
    direction: Literal["up", "down"] | None = None
    brand_id: int | None = None
    is_fresh: bool = False
    needs_cold_chain: bool = False
    shelf_life_days: int | None = Field(None, gt=0)
    origin_village_id: int | None = None
    keep_frozen: bool = False
    fragile: bool = False
    keeps_days: int | None = Field(None, ge=1, le=KEEPS_DAYS_MAX)


class ProductUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    description_en: str | None = Field(None, max_length=5000)
    category_id: int | None = None
    direction: Literal["up", "down"] | None = None
    brand_id: int | None = None
    is_fresh: bool | None = None
    needs_cold_chain: bool | None = None
    shelf_life_days: int | None = Field(None, gt=0)
    origin_village_id: int | None = None
    keep_frozen: bool | None = None
    fragile: bool | None = None
    keeps_days: int | None = Field(None, ge=1, le=KEEPS_DAYS_MAX)


class VariantCreateIn(Schema):
    sku: str = Field("", max_length=40)
    name: str = Field(min_length=1, max_length=60)
    name_en: str = Field("", max_length=60)
    unit: Literal["jin", "kg", "piece", "box", "bag", "bottle", "jar"]
    price: Decimal = Price
    net_weight_g: int | None = Field(None, gt=0)
    gtin: str = Field("", max_length=14)
    shipping_weight_g: int | None = ShippingWeight
    length_cm: int | None = Side
    width_cm: int | None = Side
    height_cm: int | None = Side


class VariantUpdateIn(Schema):
    sku: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=60)
    name_en: str | None = Field(None, max_length=60)
    unit: Literal["jin", "kg", "piece", "box", "bag", "bottle", "jar"] | None = None
    price: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    net_weight_g: int | None = Field(None, gt=0)
    gtin: str | None = Field(None, max_length=14)
    is_active: bool | None = None
    shipping_weight_g: int | None = ShippingWeight
    length_cm: int | None = Side
    width_cm: int | None = Side
    height_cm: int | None = Side


class ProductReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)
