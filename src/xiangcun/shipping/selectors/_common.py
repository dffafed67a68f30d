"""What the quote, the fresh check and the packing list share: an order's goods read once from
the catalogue, with each product's handling needs and each unit's parcel weight and size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xiangcun.catalog.selectors import variants_for_order
from xiangcun.core.validators import INT64_MAX
from xiangcun.regions import selectors as region_selectors
from xiangcun.shipping.errors import InvalidQuoteError, UnknownCountyError, UnknownVariantError
from xiangcun.shipping.provinces import COUNTY_CODE, PROVINCES, in_english, province_of

LINES_MAX = 50
QUANTITY_MAX = 999
# A unit with neither a shipping weight nor a net weight is counted at half a kilogram.
DEFAULT_UNIT_WEIGHT_G = 500
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Goods:
    """One product of an order, with its handling needs and how many units it ships."""

    product_id: int
    name: str
    seller_id: int
    chilled: bool
    frozen: bool
    fragile: bool
    # Days it keeps in transit (None: not perishable on the way).
    keeps_days: int | None
    weight_g: int
    volume_cm3: int
    value: Decimal


def local_name(name: str, name_en: str) -> str:
    return name_en if in_english() and name_en else name


def _keeps_days(product: Any) -> int | None:
    """A product's days in transit: its own `keeps_days`, else a fresh product's shelf life."""
    if product.keeps_days is not None:
        return int(product.keeps_days)
    if product.is_fresh and product.shelf_life_days is not None:
        return int(product.shelf_life_days)
    return None


def _unit_weight_g(variant: Any) -> int:
    return int(variant.shipping_weight_g or variant.net_weight_g or DEFAULT_UNIT_WEIGHT_G)


def _unit_volume_cm3(variant: Any) -> int:
    if variant.length_cm and variant.width_cm and variant.height_cm:
        return int(variant.length_cm) * int(variant.width_cm) * int(variant.height_cm)
    return 0


def lines_check(lines: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines as (variant id, quantity), bounded: 1 to 50 lines, quantities 1 to 999."""
    checked: list[tuple[int, int]] = []
    for line in lines:
        try:
            variant_id, quantity = int(line[0]), int(line[1])
        except (TypeError, ValueError, IndexError):
            raise InvalidQuoteError(field="lines") from None
        if not 1 <= variant_id <= INT64_MAX:
            raise UnknownVariantError(field="lines", variant=variant_id)
        if not 1 <= quantity <= QUANTITY_MAX:
            raise InvalidQuoteError(field="quantity", maximum=QUANTITY_MAX)
        checked.append((variant_id, quantity))
        if len(checked) > LINES_MAX:
            raise InvalidQuoteError(field="lines", maximum=LINES_MAX)
    if not checked:
        raise InvalidQuoteError(field="lines")
    return checked


def goods_for_lines(lines: Iterable[tuple[int, int]]) -> list[Goods]:
    """The order's goods by product (in the order the lines name them); one query.

    UnknownVariantError names the first variant that does not exist."""
    checked = lines_check(lines)
    variants = variants_for_order(variant_ids=[variant_id for variant_id, _ in checked])
    by_product: dict[int, dict[str, Any]] = {}
    for variant_id, quantity in checked:
        variant = variants.get(variant_id)
        if variant is None:
            raise UnknownVariantError(field="lines", variant=variant_id)
        product = variant.product
        entry = by_product.setdefault(
            product.pk,
            {"product": product, "weight_g": 0, "volume_cm3": 0, "value": Decimal("0.00")},
        )
        entry["weight_g"] += _unit_weight_g(variant) * quantity
        entry["volume_cm3"] += _unit_volume_cm3(variant) * quantity
        entry["value"] += variant.price * quantity
    goods = []
    for entry in by_product.values():
        product = entry["product"]
        goods.append(
            Goods(
                product_id=product.pk,
                name=local_name(product.name, product.name_en),
                seller_id=product.seller_id,
                chilled=bool(product.needs_cold_chain),
                frozen=bool(product.keep_frozen),
                fragile=bool(product.fragile),
                keeps_days=_keeps_days(product),
                weight_g=entry["weight_g"],
                volume_cm3=entry["volume_cm3"],
                value=entry["value"].quantize(CENT),
            )
        )
    return goods


def destination_province(county_code: str) -> str:
    """The province code of a destination county, checked.

    A code must be six digits in a mainland province; once regions holds the national
    division table (`division_get`), the code must also be one of its divisions."""
    code = str(county_code or "").strip()
    if not COUNTY_CODE.match(code) or province_of(code) not in PROVINCES:
        raise UnknownCountyError(field="county_code")
    division_get = getattr(region_selectors, "division_get", None)
    if division_get is not None:
        division_get(code, field="county_code")
    return province_of(code)
