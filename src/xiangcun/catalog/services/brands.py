"""Brands: a place's (regional) or a shop's (product brand)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CatalogStaffOnlyError,
    DuplicateSlugError,
    InvalidFieldError,
)
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.models import Brand
from xiangcun.catalog.services._common import (
    _has_perm,
    _listed_product_ids,
    _long_text,
    _reindex_on_commit,
    _require_manage,
    _slug,
    _Status,
    _text,
)
from xiangcun.regions.selectors import township_exists
from xiangcun.sellers.selectors import seller_get


def _brand_manage_check(
    actor: AnyUser, *, permission: str, kind: str, seller_id: int | None
) -> None:
    # Brand managers build every brand; a shop may run its own product brand.
    if _has_perm(actor, permission):
        return
    if kind == Brand.Kind.PRODUCT and seller_id is not None:
        _require_manage(actor, seller_id)
        return
    raise CatalogStaffOnlyError


@transaction.atomic
def brand_create(
    *,
    actor: AnyUser,
    kind: str,
    slug: str,
    name: str,
    name_en: str = "",
    story: str = "",
    story_en: str = "",
    origin_township_id: int | None = None,
    origin_text: str = "",
    seller_id: int | None = None,
) -> Brand:
    if kind not in Brand.Kind.values:
        raise InvalidFieldError(field="kind")
    _brand_manage_check(actor, permission="catalog.add_brand", kind=kind, seller_id=seller_id)
    if seller_id is not None:
        seller_get(seller_id=seller_id)
    if origin_township_id is not None and not township_exists(township_id=origin_township_id):
        raise InvalidFieldError(field="origin_township_id")
    slug = _slug(slug)
    if Brand.objects.filter(slug=slug).exists():
        raise DuplicateSlugError(field="slug")
    catalog_changed_on_commit()  # the home pages list brands
    return Brand.objects.create(
        kind=kind,
        slug=slug,
        name=_text(name, field="name", max_length=80),
        name_en=_text(name_en, field="name_en", max_length=80, required=False),
        story=_long_text(story, field="story"),
        story_en=_long_text(story_en, field="story_en"),
        origin_township_id=origin_township_id,
        origin_text=_text(origin_text, field="origin_text", max_length=120, required=False),
        seller_id=seller_id,
    )


_BRAND_FIELDS = frozenset(
    {"name", "name_en", "story", "story_en", "origin_text", "origin_township_id", "is_active"}
)


@transaction.atomic
def brand_update(*, actor: AnyUser, brand_id: int, **fields: Any) -> Brand:
    """Change a brand's text; its listed products are re-indexed (the name is searchable)."""
    brand = Brand.objects.select_for_update().filter(pk=brand_id).first()
    if brand is None:
        raise BrandNotFoundError
    _brand_manage_check(
        actor, permission="catalog.change_brand", kind=brand.kind, seller_id=brand.seller_id
    )
    unknown = set(fields) - _BRAND_FIELDS
    if unknown:
        raise InvalidFieldError(field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in ("name", "name_en"):
            value = _text(value, field=name, max_length=80, required=name == "name")
        elif name in ("story", "story_en"):
            value = _long_text(value, field=name)
        elif name == "origin_text":
            value = _text(value, field=name, max_length=120, required=False)
        elif name == "is_active":
            value = bool(value)
        setattr(brand, name, value)
    brand.save()
    _reindex_on_commit(_listed_product_ids(brand_id=brand.pk, status=_Status.LISTED))
    return brand
