"""What the index knows about a product: its weighted terms and its filter columns.

Built from the database for any search backend, so a search server indexes exactly what the
built-in index does.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q

from xiangcun.catalog.models import Product
from xiangcun.catalog.search.text import name_terms, text_terms

# Where a term came from decides its weight; a term found in several places adds them up.
WEIGHT_NAME = 8
WEIGHT_BRAND = 5
WEIGHT_CATEGORY = 3
WEIGHT_OTHER = 1


@dataclass(frozen=True)
class ProductDocument:
    product_id: int
    terms: dict[str, int]
    category_id: int
    brand_id: int | None
    seller_id: int
    township_id: int | None
    direction: str
    min_price: Decimal | None
    listed_at: datetime.datetime


def _document(product: Product) -> ProductDocument:
    seller = product.seller
    village = product.origin_village
    category = product.category
    groups: list[tuple[int, set[str]]] = [
        (WEIGHT_NAME, set(name_terms(product.name)) | text_terms(product.name_en)),
        (WEIGHT_CATEGORY, set(text_terms(category.name)) | text_terms(category.name_en)),
    ]
    if category.parent is not None:
        parent = category.parent
        groups.append((WEIGHT_CATEGORY, set(text_terms(parent.name)) | text_terms(parent.name_en)))
    if product.brand is not None:
        brand = product.brand
        groups.append((WEIGHT_BRAND, set(name_terms(brand.name)) | text_terms(brand.name_en)))
    other: set[str] = set()
    places = [seller.name, seller.name_en, seller.origin_text]
    if village is not None:
        places += [village.name, village.name_en, village.township.name, village.township.name_en]
    elif seller.village is not None:
        places += [seller.village.name, seller.village.name_en]
    if seller.township is not None:
        places += [seller.township.name, seller.township.name_en]
    for text in [*places, product.description, product.description_en]:
        other |= text_terms(text)
    groups.append((WEIGHT_OTHER, other))
    terms: dict[str, int] = defaultdict(int)
    for weight, group in groups:
        for term in group:
            terms[term] += weight
    township_id = village.township_id if village is not None else seller.township_id
    return ProductDocument(
        product_id=product.pk,
        terms=dict(terms),
        category_id=product.category_id,
        brand_id=product.brand_id,
        seller_id=product.seller_id,
        township_id=township_id,
        direction=product.direction,
        min_price=getattr(product, "min_active_price", None),
        listed_at=product.listed_at or product.created_at,
    )


def product_documents(product_ids: Iterable[int]) -> list[ProductDocument]:
    """Documents of the LISTED products among `product_ids`; others are not searchable."""
    products = (
        Product.objects.filter(pk__in=list(product_ids), status=Product.Status.LISTED)
        .select_related(
            "category__parent",
            "brand",
            "seller__village",
            "seller__township",
            "origin_village__township",
        )
        .annotate(min_active_price=Min("variants__price", filter=Q(variants__is_active=True)))
        .order_by("pk")
    )
    return [_document(product) for product in products]
