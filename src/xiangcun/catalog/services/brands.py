"""Brands (a place's or a shop's) and the certificates that vouch for a brand or a product."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CatalogStaffOnlyError,
    DuplicateSlugError,
    InvalidCertificationError,
    InvalidCertificationKindError,
    InvalidFieldError,
    ProductNotFoundError,
)
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.models import Brand, Certification, Product
from xiangcun.catalog.services._common import (
    _has_perm,
    _listed_product_ids,
    _long_text,
    _reindex_on_commit,
    _require_manage,
    _require_perm,
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


@transaction.atomic
def certification_add(
    *,
    actor: AnyUser,
    kind: str,
    certificate_number: str,
    issuer: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    brand_id: int | None = None,
    product_id: int | None = None,
) -> Certification:
    """Record a certificate of a brand or of one product (for example 扶贫产品)."""
    _require_perm(actor, "catalog.add_certification")
    if kind not in Certification.Kind.values:
        raise InvalidCertificationKindError(field="kind")
    if (brand_id is None) == (product_id is None):
        raise InvalidCertificationError
    if valid_until is not None and valid_until < valid_from:
        raise InvalidCertificationError(field="valid_until")
    if brand_id is not None and not Brand.objects.filter(pk=brand_id).exists():
        raise BrandNotFoundError(field="brand_id")
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        raise ProductNotFoundError(field="product_id")
    certification = Certification.objects.create(
        kind=kind,
        certificate_number=_text(certificate_number, field="certificate_number", max_length=60),
        issuer=_text(issuer, field="issuer", max_length=120),
        valid_from=valid_from,
        valid_until=valid_until,
        brand_id=brand_id,
        product_id=product_id,
    )
    if brand_id is not None:
        _reindex_on_commit(_listed_product_ids(brand_id=brand_id, status=_Status.LISTED))
    elif product_id is not None:
        _reindex_on_commit([product_id])
    return certification
