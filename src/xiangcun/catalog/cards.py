"""Product cards as plain values: what a list of products shows, read with `values()` in four
queries whatever the number of cards (no model instances, no prefetch machinery).

The storefront lists (search, category, brand, shop and home shelves) show nothing else, so
they read these instead of `Product` instances; the API and the product page keep the models.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone

from xiangcun.catalog.certified import certified_product_ids
from xiangcun.catalog.models import Product, ProductPhoto, Variant
from xiangcun.catalog.types import ProductCard

_PRODUCT_FIELDS = (
    "id",
    "name",
    "name_en",
    "category__name",
    "category__name_en",
    "brand_id",
    "brand__name",
    "brand__name_en",
    "origin_village_id",
    "origin_village__name",
    "origin_village__name_en",
    "origin_village__township__name",
    "origin_village__township__name_en",
    "seller__name",
    "seller__name_en",
)


def _lowest_prices(ids: list[int]) -> dict[int, Decimal]:
    """The "from" price: the lowest price among variants on sale (as `product_display_price`)."""
    rows = (
        Variant.objects.filter(product_id__in=ids, is_active=True)
        .values("product_id")
        .annotate(lowest=Min("price"))
        .values_list("product_id", "lowest")
    )
    return dict(rows)


def _first_photos(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each product's first photo by position (as `product_first_photo`)."""
    first: dict[int, dict[str, Any]] = {}
    rows = (
        ProductPhoto.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values("product_id", "thumbnail", "width", "height", "alt")
    )
    for row in rows:
        first.setdefault(int(row["product_id"]), dict(row))
    return first


def product_cards(*, product_ids: Iterable[int]) -> list[ProductCard]:
    """Cards for these products in the order given (ids that do not exist are left out),
    whatever their status: the caller chooses which products to show."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return []
    rows = {row["id"]: row for row in Product.objects.filter(pk__in=ids).values(*_PRODUCT_FIELDS)}
    prices = _lowest_prices(ids)
    photos = _first_photos(ids)
    certified = certified_product_ids(product_ids=ids, on=timezone.localdate())
    storage = ProductPhoto._meta.get_field("thumbnail").storage
    cards = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        photo = photos.get(pk)
        thumbnail = str(photo["thumbnail"] or "") if photo else ""
        cards.append(
            ProductCard(
                id=pk,
                name=row["name"],
                name_en=row["name_en"],
                category_name=row["category__name"],
                category_name_en=row["category__name_en"],
                brand_name=row["brand__name"] if row["brand_id"] else None,
                brand_name_en=row["brand__name_en"] or "",
                village_name=row["origin_village__name"] if row["origin_village_id"] else None,
                village_name_en=row["origin_village__name_en"] or "",
                township_name=row["origin_village__township__name"] or "",
                township_name_en=row["origin_village__township__name_en"] or "",
                seller_name=row["seller__name"],
                seller_name_en=row["seller__name_en"],
                price=prices.get(pk),
                thumbnail_url=storage.url(thumbnail) if thumbnail else "",
                photo_width=photo["width"] if photo else None,
                photo_height=photo["height"] if photo else None,
                photo_alt=str(photo["alt"] or "") if photo else "",
                certified=pk in certified,
            )
        )
    return cards
