"""What the counter console searches when the station is offline: the station's usual goods
(what was ordered for pickup there most, then the newest listed goods) with their names, prices,
a stock hint, a small photo and the pinyin a person types to find them.

The same rows answer the console's online search, so a result looks the same either way."""

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from pypinyin import lazy_pinyin

from xiangcun.catalog.selectors import (
    product_active_variants,
    product_first_photo,
    products_cards,
    products_search,
    variant_availability,
    variants_for_order,
)
from xiangcun.orders.selectors import variants_ordered_most

# The snapshot's bound: a station's usual goods fit, and the phone's storage does not fill up.
SNAPSHOT_LIMIT = 300
# Products per page when filling the snapshot up with the newest goods.
_FILL_PAGE = 100
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile("[0-9a-z]+")


def search_terms(*names: str) -> str:
    """What a name is found by, space-separated and lower case: its Latin words, its full
    pinyin and initials (丹寨大米 -> danzhaidami dzdm) and each syllable (dan zhai da mi).
    The console matches a typed word against the start of each term."""
    terms: list[str] = []
    for name in names:
        text = unicodedata.normalize("NFKC", name or "").lower()
        terms.extend(_LATIN.findall(text))
        han = "".join(_HAN.findall(text))
        if han:
            syllables = [s for s in lazy_pinyin(han, errors="ignore") if s]
            terms.append("".join(syllables))
            terms.append("".join(s[0] for s in syllables))
            terms.extend(syllables)
    return " ".join(dict.fromkeys(term for term in terms if term))


def _local(obj: Any, field: str) -> str:
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, "") or "")


def _price(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _rows(products: Iterable[Any], *, wanted: set[int] | None, limit: int) -> list[dict[str, Any]]:
    """One row per variant on sale of the listed products (only the `wanted` variants when
    given), at most `limit`."""
    rows: list[dict[str, Any]] = []
    for product in products:
        if product.status != product.Status.LISTED:
            continue
        photo = product_first_photo(product)
        thumbnail = photo.thumbnail.url if photo is not None and photo.thumbnail else ""
        for variant in product_active_variants(product):
            if wanted is not None and variant.pk not in wanted:
                continue
            rows.append(
                {
                    "variant": variant.pk,
                    "product": product.pk,
                    "name": _local(product, "name"),
                    "variant_name": _local(variant, "name"),
                    "unit": str(variant.get_unit_display()),
                    "price": _price(variant.price),
                    "photo": thumbnail,
                    "terms": search_terms(
                        product.name, variant.name, product.name_en, variant.name_en
                    ),
                }
            )
            if len(rows) >= limit:
                return rows
    return rows


def _with_stock(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    available = variant_availability(variant_ids=[row["variant"] for row in rows])
    for row in rows:
        row["stock"] = available.get(row["variant"], 0)
    return rows


def station_snapshot(*, station_id: int, limit: int = SNAPSHOT_LIMIT) -> list[dict[str, Any]]:
    """The station's usual goods, most ordered first, filled up with the newest listed goods
    to `limit` variants."""
    popular = variants_ordered_most(station_id=station_id, limit=limit)
    by_variant = variants_for_order(variant_ids=popular)
    product_ids = [by_variant[v].product_id for v in popular if v in by_variant]
    rows = _rows(products_cards(product_ids=product_ids), wanted=set(popular), limit=limit)
    # Keep the most-ordered order (a product's variants came together above).
    rank = {variant_id: index for index, variant_id in enumerate(popular)}
    rows.sort(key=lambda row: rank.get(row["variant"], len(rank)))
    seen = {row["variant"] for row in rows}
    page = 1
    while len(rows) < limit:
        found = products_search(sort="new", page=page, page_size=_FILL_PAGE)
        for row in _rows(found.items, wanted=None, limit=limit):
            if row["variant"] not in seen and len(rows) < limit:
                seen.add(row["variant"])
                rows.append(row)
        if page * _FILL_PAGE >= found.count or not found.items:
            break
        page += 1
    return _with_stock(rows)


def catalogue_search(*, query: str, limit: int = 40) -> list[dict[str, Any]]:
    """The storefront's search (Chinese, pinyin, initials, English), as snapshot rows."""
    found = products_search(query=query[:100], page_size=min(limit, 50))
    return _with_stock(_rows(found.items, wanted=None, limit=limit))
