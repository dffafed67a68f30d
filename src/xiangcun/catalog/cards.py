"""Product cards as plain values: what a list of products shows, read with `values()` in a
fixed number of queries whatever the number of cards (no model instances, no prefetch machinery).

The storefront lists (search, category, brand, shop and home shelves) read `product_cards`; the
API's lists and product answers read `product_items` (its `ProductOut` shape, with each variant's
stock). Only the product page and the sellers' console keep the models.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone

from xiangcun.catalog.availability import variant_availability
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


def _first_photos(ids: list[int], *fields: str) -> dict[int, dict[str, Any]]:
    """Each product's first photo by position (as `product_first_photo`): these fields and
    width, height and alt."""
    first: dict[int, dict[str, Any]] = {}
    rows = (
        ProductPhoto.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values("product_id", "width", "height", "alt", *fields)
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
    photos = _first_photos(ids, "thumbnail")
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


# --- the API's product items ---------------------------------------------------------------------

_ITEM_FIELDS = (
    "id",
    "name",
    "name_en",
    "status",
    "direction",
    "is_fresh",
    "needs_cold_chain",
    "keep_frozen",
    "fragile",
    "keeps_days",
    "brand_id",
    "brand__slug",
    "brand__name",
    "brand__name_en",
    "seller_id",
    "seller__name",
    "seller__name_en",
    "category__slug",
    "category__name",
    "category__name_en",
    "origin_village_id",
    "origin_village__code",
    "origin_village__name",
    "origin_village__name_en",
    "origin_village__township__name",
    "origin_village__township__code",
)
VARIANT_FIELDS = (
    "id",
    "sku",
    "name",
    "name_en",
    "unit",
    "price",
    "net_weight_g",
    "shipping_weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "gtin",
    "is_active",
)


def _variants(ids: list[int], *, all_variants: bool) -> dict[int, list[dict[str, Any]]]:
    """Each product's variants by position: those on sale, or all of them."""
    rows = Variant.objects.filter(product_id__in=ids)
    if not all_variants:
        rows = rows.filter(is_active=True)
    by_product: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for row in rows.order_by("product_id", "position", "id").values("product_id", *VARIANT_FIELDS):
        by_product[row.pop("product_id")].append(row)
    return by_product


def photo_urls(row: dict[str, Any]) -> dict[str, Any]:
    """A photo row's files as URLs ("" for a copy not made yet), as the API shows a photo."""
    storage = ProductPhoto._meta.get_field("image").storage
    return {
        "id": row["id"],
        **{
            name: storage.url(row[name]) if row[name] else ""
            for name in ("image", "thumbnail", "medium")
        },
        "width": row["width"],
        "height": row["height"],
        "alt": row["alt"],
    }


def product_items(
    *, product_ids: Iterable[int], all_variants: bool = False
) -> list[dict[str, Any]]:
    """The API's products (`ProductOut`) in the order given, ids that do not exist left out,
    whatever their status; their variants on sale (all of them with `all_variants`, for the
    shop's managers) with the units available. Five queries whatever the number."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return []
    rows = {row["id"]: row for row in Product.objects.filter(pk__in=ids).values(*_ITEM_FIELDS)}
    variants = _variants(ids, all_variants=all_variants)
    photos = _first_photos(ids, "id", "image", "thumbnail", "medium")
    certified = certified_product_ids(product_ids=ids, on=timezone.localdate())
    available = variant_availability(
        variant_ids=[variant["id"] for pk in ids for variant in variants[pk]]
    )
    items = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        on_sale = [variant["price"] for variant in variants[pk] if variant["is_active"]]
        photo = photos.get(pk)
        items.append(
            {
                "id": pk,
                "name": row["name"],
                "name_en": row["name_en"],
                "status": row["status"],
                "direction": row["direction"],
                "brand": {
                    "slug": row["brand__slug"],
                    "name": row["brand__name"],
                    "name_en": row["brand__name_en"],
                }
                if row["brand_id"]
                else None,
                "seller": {
                    "id": row["seller_id"],
                    "name": row["seller__name"],
                    "name_en": row["seller__name_en"],
                },
                "category": {
                    "slug": row["category__slug"],
                    "name": row["category__name"],
                    "name_en": row["category__name_en"],
                },
                "price": min(on_sale) if on_sale else None,
                "variants": [
                    {**variant, "available": available.get(variant["id"], 0)}
                    for variant in variants[pk]
                ],
                "photo": photo_urls(photo) if photo else None,
                "certified": pk in certified,
                "origin_village": {
                    "code": row["origin_village__code"],
                    "name": row["origin_village__name"],
                    "name_en": row["origin_village__name_en"],
                    "township": row["origin_village__township__name"],
                    "township_code": row["origin_village__township__code"],
                }
                if row["origin_village_id"]
                else None,
                **{
                    flag: row[flag]
                    for flag in (
                        "is_fresh",
                        "needs_cold_chain",
                        "keep_frozen",
                        "fragile",
                        "keeps_days",
                    )
                },
            }
        )
    return items
