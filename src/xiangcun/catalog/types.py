"""Plain values the catalog hands out."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from xiangcun.core.types import Page

T = TypeVar("T")


@dataclass(frozen=True)
class CatalogDemoResult:
    """What `catalog_demo_load` did: totals, and how many products it created or updated."""

    categories: int
    brands: int
    products: int
    created: int
    updated: int


@dataclass(frozen=True)
class BrandCounts:
    """Brand-level figures for a brand page: listed products and the shops selling them."""

    products: int
    sellers: int


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a product card in a list shows, in both languages (`catalog.cards`)."""

    id: int
    name: str
    name_en: str
    category_name: str
    category_name_en: str
    brand_name: str | None
    brand_name_en: str
    village_name: str | None  # the origin village, None when the product names none
    village_name_en: str
    township_name: str
    township_name_en: str
    seller_name: str
    seller_name_en: str
    price: Decimal | None  # lowest price among the variants on sale; None when none is
    thumbnail_url: str  # the first photo's small copy; "" when there is none
    photo_width: int | None
    photo_height: int | None
    photo_alt: str
    certified: bool  # a checked certificate valid today names it (see catalog.certified)


@dataclass(frozen=True, slots=True)
class VariantOption:
    """One option of a product on sale, as its page offers it (`product_offer_get`)."""

    id: int
    name: str
    name_en: str
    price: Decimal
    unit: str  # a `Variant.Unit` value


@dataclass(frozen=True)
class ProductOffer:
    """What a product page must read fresh on every request: whether it is listed, whose it is,
    its name (the page title), and its options on sale in display order with their prices."""

    id: int
    status: str
    seller_id: int
    name: str
    name_en: str
    options: list[VariantOption]


# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class ProductImpact:
    """A product's top-level category (the dashboard's product type) and whether it was a
    certified poverty-alleviation product (扶贫产品) on a day, by its own or its brand's
    certificate."""

    product_id: int
    category_id: int | None
    certified: bool


@dataclass(frozen=True)
class SearchPage(Page[T]):
    """A page of search results, and whether the text had to be loosened to find them:
    `relaxed` is "" when it matched as typed, else how (`split`, `spelling`, `fewer_words`,
    `characters`, see catalog/search/relax.py) and `searched` the text searched instead."""

    relaxed: str = ""
    searched: str = ""

    @property
    def count_text(self) -> str:
        """The count as pages show it, grouped by thousands: "25", "1,000+" when capped."""
        return f"{self.count:,}+" if self.count_capped else f"{self.count:,}"
