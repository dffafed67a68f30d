"""Variants: a product's options (a size or a pack), each with its SKU, unit and price."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    DuplicateSkuError,
    InvalidFieldError,
    LastActiveVariantError,
    VariantNotFoundError,
)
from xiangcun.catalog.models import SHIPPING_WEIGHT_MAX_G, SIDE_MAX_CM, Variant
from xiangcun.catalog.services._common import (
    _GTIN,
    _positive_int,
    _price,
    _product_locked,
    _reindex_on_commit,
    _require_manage,
    _Status,
    _text,
    _unit,
)
from xiangcun.core.validators import INT16_MAX


def _sku(value: str) -> str:
    return _text(value, field="sku", max_length=40)


def _sku_free(product_id: int, start: int) -> str:
    """A SKU for a seller who typed none: the product's number and the option's, skipping
    codes already taken (a seller may have typed one like it)."""
    n = start
    while Variant.objects.filter(sku=(sku := f"XC{product_id}-{n}")).exists():
        n += 1
    return sku


def _gtin(value: str) -> str:
    cleaned = "".join(str(value or "").split())
    if cleaned and not _GTIN.match(cleaned):
        raise InvalidFieldError(field="gtin")
    return cleaned


@transaction.atomic
def variant_create(
    *,
    actor: AnyUser,
    product_id: int,
    name: str,
    unit: str,
    price: Decimal | str,
    sku: str = "",
    net_weight_g: int | None = None,
    gtin: str = "",
    name_en: str = "",
    shipping_weight_g: int | None = None,
    length_cm: int | None = None,
    width_cm: int | None = None,
    height_cm: int | None = None,
) -> Variant:
    """An option of a product (a size or pack) with its own SKU, unit and price in CNY. Without
    a SKU one is made from the product's and the option's numbers (XC<product>-<n>)."""
    product = _product_locked(product_id)
    _require_manage(actor, product.seller_id)
    position = product.variants.count()
    if str(sku or "").strip():
        sku = _sku(sku)
        if Variant.objects.filter(sku=sku).exists():
            raise DuplicateSkuError(field="sku")
    else:
        # The product's row is locked: no other option of it is being added meanwhile.
        sku = _sku_free(product.pk, position + 1)
    variant = Variant(
        product=product,
        sku=sku,
        name=_text(name, field="name", max_length=60),
        name_en=_text(name_en, field="name_en", max_length=60, required=False),
        unit=_unit(unit),
        price=_price(price),
        net_weight_g=_positive_int(net_weight_g, field="net_weight_g"),
        gtin=_gtin(gtin),
        position=position,
        **_parcel(
            {
                "shipping_weight_g": shipping_weight_g,
                "length_cm": length_cm,
                "width_cm": width_cm,
                "height_cm": height_cm,
            }
        ),
    )
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:
        # Another request took the SKU between the check and the insert.
        raise DuplicateSkuError(field="sku") from None
    _reindex_on_commit([product.pk])
    return variant


_PARCEL_FIELDS = {
    "shipping_weight_g": SHIPPING_WEIGHT_MAX_G,
    "length_cm": SIDE_MAX_CM,
    "width_cm": SIDE_MAX_CM,
    "height_cm": SIDE_MAX_CM,
}
_VARIANT_FIELDS = frozenset(
    {"sku", "name", "name_en", "unit", "price", "net_weight_g", "gtin", "is_active", "position"}
    | set(_PARCEL_FIELDS)
)


def _parcel(fields: dict[str, Any]) -> dict[str, int | None]:
    """A unit's shipping weight (grams, with packaging) and sides (cm), each optional and
    bounded as its column is (shipping reads them for the parcel's weight)."""
    return {
        name: _positive_int(value, field=name, maximum=_PARCEL_FIELDS[name])
        for name, value in fields.items()
    }


@transaction.atomic
def variant_update(*, actor: AnyUser, variant_id: int, **fields: Any) -> Variant:
    """Change a variant (price, unit, on sale or not); the product is re-indexed."""
    row = Variant.objects.filter(pk=variant_id).values("product_id").first()
    if row is None:
        raise VariantNotFoundError
    # Lock the product first (the order every product write uses), then the variant.
    product = _product_locked(row["product_id"])
    _require_manage(actor, product.seller_id)
    variant = Variant.objects.select_for_update().get(pk=variant_id)
    unknown = set(fields) - _VARIANT_FIELDS
    if unknown:
        raise InvalidFieldError(field=sorted(unknown)[0])
    for name, value in fields.items():
        if name == "sku":
            value = _sku(value)
            if Variant.objects.filter(sku=value).exclude(pk=variant.pk).exists():
                raise DuplicateSkuError(field="sku")
        elif name in ("name", "name_en"):
            value = _text(value, field=name, max_length=60, required=name == "name")
        elif name == "unit":
            value = _unit(value)
        elif name == "price":
            value = _price(value)
        elif name == "net_weight_g":
            value = _positive_int(value, field=name)
        elif name in _PARCEL_FIELDS:
            value = _parcel({name: value})[name]
        elif name == "gtin":
            value = _gtin(value)
        elif name == "is_active":
            value = bool(value)
        elif name == "position":
            value = _positive_int(value, field=name, maximum=INT16_MAX) or 0
        setattr(variant, name, value)
    if (
        not variant.is_active
        and product.status in (_Status.LISTED, _Status.IN_REVIEW)
        and not product.variants.filter(is_active=True).exclude(pk=variant.pk).exists()
    ):
        raise LastActiveVariantError(field="is_active")
    variant.save()
    _reindex_on_commit([product.pk])
    return variant
