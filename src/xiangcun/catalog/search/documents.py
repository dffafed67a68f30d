"""What the index knows about a product: its terms by weight group and its filter columns.

Built from the database for any search backend, so a search server indexes exactly what the
built-in index does.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q

from xiangcun.catalog.models import Product, SearchSynonym
from xiangcun.catalog.search.text import name_terms, normalise, text_terms


@dataclass(frozen=True)
class ProductDocument:
    """A product's terms by where they came from (each term in the first group that has it:
    name, then tags = brand, categories and synonyms, then body = places and descriptions),
    and its filter and sort columns."""

    product_id: int
    name: tuple[str, ...]
    tags: tuple[str, ...]
    body: tuple[str, ...]
    category_id: int
    brand_id: int | None
    seller_id: int
    township_id: int | None
    direction: str
    min_price: Decimal | None
    listed_at: datetime.datetime

    @property
    def terms(self) -> frozenset[str]:
        return frozenset((*self.name, *self.tags, *self.body))


def synonyms() -> list[tuple[str, frozenset[str]]]:
    """Staff's synonyms: (word as it appears in goods' text, the terms it adds)."""
    return [
        (normalise(word), frozenset().union(*(name_terms(each) for each in also.split())))
        for word, also in SearchSynonym.objects.values_list("word", "also")
        if word.strip()
    ]


def _document(product: Product, extra: list[tuple[str, frozenset[str]]]) -> ProductDocument:
    seller = product.seller
    village = product.origin_village
    category = product.category
    name = set(name_terms(product.name)) | text_terms(product.name_en)
    tags = set(text_terms(category.name)) | text_terms(category.name_en)
    labels = [product.name, category.name]
    if category.parent is not None:
        parent = category.parent
        tags |= text_terms(parent.name) | text_terms(parent.name_en)
        labels.append(parent.name)
    if product.brand is not None:
        brand = product.brand
        tags |= name_terms(brand.name) | text_terms(brand.name_en)
        labels.append(brand.name)
    text = normalise(" ".join(labels))
    for word, added in extra:
        if word in text:
            tags |= added
    body: set[str] = set()
    places = [seller.name, seller.name_en, seller.origin_text]
    if village is not None:
        places += [village.name, village.name_en, village.township.name, village.township.name_en]
    elif seller.village is not None:
        places += [seller.village.name, seller.village.name_en]
    if seller.township is not None:
        places += [seller.township.name, seller.township.name_en]
    for part in places:
        body |= text_terms(part)
    for part in [product.description, product.description_en]:
        body |= text_terms(part, pinyin=False)
    tags -= name
    body -= name | tags
    township_id = village.township_id if village is not None else seller.township_id
    return ProductDocument(
        product_id=product.pk,
        name=tuple(sorted(name)),
        tags=tuple(sorted(tags)),
        body=tuple(sorted(body)),
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
    extra = synonyms()
    return [_document(product, extra) for product in products]
