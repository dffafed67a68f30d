"""Orders API under /api/v1/orders: checkout with an Idempotency-Key, the buyer's orders, one
order with its timeline, cancel, pay again, return, the next step for sellers and staff, and
the buyer's address book (/addresses, in api_addresses.py).

Errors answer `{"code", "message"}` (see xiangcun.api): insufficient_stock 409,
idempotency_conflict 409, invalid_transition 409, order_not_cancellable 409, invalid_input 422
(the body's shape), invalid_quantity / variant_unavailable / station_required /
invalid_address / invalid_phone / invalid_payment_method / invalid_payment (WeChat JSAPI
without payer_openid) ... 400, permission_denied 403,
order_not_found 404, not_authenticated 401. A quantity over what is left (insufficient_stock)
or over 99 per order (invalid_quantity) says the cart's own sentence, with `details`
`available`, `maximum` (the most that can be ordered now) and `requested`.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.schema import DjangoGetter
from pydantic import model_validator

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.accounts.types import AnyUser
from xiangcun.core.api import ErrorOut, PageNumber
from xiangcun.orders import selectors, services
from xiangcun.orders.api_addresses import router as addresses_router
from xiangcun.orders.errors import OrderNotPayableError, OrderPermissionDeniedError
from xiangcun.orders.models import Order, OrderEvent, OrderLine, ReturnRequest
from xiangcun.orders.types import OrderView

router = Router(auth=ApiTokenAuth())
router.add_router("/addresses", addresses_router)


ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422, 502), ErrorOut)


class ObjectIn(Schema):
    """A body that must be a JSON object. ninja's Schema also reads fields off any object's
    attributes (to load ORM rows), so without this a list such as `[null, null]` or a number
    would pass as an object with every default, and a cancel would go through."""

    @model_validator(mode="before")
    @classmethod
    def _json_object_only(cls, data: Any) -> Any:
        # Schema's own wrap validator has already put the body in a DjangoGetter.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict | Schema):
            # A ValueError, which pydantic reports as a validation error (422 invalid_input).
            raise ValueError("must be a JSON object")
        return data


class LineIn(ObjectIn):
    variant: int
    quantity: int


class AddressIn(ObjectIn):
    county_code: str = Field(
        "",
        description=(
            "Home delivery anywhere in mainland China: the county's (district's) GB/T 2260 "
            'code, e.g. "440106" for 天河区, 广州. With it, province, city and county may be '
            "left empty (they are filled from the code; given, they must match it: 400 "
            "division_mismatch), and detail, recipient and phone are required. Without it, "
            "the address is in the programme's own county, by township and village."
        ),
    )
    street: str = Field(
        "", description="Town or street (乡镇/街道) of an address by county_code; optional."
    )
    province: str = ""
    city: str = ""
    county: str = ""
    township: int | None = None
    village: int | None = None
    detail: str = ""
    recipient: str = ""
    phone: str = ""
    latitude: float | None = Field(
        None,
        description=(
            "Where the house is (WGS84 degrees, -90 to 90), e.g. from the phone's location, "
            "so the driver is guided to the door instead of the village centre. Send both "
            "latitude and longitude, or neither. Out of range or only one: 400 "
            "invalid_address_point; more than 100 km from the county: 400 "
            "address_point_out_of_area."
        ),
    )
    longitude: float | None = Field(
        None,
        description="Where the house is (WGS84 degrees, -180 to 180); see latitude.",
    )


class DeliveryIn(ObjectIn):
    method: str
    station: int | None = None
    address: AddressIn | None = None
    service: str | None = Field(
        None,
        description=(
            "For an address by county_code outside the county: the carrier service, as "
            '"<carrier>:<service>" from the quote (POST /api/v1/logistics/rates/quote), e.g. '
            '"sf:cold_chain". Left out: the cheapest option that can carry the goods. The fee '
            "is priced again when the order is placed; a service that cannot take the goods "
            "there is 400 shipping_service_unavailable."
        ),
    )


WECHAT_CHANNEL_HELP = (
    'For WeChat Pay, where the buyer pays: "native" (a QR code to scan, the default), "h5" '
    '(a phone browser; the answer\'s client_data.h5_url opens WeChat) or "jsapi" (inside '
    "WeChat; needs payer_openid, the answer's client_data.jsapi_params go to WeChat's "
    "payment sheet). Other ways of paying ignore it."
)
PAYER_OPENID_HELP = (
    "The buyer's openid for our official account, from WeChat's sign-in: required with "
    '"jsapi", else 400 invalid_payment (field payer_openid).'
)


class OrderIn(ObjectIn):
    lines: list[LineIn]
    delivery: DeliveryIn
    payment_method: str
    wechat_channel: str = Field("", description=WECHAT_CHANNEL_HELP)
    payer_openid: str = Field("", description=PAYER_OPENID_HELP)
    # For pickup: who collects the order (default: the buyer).
    recipient: str = ""
    phone: str = ""


class PayIn(ObjectIn):
    """How the buyer's device pays now; the body may be left out."""

    wechat_channel: str = Field("", description=WECHAT_CHANNEL_HELP)
    payer_openid: str = Field("", description=PAYER_OPENID_HELP)


class LineOut(Schema):
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
    returned_quantity: int
    fulfilment: str = Field(
        description=(
            'How far the line\'s seller has got: "open", "packing" or "shipped". A seller moves '
            "only their own lines; the order is packing from its first line packed and shipped "
            "when its last line is shipped."
        )
    )


class PaymentOut(Schema):
    number: str
    provider: str
    status: str
    client_data: dict[str, Any]


class EventOut(Schema):
    status: str
    note: str
    at: datetime


class ShippingOut(Schema):
    carrier: str = Field(description='The carrier\'s code, e.g. "sf".')
    service: str = Field(description='The carrier\'s service, e.g. "cold_chain".')


class PromisedDaysOut(Schema):
    min: int
    max: int


class OrderOut(Schema):
    id: int
    number: str
    status: str
    payment_method: str
    delivery_method: str
    station: int | None
    recipient: str
    address: str
    total: Decimal
    goods_total: Decimal
    delivery_fee: Decimal
    shipping_fee: Decimal = Field(
        description="What the buyer pays for delivery (the same as delivery_fee)."
    )
    county_code: str = Field(
        description="The destination county of a carrier delivery; empty for the county's own."
    )
    shipping: ShippingOut | None = Field(
        description="The carrier service of a delivery outside the county; null otherwise."
    )
    promised_days: PromisedDaysOut | None = Field(
        description="Delivery days promised at checkout (from, to); null for the county's own."
    )
    created_at: datetime
    expires_at: datetime | None
    paid_at: datetime | None
    lines: list[LineOut]


class OrderDetailOut(OrderOut):
    payment: PaymentOut | None = None
    timeline: list[EventOut] = Field(default_factory=list)


class OrderListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[OrderOut]


class PageIn(Schema):
    page: PageNumber = 1


class CancelIn(ObjectIn):
    reason: str = ""


class StatusIn(ObjectIn):
    status: str
    note: str = ""


class ReturnLineIn(ObjectIn):
    line: int
    quantity: int


class ReturnIn(ObjectIn):
    lines: list[ReturnLineIn]
    reason: str
    detail: str = ""


class ReturnOut(Schema):
    id: int
    order: int
    status: str
    reason: str
    amount: Decimal


def _line_out(line: OrderLine) -> LineOut:
    return LineOut(
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
        returned_quantity=line.returned_quantity,
        fulfilment=line.fulfilment,
    )


def _order_fields(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "payment_method": order.payment_method,
        "delivery_method": order.delivery_method,
        "station": order.station_id,
        "recipient": order.recipient,
        "address": order.address_text,
        "total": order.total,
        "goods_total": order.goods_total,
        "delivery_fee": order.delivery_fee,
        "shipping_fee": order.delivery_fee,
        "county_code": order.county_code,
        "shipping": (
            ShippingOut(carrier=order.shipping_carrier, service=order.shipping_service)
            if order.shipping_carrier
            else None
        ),
        "promised_days": (
            PromisedDaysOut(min=order.promised_days_min, max=order.promised_days_max)
            if order.promised_days_min is not None and order.promised_days_max is not None
            else None
        ),
        "created_at": order.created_at,
        "expires_at": order.expires_at,
        "paid_at": order.paid_at,
        "lines": [_line_out(line) for line in lines],
    }


def _payment_out(order: Order, user: AnyUser) -> PaymentOut | None:
    """The payment's status for whoever may see the order; client_data for the buyer only."""
    payment = selectors.order_payment(order=order, for_user=user)
    if payment is None:
        return None
    return PaymentOut(
        number=payment.number,
        provider=payment.provider,
        status=payment.status,
        client_data=payment.client_data,
    )


def _detail(
    order: Order,
    lines: list[OrderLine],
    events: list[OrderEvent] | None = None,
    *,
    user: AnyUser,
) -> OrderDetailOut:
    return OrderDetailOut(
        **_order_fields(order, lines),
        payment=_payment_out(order, user),
        timeline=[
            EventOut(status=event.status, note=event.text, at=event.created_at)
            for event in (events or [])
        ],
    )


def _client_ip(request: HttpRequest) -> str:
    """The buyer's address as WeChat Pay's H5 channel wants it (the proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or ""


@router.post(
    "",
    response={200: OrderDetailOut, 201: OrderDetailOut, **ERRORS},
    summary="Place an order (send an Idempotency-Key header so a retry cannot order twice)",
    description=(
        'With payment_method "wechat", `wechat_channel` says where the buyer pays and '
        "`payer_openid` who pays inside WeChat (JSAPI); `payment.client_data` in the answer "
        "holds what the device needs: code_url (native), h5_url (h5) or jsapi_params (jsapi). "
        "A JSAPI order without payer_openid is refused (400 invalid_payment) and nothing is "
        "written.\n\n"
        "Home delivery anywhere in mainland China: `delivery` "
        '`{"method": "home", "address": {"county_code": "440106", "detail", "recipient", '
        '"phone"}, "service": "sf:standard"}` (service optional: the cheapest that can). '
        "The service is priced again now; the answer carries `shipping_fee`, `shipping`, "
        "`promised_days` and the address. A county code that does not exist is 400 "
        "unknown_division, one outside the province or prefecture named is 400 "
        "division_mismatch, a phone that is not a mainland mobile 400 invalid_phone (field "
        "address.phone); fresh goods that cannot arrive in time are 409 cannot_ship_fresh "
        "with the reason, and no service to the province 409 no_shipping_to_destination. "
        "The Idempotency-Key's request includes the address and the service."
    ),
)
def order_create(request: HttpRequest, payload: OrderIn) -> Status[OrderDetailOut]:
    address = payload.delivery.address.dict() if payload.delivery.address is not None else None
    order = services.order_place(
        buyer=api_user(request),
        lines=[(line.variant, line.quantity) for line in payload.lines],
        delivery_method=payload.delivery.method,
        station_id=payload.delivery.station,
        address=address,
        payment_method=payload.payment_method,
        idempotency_key=request.headers.get("Idempotency-Key"),
        recipient=payload.recipient,
        phone=payload.phone,
        wechat_channel=payload.wechat_channel,
        payer_openid=payload.payer_openid,
        client_ip=_client_ip(request),
        shipping_service=payload.delivery.service or "",
    )
    lines = list(order.lines.order_by("seller_id", "id"))
    events = list(order.events.order_by("id"))
    return Status(
        200 if order.replayed else 201,
        _detail(order, lines, events, user=api_user(request)),
    )


@router.get("", response={200: OrderListOut, **ERRORS}, summary="My orders, newest first")
def order_list(request: HttpRequest, query: Query[PageIn]) -> OrderListOut:
    page = selectors.orders_for_buyer(user=api_user(request), page=query.page)
    return OrderListOut(
        count=page.count,
        page=page.page,
        pages=page.pages,
        items=[OrderOut(**_order_fields(order, list(order.lines.all()))) for order in page.items],
    )


def _get(request: HttpRequest, order_id: int) -> OrderView:
    return selectors.order_get(order_id=order_id, for_user=api_user(request))


@router.get(
    "/{int:order_id}",
    response={200: OrderDetailOut, **ERRORS},
    summary="One order with its timeline",
)
def order_detail(request: HttpRequest, order_id: int) -> OrderDetailOut:
    view = _get(request, order_id)
    return _detail(
        view.order,
        view.lines,
        selectors.order_timeline(order=view.order),
        user=api_user(request),
    )


@router.post("/{int:order_id}/cancel", response={200: OrderDetailOut, **ERRORS}, summary="Cancel")
def order_cancel(request: HttpRequest, order_id: int, payload: CancelIn) -> OrderDetailOut:
    _get(request, order_id)
    services.order_cancel(actor=api_user(request), order_id=order_id, reason=payload.reason)
    return order_detail(request, order_id)


@router.post(
    "/{int:order_id}/pay",
    response={200: PaymentOut, **ERRORS},
    summary="What the buyer's device needs to pay (again), optionally on another WeChat channel",
    description=(
        "While the order waits for payment, a pending payment is kept and a failed or expired "
        "one replaced. For a WeChat Pay order the optional body says where the buyer pays "
        'now: `wechat_channel` "native", "h5" or "jsapi" (with `payer_openid`). A '
        "pending payment made for another channel, or any pending H5 payment (WeChat's H5 "
        "link lasts five minutes), is closed and replaced; without `wechat_channel` the "
        "order's channel is kept. The answer's client_data holds code_url, h5_url or "
        "jsapi_params. Errors: invalid_payment_method (unknown channel), invalid_payment "
        "(jsapi without payer_openid), order_not_payable."
    ),
)
def order_pay(request: HttpRequest, order_id: int, payload: PayIn | None = None) -> PaymentOut:
    view = _get(request, order_id)
    if not view.is_buyer:
        raise OrderPermissionDeniedError
    order = view.order
    wechat_channel = payload.wechat_channel if payload is not None else ""
    payer_openid = payload.payer_openid if payload is not None else ""
    if order.status == Order.Status.PENDING_PAYMENT:
        order = services.order_payment_renew(
            actor=api_user(request),
            order_id=order_id,
            wechat_channel=wechat_channel,
            payer_openid=payer_openid,
            client_ip=_client_ip(request),
        )
    elif order.status != Order.Status.AWAITING_CASH:
        raise OrderNotPayableError
    payment = _payment_out(order, api_user(request))
    if payment is None:
        raise OrderNotPayableError
    return payment


@router.post(
    "/{int:order_id}/status",
    response={200: OrderDetailOut, **ERRORS},
    summary="Move the order one step (sellers and staff: packing, shipped, delivered...)",
    description=(
        "Staff move the whole order. A seller moves only their own lines, packing then "
        "shipped (409 invalid_transition when their lines are not at the step before): the "
        "order becomes packing with its first line packed and shipped with its last line "
        "shipped. A seller with no line in the order is refused (403), as is any step a "
        "seller may not take."
    ),
)
def order_status(request: HttpRequest, order_id: int, payload: StatusIn) -> OrderDetailOut:
    _get(request, order_id)
    services.order_transition(
        actor=api_user(request),
        order_id=order_id,
        to_status=payload.status,
        note=payload.note,
    )
    return order_detail(request, order_id)


@router.post(
    "/{int:order_id}/return", response={201: ReturnOut, **ERRORS}, summary="Ask for a return"
)
def order_return(request: HttpRequest, order_id: int, payload: ReturnIn) -> Status[ReturnOut]:
    _get(request, order_id)
    request_row: ReturnRequest = services.return_request(
        actor=api_user(request),
        order_id=order_id,
        lines=[(line.line, line.quantity) for line in payload.lines],
        reason=payload.reason,
        detail=payload.detail,
    )
    return Status(
        201,
        ReturnOut(
            id=request_row.pk,
            order=order_id,
            status=request_row.status,
            reason=request_row.reason,
            amount=request_row.amount,
        ),
    )
