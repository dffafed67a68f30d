"""What every catalogue service checks first: who acts, the text, prices, units and counts it
is given, the rows it names; and the search index update queued for after the commit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CatalogStaffOnlyError,
    CategoryNotFoundError,
    InvalidDirectionError,
    InvalidFieldError,
    InvalidPriceError,
    InvalidSlugError,
    InvalidUnitError,
    ProductNotFoundError,
    ProductPermissionDeniedError,
    RequiredFieldError,
    TextTooLongError,
)
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.models import Brand, Category, Direction, Product, Variant
from xiangcun.catalog.search.interface import search_backend
from xiangcun.core.validators import INT32_MAX, text_field
from xiangcun.sellers.selectors import seller_can_manage

REVIEW_PERMISSION = "catalog.review_product"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GTIN = re.compile(r"^(\d{8}|\d{12,14})$", re.ASCII)
_CENT = Decimal("0.01")
_PRICE_MAX = Decimal("999999999999.99")
_Status = Product.Status


def _has_perm(actor: AnyUser, permission: str) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.has_perm(permission))


def _require_perm(actor: AnyUser, permission: str) -> None:
    if not _has_perm(actor, permission):
        raise CatalogStaffOnlyError


def _require_manage(actor: AnyUser, seller_id: int) -> None:
    if not seller_can_manage(user=actor, seller_id=seller_id):
        raise ProductPermissionDeniedError


# Names and labels are one line; descriptions keep their line breaks (only the ends trimmed).
_text = partial(
    text_field, collapse_spaces=True, error=RequiredFieldError, too_long_error=TextTooLongError
)
_long_text = partial(text_field, max_length=5000, required=False, too_long_error=TextTooLongError)


def _slug(value: str) -> str:
    cleaned = str(value or "").strip().lower()
    if not cleaned or len(cleaned) > 60 or not _SLUG.match(cleaned):
        raise InvalidSlugError(field="slug")
    return cleaned


def _price(value: object) -> Decimal:
    """A price in yuan: above 0, at most two decimal places (never rounded silently)."""
    if isinstance(value, float):
        # A float cannot say 0.1 exactly; go through its shortest text form.
        value = repr(value)
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidPriceError(field="price") from None
    if not price.is_finite() or price <= 0 or price > _PRICE_MAX or price != price.quantize(_CENT):
        raise InvalidPriceError(field="price")
    return price.quantize(_CENT)


def _unit(value: str) -> str:
    if value not in Variant.Unit.values:
        raise InvalidUnitError(field="unit")
    return value


def _direction(value: str) -> str:
    if value not in Direction.values:
        raise InvalidDirectionError(field="direction")
    return value


def _positive_int(value: object, *, field: str, maximum: int = INT32_MAX) -> int | None:
    """A count above 0 that its column holds (PositiveIntegerField: 32 bits on PostgreSQL)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        raise InvalidFieldError(field=field)
    return value


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise CategoryNotFoundError(field="category_id")
    return category


def _brand(brand_id: int | None) -> Brand | None:
    if brand_id is None:
        return None
    brand = Brand.objects.filter(pk=brand_id, is_active=True).first()
    if brand is None:
        raise BrandNotFoundError(field="brand_id")
    return brand


def _product_locked(product_id: int) -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFoundError
    return product


def _reindex_on_commit(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if ids:
        # robust: a failing index update is logged, never undoes the committed write;
        # `xiangcun search_reindex` repairs the index afterwards.
        transaction.on_commit(lambda: search_backend().index_products(ids), robust=True)
    # After the index: a page rebuilt under the new version finds the new index rows.
    catalog_changed_on_commit()


def _listed_product_ids(**filters: Any) -> list[int]:
    return list(Product.objects.filter(**filters).values_list("pk", flat=True))
