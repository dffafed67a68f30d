"""Service-centre API: assisted orders (/api/v1/servicecenter/orders).

An agent orders for a resident who consented at their station, with an Idempotency-Key header
(the console makes one per order, offline too): the same key and body again answer the same
order (200) and create nothing, the same key with another body is 409 idempotency_conflict, a
missing or malformed key is 400 invalid_idempotency_key. Other errors: price_changed 409 and
insufficient_stock 409 (details.lines, one entry per line), no_open_drawer 409 (cash needs the
agent's open drawer), no_consent 403, not_an_agent / not_your_station 403,
assisted_order_not_found 404, invalid_input 400/422.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT32_MAX
from xiangcun.payments.errors import PaymentNotFoundError
from xiangcun.payments.selectors import payment_get
from xiangcun.servicecenter.errors import InvalidIdempotencyKeyError
from xiangcun.servicecenter.models import AssistedOrder
from xiangcun.servicecenter.selectors.orders import assisted_order_get, assisted_order_records
from xiangcun.servicecenter.services.orders import assisted_order_place

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)

# Bounded at the edge only; the per-order limit is the shop's one rule (orders.MAX_QUANTITY).
Quantity = Annotated[int, Field(ge=1, le=INT32_MAX)]
Price = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]


class AssistedLineIn(Schema):
    variant: Id
    quantity: Quantity


class AssistedDeliveryIn(Schema):
    method: Annotated[str, Field(max_length=20)] = "station_pickup"
    station: Id | None = None
    address: dict[str, Any] | None = Field(
        None, description="For home delivery: the address as /api/v1/orders takes it."
    )


class AssistedOrderIn(Schema):
    resident: Id = Field(
        description=(
            "The resident's id (GET /api/v1/servicecenter/residents), not a user id: many "
            "residents have no login, because a login needs a mobile number."
        )
    )
    lines: Annotated[list[AssistedLineIn], Field(min_length=1, max_length=50)]
    payment_method: Annotated[Text, Field(max_length=20)] = Field(
        description='"cash" (taken now), "cash_on_pickup" or "wechat" (a QR code to scan).'
    )
    delivery: AssistedDeliveryIn | None = Field(None, description="Default: the agent's station.")
    expected_prices: dict[Annotated[str, Field(max_length=20)], Price] | None = Field(
        None,
        description=(
            "The unit price the resident was told, per variant id: a price that moved since "
            "is 409 price_changed with every such line; nothing is repriced silently."
        ),
    )
    station: Id | None = Field(None, description="Staff above the agents name the station.")


class AssistedLineOut(Schema):
    id: int
    seller: int
    variant: int
    product: int
    product_name: str
    variant_name: str
    unit: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


class AssistedPaymentOut(Schema):
    number: str
    provider: str
    status: str
    code_url: str = Field("", description="WeChat Pay: the QR code for the resident to scan.")


class AssistedOrderOut(Schema):
    id: int
    number: str
    buyer: int | None = Field(description="The resident's login; null when they have none.")
    resident: int
    placed_by: int | None
    assisted_payment: str
    status: str
    payment_method: str
    delivery_method: str
    station: int | None
    recipient: str
    total: Decimal
    goods_total: Decimal
    delivery_fee: Decimal
    created_at: datetime
    paid_at: datetime | None
    lines: list[AssistedLineOut]
    payment: AssistedPaymentOut | None = None


class AssistedOrderListOut(Schema):
    items: list[AssistedOrderOut]
    count: int


class ListIn(Schema):
    status: Annotated[str, Field(max_length=24)] = Field(
        "", description='An order status, or "open" for those not completed or cancelled.'
    )
    station: Id | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


def _payment(order: Any, assisted_payment: str) -> AssistedPaymentOut | None:
    if not order.payment_number:
        return None
    try:
        intent = payment_get(number=order.payment_number)
    except PaymentNotFoundError:
        return None
    # The agent shows the QR code to the resident at the counter.
    code_url = ""
    if assisted_payment == AssistedOrder.Payment.WECHAT:
        code_url = str((intent.client_data or {}).get("code_url", ""))
    return AssistedPaymentOut(
        number=intent.number, provider=intent.provider, status=intent.status, code_url=code_url
    )


def _out(
    order: Any, *, resident_id: int, assisted_payment: str, with_payment: bool = True
) -> AssistedOrderOut:
    return AssistedOrderOut(
        id=order.pk,
        number=order.number,
        buyer=order.buyer_id,
        resident=resident_id,
        placed_by=order.placed_by_id,
        assisted_payment=assisted_payment,
        status=order.status,
        payment_method=order.payment_method,
        delivery_method=order.delivery_method,
        station=order.station_id,
        recipient=order.recipient,
        total=order.total,
        goods_total=order.goods_total,
        delivery_fee=order.delivery_fee,
        created_at=order.created_at,
        paid_at=order.paid_at,
        lines=[
            AssistedLineOut(
                id=line.pk,
                seller=line.seller_id,
                variant=line.variant_id,
                product=line.product_id,
                product_name=line.product_name,
                variant_name=line.variant_name,
                unit=line.unit,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in order.lines.all()
        ],
        payment=_payment(order, assisted_payment) if with_payment else None,
    )


@router.post(
    "/orders",
    response={200: AssistedOrderOut, 201: AssistedOrderOut, **ERRORS},
    summary="Order for a resident (send an Idempotency-Key header)",
)
def order_create(request: HttpRequest, payload: AssistedOrderIn) -> Status[AssistedOrderOut]:
    key = request.headers.get("Idempotency-Key")
    if not key:
        raise InvalidIdempotencyKeyError(field="idempotency_key")
    delivery = payload.delivery.dict() if payload.delivery is not None else None
    expected = None
    if payload.expected_prices is not None:
        expected = {}
        for variant, price in payload.expected_prices.items():
            try:
                expected[int(variant)] = price
            except ValueError:
                raise InvalidInputError(field="expected_prices") from None
    placed = assisted_order_place(
        actor=api_user(request),
        resident_id=payload.resident,
        lines=[(line.variant, line.quantity) for line in payload.lines],
        payment_method=payload.payment_method,
        idempotency_key=key,
        station_id=payload.station,
        delivery=delivery,
        expected_prices=expected,
    )
    body = _out(placed.order, resident_id=placed.resident_id, assisted_payment=placed.payment)
    return Status(201 if placed.created else 200, body)


@router.get(
    "/orders",
    response={200: AssistedOrderListOut, **ERRORS},
    summary="Your station's assisted orders, newest first",
)
def order_list(request: HttpRequest, query: Query[ListIn]) -> AssistedOrderListOut:
    rows = assisted_order_records(
        actor=api_user(request),
        station_id=query.station,
        status=query.status or None,
        limit=query.limit,
    )
    # Without the payment (one query each): the list stays one query however long it is.
    items = [
        _out(
            assisted.order,
            resident_id=assisted.resident_id,
            assisted_payment=assisted.payment,
            with_payment=False,
        )
        for assisted in rows
    ]
    return AssistedOrderListOut(items=items, count=len(items))


@router.get(
    "/orders/{int:order_id}",
    response={200: AssistedOrderOut, **ERRORS},
    summary="One assisted order of your station",
)
def order_detail(request: HttpRequest, order_id: int) -> AssistedOrderOut:
    assisted = assisted_order_get(actor=api_user(request), order_id=order_id)
    return _out(assisted.order, resident_id=assisted.resident_id, assisted_payment=assisted.payment)
