"""Sellers API: the shop directory, shop pages, applying for a shop, and staff review.

Errors answer `{"code", "message"}` (see xiangcun.api): seller_not_found 404,
permission_denied 403, invalid_seller_status 409, seller_application_pending 409,
invalid_seller_kind / invalid_name / unknown_village / invalid_phone 400, invalid_input 422.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth, api_user, api_viewer
from xiangcun.core.api import ErrorOut, PageNumber
from xiangcun.sellers import selectors, services
from xiangcun.sellers.models import Seller

router = Router()


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Fallback for public routes: a visitor without a (valid) token reads as anonymous."""
    return AnonymousUser()


PUBLIC = [ApiTokenAuth(), _anonymous]


ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class PlaceOut(Schema):
    id: int
    code: str
    name: str
    name_en: str


class SellerCardOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    kind_label: str
    township: PlaceOut | None
    village: PlaceOut | None
    origin_text: str
    logo_url: str | None


class SellerListOut(Schema):
    items: list[SellerCardOut]
    count: int
    page: int
    page_size: int


class SellerPhotoOut(Schema):
    url: str
    caption: str


class SellerDetailOut(SellerCardOut):
    status: str
    story: str
    story_en: str
    photos: list[SellerPhotoOut]
    products_count: int


class SellerFilterIn(Schema):
    township: str | None = None
    kind: str | None = None
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100)


class SellerApplyIn(Schema):
    kind: str
    name: str
    name_en: str = ""
    story: str = ""
    village_id: int | None = None
    origin_text: str = ""
    phone: str = ""


class SellerReviewIn(Schema):
    approve: bool
    note: str = ""


class NoteIn(Schema):
    note: str = ""


def _place(row: Any) -> PlaceOut | None:
    if row is None:
        return None
    return PlaceOut(id=row.id, code=row.code, name=row.name, name_en=row.name_en)


def _card(seller: Seller) -> dict[str, Any]:
    return {
        "id": seller.pk,
        "name": seller.name,
        "name_en": seller.name_en,
        "kind": seller.kind,
        "kind_label": str(seller.get_kind_display()),
        "township": _place(seller.township),
        "village": _place(seller.village),
        "origin_text": seller.origin_text,
        "logo_url": seller.logo.url if seller.logo else None,
    }


def _detail(seller: Seller) -> SellerDetailOut:
    counts = selectors.seller_product_counts(seller_ids=[seller.pk])
    return SellerDetailOut(
        **_card(seller),
        status=seller.status,
        story=seller.story,
        story_en=seller.story_en,
        photos=[SellerPhotoOut(url=p.image.url, caption=p.caption) for p in seller.photos.all()],
        products_count=counts.get(seller.pk, 0),
    )


@router.get("", response={200: SellerListOut, **ERRORS}, summary="Approved shops")
def sellers_index(request: HttpRequest, filters: Query[SellerFilterIn]) -> SellerListOut:
    rows = selectors.sellers_list(township_code=filters.township, kind=filters.kind)
    start = (filters.page - 1) * filters.page_size
    items = [SellerCardOut(**_card(s)) for s in rows[start : start + filters.page_size]]
    return SellerListOut(
        items=items, count=rows.count(), page=filters.page, page_size=filters.page_size
    )


@router.post(
    "", auth=ApiTokenAuth(), response={201: SellerDetailOut, **ERRORS}, summary="Apply for a shop"
)
def seller_apply(request: HttpRequest, payload: SellerApplyIn) -> Status[SellerDetailOut]:
    user = api_user(request)
    seller = services.seller_apply(owner=user, **payload.dict())
    seller = selectors.seller_shop_get(seller_id=seller.pk, for_user=user)
    return Status(201, _detail(seller))


@router.get(
    "/managed",
    auth=ApiTokenAuth(),
    response={200: list[SellerCardOut], **ERRORS},
    summary="Shops I may manage",
)
def sellers_managed(request: HttpRequest) -> list[SellerCardOut]:
    rows = selectors.sellers_managed_by(user=api_user(request))
    return [SellerCardOut(**_card(s)) for s in rows]


@router.get(
    "/{seller_id}", auth=PUBLIC, response={200: SellerDetailOut, **ERRORS}, summary="Shop page"
)
def seller_detail(request: HttpRequest, seller_id: int) -> SellerDetailOut:
    return _detail(selectors.seller_shop_get(seller_id=seller_id, for_user=api_viewer(request)))


def _reviewed(request: HttpRequest, seller: Seller) -> SellerDetailOut:
    return _detail(selectors.seller_shop_get(seller_id=seller.pk, for_user=api_user(request)))


@router.post(
    "/{seller_id}/review",
    auth=ApiTokenAuth(),
    response={200: SellerDetailOut, **ERRORS},
    summary="Approve or reject an application (staff)",
)
def seller_review(request: HttpRequest, seller_id: int, payload: SellerReviewIn) -> SellerDetailOut:
    seller = services.seller_review(
        reviewer=api_user(request),
        seller_id=seller_id,
        approve=payload.approve,
        note=payload.note,
    )
    return _reviewed(request, seller)


@router.post(
    "/{seller_id}/suspend",
    auth=ApiTokenAuth(),
    response={200: SellerDetailOut, **ERRORS},
    summary="Suspend an approved shop (staff)",
)
def seller_suspend(request: HttpRequest, seller_id: int, payload: NoteIn) -> SellerDetailOut:
    seller = services.seller_suspend(
        reviewer=api_user(request),
        seller_id=seller_id,
        note=payload.note,
    )
    return _reviewed(request, seller)


@router.post(
    "/{seller_id}/reinstate",
    auth=ApiTokenAuth(),
    response={200: SellerDetailOut, **ERRORS},
    summary="Let a suspended shop trade again (staff)",
)
def seller_reinstate(request: HttpRequest, seller_id: int, payload: NoteIn) -> SellerDetailOut:
    seller = services.seller_reinstate(
        reviewer=api_user(request),
        seller_id=seller_id,
        note=payload.note,
    )
    return _reviewed(request, seller)
