"""Every write to the catalogue: categories, brands, certifications, products, variants, photos.

Each function checks who is acting first (`sellers.selectors.seller_can_manage` for a shop's
products, a permission for staff work), then changes rows in one transaction, then queues the
search index update with `transaction.on_commit`, so the index never shows a write that was
rolled back and no signal hides where the index is kept current.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog import demo
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CatalogStaffOnlyError,
    CategoryNotFoundError,
    DuplicateSkuError,
    DuplicateSlugError,
    InvalidCertificationError,
    InvalidCertificationKindError,
    InvalidColdChainError,
    InvalidDirectionError,
    InvalidFieldError,
    InvalidPriceError,
    InvalidProductStatusError,
    InvalidSlugError,
    InvalidUnitError,
    LastActiveVariantError,
    ProductHasNoActiveVariantError,
    ProductNotFoundError,
    ProductPermissionDeniedError,
    RequiredFieldError,
    ReviewNoteRequiredError,
    SellerNotApprovedError,
    TextTooLongError,
    VariantNotFoundError,
)
from xiangcun.catalog.images import photo_process
from xiangcun.catalog.models import (
    Brand,
    Category,
    Certification,
    Direction,
    Product,
    ProductPhoto,
    Variant,
)
from xiangcun.catalog.search.backend import search_backend
from xiangcun.catalog.types import CatalogDemoResult
from xiangcun.core.validators import INT16_MAX, INT32_MAX, int_check, text_check
from xiangcun.regions.selectors import township_exists, village_exists
from xiangcun.sellers.selectors import seller_can_manage, seller_get

logger = logging.getLogger(__name__)


REVIEW_PERMISSION = "catalog.review_product"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GTIN = re.compile(r"^(\d{8}|\d{12,14})$", re.ASCII)
_CENT = Decimal("0.01")
_PRICE_MAX = Decimal("999999999999.99")
_Status = Product.Status


# --- checks ------------------------------------------------------------------------------------


def _has_perm(actor: AnyUser, permission: str) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.has_perm(permission))


def _require_perm(actor: AnyUser, permission: str) -> None:
    if not _has_perm(actor, permission):
        raise CatalogStaffOnlyError


def _require_manage(actor: AnyUser, seller_id: int) -> None:
    if not seller_can_manage(user=actor, seller_id=seller_id):
        raise ProductPermissionDeniedError


def _text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    text = str(value or "")
    text_check(**{field: text})
    cleaned = " ".join(text.split())
    if required and not cleaned:
        raise RequiredFieldError(field=field)
    if len(cleaned) > max_length:
        raise TextTooLongError(field=field, max_length=max_length)
    return cleaned


def _long_text(value: object, *, field: str, max_length: int = 5000) -> str:
    # Descriptions keep their line breaks; only the ends are trimmed.
    text = str(value or "")
    text_check(**{field: text})
    cleaned = text.strip()
    if len(cleaned) > max_length:
        raise TextTooLongError(field=field, max_length=max_length)
    return cleaned


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


def _listed_product_ids(**filters: Any) -> list[int]:
    return list(Product.objects.filter(**filters).values_list("pk", flat=True))


# --- categories, brands, certifications ---------------------------------------------------------


@transaction.atomic
def category_create(
    *,
    actor: AnyUser,
    slug: str,
    name: str,
    name_en: str = "",
    direction: str | None = None,
    parent_id: int | None = None,
    position: int = 0,
) -> Category:
    """A category; a child takes its parent's direction unless one is given."""
    _require_perm(actor, "catalog.add_category")
    parent = _category(parent_id) if parent_id is not None else None
    if direction is None:
        if parent is None:
            raise RequiredFieldError(field="direction")
        direction = parent.direction
    slug = _slug(slug)
    if Category.objects.filter(slug=slug).exists():
        raise DuplicateSlugError(field="slug")
    return Category.objects.create(
        slug=slug,
        name=_text(name, field="name", max_length=60),
        name_en=_text(name_en, field="name_en", max_length=60, required=False),
        direction=_direction(direction),
        parent=parent,
        position=int_check(position, field="position", minimum=0, maximum=INT16_MAX),
    )


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


# --- products ----------------------------------------------------------------------------------

_PRODUCT_FIELDS = frozenset(
    {
        "name",
        "name_en",
        "description",
        "description_en",
        "category_id",
        "brand_id",
        "direction",
        "is_fresh",
        "needs_cold_chain",
        "shelf_life_days",
        "origin_village_id",
    }
)


def _product_apply(product: Product, fields: dict[str, Any]) -> None:
    """Validate and set product fields (shared by create and update)."""
    unknown = set(fields) - _PRODUCT_FIELDS
    if unknown:
        raise InvalidFieldError(field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in ("name", "name_en"):
            value = _text(value, field=name, max_length=120, required=name == "name")
        elif name in ("description", "description_en"):
            value = _long_text(value, field=name)
        elif name == "category_id":
            value = _category(value).pk
        elif name == "brand_id":
            brand = _brand(value)
            value = brand.pk if brand is not None else None
        elif name == "direction":
            value = _direction(value)
        elif name in ("is_fresh", "needs_cold_chain"):
            value = bool(value)
        elif name == "shelf_life_days":
            value = _positive_int(value, field=name)
        elif (
            name == "origin_village_id"
            and value is not None
            and not village_exists(village_id=value)
        ):
            raise InvalidFieldError(field=name)
        setattr(product, name, value)
    if product.needs_cold_chain and not product.is_fresh:
        raise InvalidColdChainError(field="needs_cold_chain")


@transaction.atomic
def product_create(
    *,
    actor: AnyUser,
    seller_id: int,
    category_id: int,
    name: str,
    direction: str | None = None,
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    brand_id: int | None = None,
    is_fresh: bool = False,
    needs_cold_chain: bool = False,
    shelf_life_days: int | None = None,
    origin_village_id: int | None = None,
) -> Product:
    """A new product in draft, for a shop the actor manages. Direction defaults to the
    category's (farm goods out, industrial goods in)."""
    _require_manage(actor, seller_id)
    category = _category(category_id)
    product = Product(seller_id=seller_id, status=_Status.DRAFT)
    _product_apply(
        product,
        {
            "name": name,
            "name_en": name_en,
            "description": description,
            "description_en": description_en,
            "category_id": category.pk,
            "brand_id": brand_id,
            "direction": direction or category.direction,
            "is_fresh": is_fresh,
            "needs_cold_chain": needs_cold_chain,
            "shelf_life_days": shelf_life_days,
            "origin_village_id": origin_village_id,
        },
    )
    product.save()
    return product


@transaction.atomic
def product_update(*, actor: AnyUser, product_id: int, **fields: Any) -> Product:
    """Change a product's details.

    A rejected or delisted product goes back to draft, to be submitted again. A LISTED product
    stays listed: sellers fix typos, prices and descriptions of goods on sale every day, and
    taking a harvest off sale for a review each time would cost them the season; reviewers can
    still delist it, and `updated_at` shows when it changed.
    """
    product = _product_locked(product_id)
    _require_manage(actor, product.seller_id)
    _product_apply(product, fields)
    if product.status in (_Status.REJECTED, _Status.DELISTED):
        product.status = _Status.DRAFT
    product.save()
    _reindex_on_commit([product.pk])
    return product


@transaction.atomic
def product_submit(*, actor: AnyUser, product_id: int) -> Product:
    """Send a product to staff review; it needs at least one active variant."""
    product = _product_locked(product_id)
    _require_manage(actor, product.seller_id)
    if product.status not in (_Status.DRAFT, _Status.REJECTED, _Status.DELISTED):
        raise InvalidProductStatusError
    if not product.variants.filter(is_active=True).exists():
        raise ProductHasNoActiveVariantError
    product.status = _Status.IN_REVIEW
    product.submitted_at = timezone.now()
    product.review_note = ""
    product.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])
    return product


@transaction.atomic
def product_review(*, reviewer: AnyUser, product_id: int, approve: bool, note: str = "") -> Product:
    """Staff list a product in review, or reject it with a note the seller reads."""
    _require_perm(reviewer, REVIEW_PERMISSION)
    product = _product_locked(product_id)
    if product.status != _Status.IN_REVIEW:
        raise InvalidProductStatusError
    note = _text(note, field="note", max_length=200, required=False)
    if approve:
        if seller_get(seller_id=product.seller_id).status != "approved":
            raise SellerNotApprovedError
        if not product.variants.filter(is_active=True).exists():
            raise ProductHasNoActiveVariantError
        product.status = _Status.LISTED
        product.listed_at = timezone.now()
    else:
        if not note:
            raise ReviewNoteRequiredError(field="note")
        product.status = _Status.REJECTED
    product.review_note = note
    product.save(update_fields=["status", "listed_at", "review_note", "updated_at"])
    _reindex_on_commit([product.pk])
    return product


@transaction.atomic
def product_delist(*, actor: AnyUser, product_id: int) -> Product:
    """Take a listed product off sale: its seller may, and so may reviewers."""
    product = _product_locked(product_id)
    if not _has_perm(actor, REVIEW_PERMISSION):
        _require_manage(actor, product.seller_id)
    if product.status != _Status.LISTED:
        raise InvalidProductStatusError
    product.status = _Status.DELISTED
    product.save(update_fields=["status", "updated_at"])
    _reindex_on_commit([product.pk])
    return product


def products_reindex(*, product_ids: Iterable[int]) -> None:
    """Bring the search index up to date for these products once the transaction commits
    (for writes made outside these services, such as the admin)."""
    _reindex_on_commit(product_ids)


# --- variants ----------------------------------------------------------------------------------


def _sku(value: str) -> str:
    return _text(value, field="sku", max_length=40)


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
    sku: str,
    name: str,
    unit: str,
    price: Decimal | str,
    net_weight_g: int | None = None,
    gtin: str = "",
    name_en: str = "",
) -> Variant:
    """An option of a product (a size or pack) with its own SKU, unit and price in CNY."""
    product = _product_locked(product_id)
    _require_manage(actor, product.seller_id)
    sku = _sku(sku)
    if Variant.objects.filter(sku=sku).exists():
        raise DuplicateSkuError(field="sku")
    variant = Variant(
        product=product,
        sku=sku,
        name=_text(name, field="name", max_length=60),
        name_en=_text(name_en, field="name_en", max_length=60, required=False),
        unit=_unit(unit),
        price=_price(price),
        net_weight_g=_positive_int(net_weight_g, field="net_weight_g"),
        gtin=_gtin(gtin),
        position=product.variants.count(),
    )
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:
        # Another request took the SKU between the check and the insert.
        raise DuplicateSkuError(field="sku") from None
    _reindex_on_commit([product.pk])
    return variant


_VARIANT_FIELDS = frozenset(
    {"sku", "name", "name_en", "unit", "price", "net_weight_g", "gtin", "is_active", "position"}
)


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


# --- photos ------------------------------------------------------------------------------------


@transaction.atomic
def product_photo_add(
    *, actor: AnyUser, product_id: int, image: IO[bytes] | Any, alt: str = ""
) -> ProductPhoto:
    """Add a photo: checked with Pillow, EXIF removed, 240 px and 720 px JPEG copies written.

    Raises InvalidImageError (`invalid_image`) or ImageTooLargeError (`image_too_large`).
    """
    product = _product_locked(product_id)
    _require_manage(actor, product.seller_id)
    alt = _text(alt, field="alt", max_length=120, required=False)
    processed = photo_process(image)
    photo = ProductPhoto(product=product, alt=alt, position=product.photos.count())
    # Files are written before the row; a rolled-back transaction leaves only orphan files,
    # never a row pointing at nothing.
    photo.image.save(processed.original.name or "photo", processed.original, save=False)
    photo.thumbnail.save(processed.thumbnail.name or "thumb.jpg", processed.thumbnail, save=False)
    photo.medium.save(processed.medium.name or "medium.jpg", processed.medium, save=False)
    photo.width, photo.height = processed.width, processed.height
    photo.save()
    return photo


# --- demo --------------------------------------------------------------------------------------


@transaction.atomic
def catalog_demo_load(*, sellers: dict[str, Any]) -> CatalogDemoResult:
    """Danzhai's categories, brands and about 25 listed products from the demo sellers.

    `sellers` is what `sellers.services.sellers_demo_load()` returns. Safe to run again:
    categories and brands are matched by slug, products by their variants' SKUs.
    """
    result = demo.demo_load(sellers=sellers)
    _reindex_on_commit(result.product_ids)
    return result.summary


def catalog_demo_generate(
    *, count: int, progress: Callable[[int], object] | None = None, seed: int = 2016
) -> int:
    """Bulk-create `count` plausible listed products (for benchmarks) and index them.

    Needs the demo categories, brands and at least one approved shop (`catalog_demo_load`).
    Commits in batches, calling `progress(n)` after each; returns how many were created.
    """
    return demo.demo_generate(count=count, progress=progress, seed=seed)
