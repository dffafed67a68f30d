"""Inventory API: how many units a variant has, the offline stores, and stock changes by the
people who manage a seller (or warehouse staff).

Errors answer `{"code", "message"}` (see xiangcun.api): variant_not_found 404,
location_not_found 404, permission_denied 403, stock_view_denied 403 (stock per place of
another shop's product), insufficient_stock 409,
stock_below_reserved 409, location_inactive 409, invalid_quantity / location_not_for_seller
400, invalid_input 422; shipments into the county: inbound_not_found 404, invalid_inbound 400,
inbound_already_received 409.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router, Schema

from xiangcun.accounts.auth import ApiTokenAuth, api_user, api_viewer
from xiangcun.core.api import ErrorOut
from xiangcun.inventory import selectors, services
from xiangcun.inventory.errors import StockViewDeniedError
from xiangcun.inventory.models import InboundLine, InboundShipment, Stock
from xiangcun.inventory.types import StockLine

router = Router()


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Fallback for public routes: a visitor without a (valid) token reads as anonymous."""
    return AnonymousUser()


PUBLIC = [ApiTokenAuth(), _anonymous]


ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class StockLineOut(Schema):
    location_id: int
    location_code: str
    location_name: str
    location_kind: str
    sells_over_counter: bool
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int


class VariantStockOut(Schema):
    variant_id: int
    available: int
    # Only for warehouse staff and the seller's managers; null for everyone else.
    locations: list[StockLineOut] | None = None


class StockOut(Schema):
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int
    available: int


class ReceiveIn(Schema):
    variant_id: int
    location_id: int
    quantity: int
    note: str = ""
    reference: str = ""


class AdjustIn(Schema):
    variant_id: int
    location_id: int
    counted: int
    note: str = ""


class LocationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    sells_over_counter: bool


class LocationFilterIn(Schema):
    over_counter: bool | None = None
    kind: str | None = None


def _stock_line_out(line: StockLine) -> StockLineOut:
    return StockLineOut(
        location_id=line.location_id,
        location_code=line.location_code,
        location_name=line.location_name,
        location_kind=line.location_kind,
        sells_over_counter=line.sells_over_counter,
        on_hand=line.on_hand,
        reserved=line.reserved,
        available=line.available,
        low_stock_threshold=line.low_stock_threshold,
    )


def _stock_out(stock: Stock) -> StockOut:
    return StockOut(
        variant_id=stock.variant_id,
        location_id=stock.location_id,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        available=stock.on_hand - stock.reserved,
    )


@router.get(
    "/variants/{variant_id}/stock",
    auth=PUBLIC,
    response={200: VariantStockOut, **ERRORS},
    summary="Available units of a variant (per location for its managers)",
)
def variant_stock(request: HttpRequest, variant_id: int) -> VariantStockOut:
    user = api_viewer(request)
    selectors.variant_seller(variant_id=variant_id)  # 404 for an unknown variant
    available = selectors.available_by_variant(variant_ids=[variant_id])[variant_id]
    try:
        lines = selectors.stock_by_location(user=user, variant_id=variant_id)
    except StockViewDeniedError:
        # The total is public; the places are not.
        return VariantStockOut(variant_id=variant_id, available=available)
    return VariantStockOut(
        variant_id=variant_id,
        available=available,
        locations=[_stock_line_out(line) for line in lines],
    )


@router.get(
    "/variants/{variant_id}/stock/locations",
    auth=ApiTokenAuth(),
    response={200: list[StockLineOut], **ERRORS},
    summary="A variant's stock at each place (its shop's managers and warehouse staff only)",
    description=(
        "Anyone else gets 403 stock_view_denied; an unknown variant 404 variant_not_found."
    ),
)
def variant_stock_locations(request: HttpRequest, variant_id: int) -> list[StockLineOut]:
    user = api_user(request)
    return [
        _stock_line_out(line)
        for line in selectors.stock_by_location(user=user, variant_id=variant_id)
    ]


@router.post(
    "/stock/receive",
    auth=ApiTokenAuth(),
    response={200: StockOut, **ERRORS},
    summary="Record goods received",
)
def stock_receive(request: HttpRequest, payload: ReceiveIn) -> StockOut:
    stock = services.stock_receive(actor=api_user(request), **payload.dict())
    return _stock_out(stock)


@router.post(
    "/stock/adjust",
    auth=ApiTokenAuth(),
    response={200: StockOut, **ERRORS},
    summary="Set on-hand stock to a count",
)
def stock_adjust(request: HttpRequest, payload: AdjustIn) -> StockOut:
    stock = services.stock_adjust(actor=api_user(request), **payload.dict())
    return _stock_out(stock)


@router.get(
    "/locations",
    response={200: list[LocationOut], **ERRORS},
    summary="Active stock locations; over_counter=true gives the offline stores",
)
def locations(request: HttpRequest, filters: Query[LocationFilterIn]) -> list[LocationOut]:
    rows = selectors.locations_list(sells_over_counter=filters.over_counter, kind=filters.kind)
    return [
        LocationOut(
            id=row.pk,
            code=row.code,
            name=row.name,
            kind=row.kind,
            sells_over_counter=row.sells_over_counter,
        )
        for row in rows
    ]


# --- Shipments into the county (ASNs) -----------------------------------------------------------


class InboundLineIn(Schema):
    variant_id: int
    quantity: int


class InboundIn(Schema):
    seller_id: int
    carrier: str
    tracking_number: str
    expected_on: datetime.date
    lines: list[InboundLineIn]
    note: str = ""
    warehouse_id: int | None = None


class InboundLineOut(Schema):
    id: int
    variant_id: int
    product_name: str
    variant_name: str
    expected: int
    # Null until the warehouse has counted the line.
    received: int | None
    damaged: int
    short: int
    over: int
    good: int
    note: str


class InboundOut(Schema):
    id: int
    seller_id: int
    seller_name: str
    warehouse_id: int
    warehouse_name: str
    carrier: str
    tracking_number: str
    expected_on: datetime.date
    status: str
    note: str
    created_at: datetime.datetime
    received_at: datetime.datetime | None
    lines: list[InboundLineOut]


class InboundListOut(Schema):
    items: list[InboundOut]
    count: int


class InboundFilterIn(Schema):
    seller_id: int | None = None
    open_only: bool = False


class InboundReceiveLineIn(Schema):
    line_id: int
    received: int
    damaged: int = 0
    note: str = ""


class InboundReceiveIn(Schema):
    lines: list[InboundReceiveLineIn]


def _inbound_line_out(line: InboundLine) -> InboundLineOut:
    variant = line.variant
    return InboundLineOut(
        id=line.pk,
        variant_id=line.variant_id,
        product_name=variant.product.name,
        variant_name=variant.name,
        expected=line.expected,
        received=line.received,
        damaged=line.damaged,
        short=line.short,
        over=line.over,
        good=line.good,
        note=line.note,
    )


def _inbound_out(shipment: InboundShipment) -> InboundOut:
    return InboundOut(
        id=shipment.pk,
        seller_id=shipment.seller_id,
        seller_name=shipment.seller.name,
        warehouse_id=shipment.warehouse_id,
        warehouse_name=shipment.warehouse.name,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        expected_on=shipment.expected_on,
        status=shipment.status,
        note=shipment.note,
        created_at=shipment.created_at,
        received_at=shipment.received_at,
        lines=[_inbound_line_out(line) for line in shipment.lines.all()],
    )


@router.post(
    "/inbound",
    auth=ApiTokenAuth(),
    response={201: InboundOut, **ERRORS},
    summary="Announce a shipment of the seller's goods to the county warehouse (ASN)",
    description=(
        "For the shop's owner or an agent acting for it. Lines name the shop's own variants, "
        "each once, with the units sent. 400 invalid_inbound names the field."
    ),
)
def inbound_create(request: HttpRequest, payload: InboundIn) -> tuple[int, InboundOut]:
    user = api_user(request)
    shipment = services.inbound_create(
        actor=user,
        seller_id=payload.seller_id,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        expected_on=payload.expected_on,
        note=payload.note,
        warehouse_id=payload.warehouse_id,
        lines=[line.dict() for line in payload.lines],
    )
    return 201, _inbound_out(selectors.inbound_get(user=user, shipment_id=shipment.pk))


@router.get(
    "/inbound",
    auth=ApiTokenAuth(),
    response={200: InboundListOut, **ERRORS},
    summary="Shipment notices: a seller's own, or every one for warehouse staff",
)
def inbound_list(request: HttpRequest, filters: Query[InboundFilterIn]) -> InboundListOut:
    rows = selectors.inbound_list(
        user=api_user(request), seller_id=filters.seller_id, open_only=filters.open_only
    )
    items = [_inbound_out(row) for row in rows]
    return InboundListOut(items=items, count=len(items))


@router.get(
    "/inbound/{inbound_id}",
    auth=ApiTokenAuth(),
    response={200: InboundOut, **ERRORS},
    summary="One shipment notice with each line's differences (short, over, damaged)",
)
def inbound_detail(request: HttpRequest, inbound_id: int) -> InboundOut:
    return _inbound_out(selectors.inbound_get(user=api_user(request), shipment_id=inbound_id))


@router.post(
    "/inbound/{inbound_id}/receive",
    auth=ApiTokenAuth(),
    response={200: InboundOut, **ERRORS},
    summary="Receive lines of a shipment at the warehouse (warehouse staff)",
    description=(
        "Each line: the units that came and how many of them are damaged, with a reason when "
        "either differs from the notice. Good units go on hand at the warehouse. Sending the "
        "same count again changes nothing; another count for a received line is 409 "
        "inbound_already_received."
    ),
)
def inbound_receive(request: HttpRequest, inbound_id: int, payload: InboundReceiveIn) -> InboundOut:
    user = api_user(request)
    services.inbound_receive(
        actor=user, shipment_id=inbound_id, lines=[line.dict() for line in payload.lines]
    )
    return _inbound_out(selectors.inbound_get(user=user, shipment_id=inbound_id))
