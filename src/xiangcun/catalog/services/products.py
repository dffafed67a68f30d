"""Products: created in draft, changed, sent to review, listed or rejected, delisted; their
photos; and the search index kept current with them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    InvalidColdChainError,
    InvalidFieldError,
    InvalidProductStatusError,
    ProductHasNoActiveVariantError,
    ReviewNoteRequiredError,
    SellerNotApprovedError,
    TrainingRequiredError,
)
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.images import photo_process
from xiangcun.catalog.models import KEEPS_DAYS_MAX, Product, ProductPhoto
from xiangcun.catalog.services._common import (
    REVIEW_PERMISSION,
    _brand,
    _category,
    _direction,
    _has_perm,
    _long_text,
    _positive_int,
    _product_locked,
    _reindex_on_commit,
    _require_manage,
    _require_perm,
    _Status,
    _text,
)
from xiangcun.regions.selectors import village_exists
from xiangcun.sellers.selectors import seller_get
from xiangcun.training.selectors import food_safety_certified

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
        "keep_frozen",
        "fragile",
        "keeps_days",
    }
)


def _cold_chain_check(product: Product) -> None:
    """Only fresh food travels cold, and frozen goods travel in the cold chain (database
    constraints hold both too)."""
    if product.needs_cold_chain and not product.is_fresh:
        raise InvalidColdChainError(field="needs_cold_chain")
    if product.keep_frozen and not product.needs_cold_chain:
        raise InvalidColdChainError(
            gettext_lazy("Frozen food travels in the cold chain: tick that as well."),
            field="keep_frozen",
        )


def _product_apply(product: Product, fields: dict[str, Any]) -> None:
    """Validate and set product fields (shared by create and update)."""
    unknown = set(fields) - _PRODUCT_FIELDS
    if unknown:
        raise InvalidFieldError(field=sorted(unknown)[0])
    was_fresh = product.is_fresh
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
        elif name in ("is_fresh", "needs_cold_chain", "keep_frozen", "fragile"):
            value = bool(value)
        elif name == "keeps_days":
            value = _positive_int(value, field=name, maximum=KEEPS_DAYS_MAX)
        elif name == "shelf_life_days":
            value = _positive_int(value, field=name)
        elif (
            name == "origin_village_id"
            and value is not None
            and not village_exists(village_id=value)
        ):
            raise InvalidFieldError(field=name)
        setattr(product, name, value)
    _cold_chain_check(product)
    # Fresh food is listed only by shops whose owner completed the food-safety course.
    if product.is_fresh and not was_fresh:
        owner = seller_get(seller_id=product.seller_id).owner
        if not food_safety_certified(user=owner):
            raise TrainingRequiredError(field="is_fresh")


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
    keep_frozen: bool = False,
    fragile: bool = False,
    keeps_days: int | None = None,
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
            "keep_frozen": keep_frozen,
            "fragile": fragile,
            "keeps_days": keeps_days,
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
    catalog_changed_on_commit()  # its page tells its manager the status
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
    return _photo_save(product, image, alt=alt)


def _photo_save(product: Product, image: IO[bytes] | Any, *, alt: str) -> ProductPhoto:
    """The upload through the photo pipeline, stored as the product's next photo (a seller's
    upload above, the demo's pictures in `demo_load`)."""
    processed = photo_process(image)
    photo = ProductPhoto(product=product, alt=alt, position=product.photos.count())
    # Files are written before the row; a rolled-back transaction leaves only orphan files,
    # never a row pointing at nothing.
    photo.image.save(processed.original.name or "photo", processed.original, save=False)
    photo.thumbnail.save(processed.thumbnail.name or "thumb.jpg", processed.thumbnail, save=False)
    photo.medium.save(processed.medium.name or "medium.jpg", processed.medium, save=False)
    photo.width, photo.height = processed.width, processed.height
    photo.save()
    catalog_changed_on_commit()
    return photo
