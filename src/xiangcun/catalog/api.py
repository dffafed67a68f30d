"""Catalog API under /api/v1/catalog: search and product pages for anyone, writes for sellers.

Reads need no login. Writes take a bearer token (`ApiTokenAuth`) and the services check that
the caller manages the product's shop (403 `permission_denied` otherwise). Prices are decimal
strings in yuan ("12.50"), never floats.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from xiangcun.accounts.auth import ApiTokenAuth, api_user, api_viewer
from xiangcun.catalog import selectors, services
from xiangcun.catalog.cards import VARIANT_FIELDS, photo_urls
from xiangcun.catalog.models import Brand, Category, Certification, Product, ProductPhoto, Variant
from xiangcun.catalog.schemas import (
    BrandDetailOut,
    BrandListOut,
    BrandOut,
    CategoryListOut,
    CategoryOut,
    CertificationOut,
    ProductCreateIn,
    ProductDetailOut,
    ProductFilters,
    ProductOut,
    ProductPageOut,
    ProductPhotoOut,
    ProductReviewIn,
    ProductUpdateIn,
    VariantCreateIn,
    VariantOut,
    VariantUpdateIn,
)
from xiangcun.core.api import ErrorOut

router = Router()


_READ_ERRORS = {404: ErrorOut, 422: ErrorOut}
_WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                 422: ErrorOut}  # fmt: skip


# --- shaping -----------------------------------------------------------------------------------


def _url(field: Any) -> str:
    return field.url if field and field.name else ""


def _photo_out(photo: ProductPhoto) -> ProductPhotoOut:
    # The same shape as a list's first photo (`cards.photo_urls`).
    files = {name: getattr(photo, name).name for name in ("image", "thumbnail", "medium")}
    row = {"id": photo.pk, "width": photo.width, "height": photo.height, "alt": photo.alt}
    return ProductPhotoOut(**photo_urls({**row, **files}))


def _variant_out(variant: Variant, available: dict[int, int]) -> dict[str, Any]:
    # The fields of a variant as `cards.product_items` reads them.
    values = {field: getattr(variant, field) for field in VARIANT_FIELDS}
    return {**values, "available": available.get(variant.pk, 0)}


def _certification_out(cert: Certification) -> CertificationOut:
    return CertificationOut(
        kind=cert.kind,
        kind_label=str(cert.get_kind_display()),
        certificate_number=cert.certificate_number,
        issuer=cert.issuer,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        holder="brand" if cert.brand_id else "product" if cert.product_id else "shop",
    )


def _product_detail(product: Product, *, for_manager: bool = False) -> ProductDetailOut:
    (item,) = selectors.product_items(product_ids=[product.pk], all_variants=for_manager)
    return ProductDetailOut(
        **item,
        description=product.description,
        description_en=product.description_en,
        shelf_life_days=product.shelf_life_days,
        photos=[_photo_out(photo) for photo in product.photos.all()],
        certifications=[_certification_out(c) for c in selectors.product_certifications(product)],
        review_note=product.review_note,
        listed_at=product.listed_at,
    )


def _brand_fields(brand: Brand, counts: dict[int, Any]) -> dict[str, Any]:
    today = timezone.localdate()
    valid = [
        cert
        for cert in brand.certifications.all()
        if selectors.certification_is_valid(cert, on=today)
    ]
    figures = counts[brand.pk]
    return {
        "slug": brand.slug,
        "kind": brand.kind,
        "name": brand.name,
        "name_en": brand.name_en,
        "story": brand.story,
        "story_en": brand.story_en,
        "origin_text": brand.origin_text,
        "logo": _url(brand.logo),
        "certified": bool(valid),
        "certifications": [_certification_out(cert) for cert in valid],
        "products_count": figures.products,
        "sellers_count": figures.sellers,
    }


def _anonymous(request: HttpRequest) -> AnonymousUser:
    # Lets a route accept a token when one is sent and a visitor when none is.
    return AnonymousUser()


# --- reads -------------------------------------------------------------------------------------


def _relaxed_notice(searched: str) -> str:
    # The search page's wording (catalog/_results.html), one msgid for both.
    return gettext("No exact match; showing related goods for “%(searched)s”.") % {
        "searched": searched
    }


@router.get(
    "/products",
    response={200: ProductPageOut, **_READ_ERRORS},
    summary="Search listed products (Chinese, pinyin, initials, English) with filters",
)
def products_list(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    page = selectors.product_items_search(
        query=filters.q,
        category=filters.category,
        brand=filters.brand,
        township=filters.township,
        certified=filters.certified,
        direction=filters.direction,
        price_min=filters.price_min,
        price_max=filters.price_max,
        sort=filters.sort,
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "items": page.items,
        "count": page.count,
        "count_capped": page.count_capped,
        "count_text": page.count_text,
        "relaxed": page.relaxed,
        "searched": page.searched,
        "notice": _relaxed_notice(page.searched) if page.relaxed else "",
        "page": page.page,
        "pages": page.pages,
    }


@router.get(
    "/products/{product_id}",
    response={200: ProductDetailOut, **_READ_ERRORS},
    auth=[ApiTokenAuth(), _anonymous],
    summary="One product; unlisted ones only for the shop's managers and reviewers",
)
def product_detail(request: HttpRequest, product_id: int) -> ProductDetailOut:
    user = api_viewer(request)
    product = selectors.product_get(product_id=product_id, for_user=user, variants=False)
    manager = selectors.product_can_see_unlisted(user=user, product=product)
    return _product_detail(product, for_manager=manager)


@router.get(
    "/sellers/{seller_id}/products",
    response={200: list[ProductOut], **_READ_ERRORS},
    summary="A shop's listed products",
)
def seller_products(request: HttpRequest, seller_id: int) -> list[dict[str, Any]]:
    return selectors.product_items_for_seller(seller_id=seller_id)


@router.get("/brands", response=BrandListOut, summary="Active brands with their certificates")
def brands(request: HttpRequest) -> BrandListOut:
    rows = selectors.brands_list()
    counts = selectors.brand_counts(brand_ids=[brand.pk for brand in rows])
    items = [BrandOut(**_brand_fields(brand, counts)) for brand in rows]
    return BrandListOut(items=items, count=len(items))


@router.get(
    "/brands/{slug}",
    response={200: BrandDetailOut, **_READ_ERRORS},
    summary="A brand page: story, certificates, figures and its newest products",
)
def brand_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    brand = selectors.brand_get(slug=slug)
    counts = selectors.brand_counts(brand_ids=[brand.pk])
    page = selectors.product_items_search(brand=brand.slug, sort="new")
    return {**_brand_fields(brand, counts), "products": page.items}


@router.get("/categories", response=CategoryListOut, summary="The category tree")
def categories(request: HttpRequest) -> CategoryListOut:
    rows = selectors.categories_list()
    children: dict[int | None, list[Category]] = {}
    for category in rows:
        children.setdefault(category.parent_id, []).append(category)

    def node(category: Category) -> CategoryOut:
        return CategoryOut(
            slug=category.slug,
            name=category.name,
            name_en=category.name_en,
            direction=category.direction,
            children=[node(child) for child in children.get(category.pk, [])],
        )

    return CategoryListOut(items=[node(category) for category in children.get(None, [])])


# --- writes (sellers, agents for farmers, staff) -------------------------------------------------


def _detail_for(request: HttpRequest, product_id: int) -> ProductDetailOut:
    product = selectors.product_get(
        product_id=product_id, for_user=api_user(request), variants=False
    )
    return _product_detail(product, for_manager=True)


@router.post(
    "/products",
    response={201: ProductDetailOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Create a product (draft) for a shop you manage",
)
def product_create(request: HttpRequest, payload: ProductCreateIn) -> Status[ProductDetailOut]:
    product = services.product_create(actor=api_user(request), **payload.dict())
    return Status(201, _detail_for(request, product.pk))


@router.patch(
    "/products/{product_id}",
    response={200: ProductDetailOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Change a product of a shop you manage",
)
def product_update(
    request: HttpRequest, product_id: int, payload: ProductUpdateIn
) -> ProductDetailOut:
    services.product_update(
        actor=api_user(request), product_id=product_id, **payload.dict(exclude_unset=True)
    )
    return _detail_for(request, product_id)


@router.post(
    "/products/{product_id}/variants",
    response={201: VariantOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Add a variant (SKU, unit, price)",
)
def variant_create(
    request: HttpRequest, product_id: int, payload: VariantCreateIn
) -> Status[dict[str, Any]]:
    variant = services.variant_create(
        actor=api_user(request), product_id=product_id, **payload.dict()
    )
    available = selectors.variant_availability(variant_ids=[variant.pk])
    return Status(201, _variant_out(variant, available))


@router.patch(
    "/variants/{variant_id}",
    response={200: VariantOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Change a variant: price, unit, on sale or not",
)
def variant_update(
    request: HttpRequest, variant_id: int, payload: VariantUpdateIn
) -> dict[str, Any]:
    variant = services.variant_update(
        actor=api_user(request), variant_id=variant_id, **payload.dict(exclude_unset=True)
    )
    available = selectors.variant_availability(variant_ids=[variant.pk])
    return _variant_out(variant, available)


@router.post(
    "/products/{product_id}/submit",
    response={200: ProductDetailOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Send a product to staff review",
)
def product_submit(request: HttpRequest, product_id: int) -> ProductDetailOut:
    services.product_submit(actor=api_user(request), product_id=product_id)
    return _detail_for(request, product_id)


@router.post(
    "/products/{product_id}/delist",
    response={200: ProductDetailOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Take a listed product off sale",
)
def product_delist(request: HttpRequest, product_id: int) -> ProductDetailOut:
    services.product_delist(actor=api_user(request), product_id=product_id)
    return _detail_for(request, product_id)


@router.post(
    "/products/{product_id}/review",
    response={200: ProductDetailOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Staff: list a product in review, or reject it with a note",
)
def product_review(
    request: HttpRequest, product_id: int, payload: ProductReviewIn
) -> ProductDetailOut:
    services.product_review(
        reviewer=api_user(request),
        product_id=product_id,
        approve=payload.approve,
        note=payload.note,
    )
    return _detail_for(request, product_id)


@router.post(
    "/products/{product_id}/photos",
    response={201: ProductPhotoOut, 413: ErrorOut, **_WRITE_ERRORS},
    auth=ApiTokenAuth(),
    summary="Upload a photo (multipart field `image`: JPEG, PNG or WebP, at most 8 MB)",
)
def product_photo_add(
    request: HttpRequest, product_id: int, image: File[UploadedFile], alt: Form[str] = ""
) -> Status[ProductPhotoOut]:
    photo = services.product_photo_add(
        actor=api_user(request), product_id=product_id, image=image, alt=alt
    )
    return Status(201, _photo_out(photo))
