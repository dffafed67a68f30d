"""Every write of the orders app: the cart, checkout, payment, the order's steps and returns.

Rules every function keeps:
- checks first, then writes, all in one transaction; a failed checkout writes nothing;
- stock rows are locked by `inventory.services.stock_reserve` as the LAST step of a checkout,
  so the rows every buyer of a flash sale queues on are held only for the reservation itself;
- lock order is payment intent, then order (the payments callback runs with the intent
  locked, so every path here that also touches the payment calls payments before it locks
  the order), then stock rows;
- SMS and other side effects are queued with `transaction.on_commit`.
"""

import hashlib
import json
import logging
import math
import re
import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import SMS_TEXT, AnyUser, Role, SmsParam
from xiangcun.catalog.selectors import (
    variant_availability,
    variant_on_sale,
    variants_for_order,
)
from xiangcun.core.errors import InvalidInputError, XiangcunError
from xiangcun.core.validators import INT64_MAX, int_check, mobile_normalize, text_check
from xiangcun.inventory.errors import (
    InsufficientStockError,
    ReservationExpiredError,
    ReservationNotFoundError,
)
from xiangcun.inventory.services import (
    reservation_consume,
    reservation_release,
    stock_reserve,
)
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    COMMISSION_INCOME,
    DELIVERY_INCOME,
    EntryKind,
    seller_payable_account,
)
from xiangcun.orders.errors import (
    AddressPointOutOfAreaError,
    AddressRequiredError,
    CartLineNotFoundError,
    CashNotCollectedError,
    IdempotencyConflictError,
    InvalidAddressError,
    InvalidAddressPointError,
    InvalidDeliveryMethodError,
    InvalidIdempotencyKeyError,
    InvalidOrderLinesError,
    InvalidPaymentMethodError,
    InvalidQuantityError,
    InvalidRecipientError,
    InvalidReturnLinesError,
    InvalidReturnReasonError,
    InvalidTransitionError,
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderNotPayableError,
    OrderPermissionDeniedError,
    ReturnAlreadyDecidedError,
    ReturnNotAllowedError,
    ReturnNotFoundError,
    StationRequiredError,
    StationUnavailableError,
    VariantUnavailableError,
)
from xiangcun.orders.models import (
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    ReturnLine,
    ReturnRequest,
)
from xiangcun.orders.types import Move
from xiangcun.payments.errors import (
    InvalidPaymentDataError,
    PaymentNotPendingError,
    RefundNotFoundError,
)
from xiangcun.payments.selectors import payment_get, refund_get
from xiangcun.payments.services import (
    payment_cancel,
    payment_confirm_cash,
    payment_lock,
    payment_open,
    payment_prepare,
    payment_sync,
    refund_create,
)
from xiangcun.payments.types import PaymentResult, RefundCompleted
from xiangcun.regions.errors import CountyNotConfiguredError, StationNotFoundError
from xiangcun.regions.selectors import county_get_default, station_get
from xiangcun.regions.services import address_create
from xiangcun.sellers.selectors import seller_can_manage

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
MAX_LINES = 50
MAX_QUANTITY = 999
# Ids beyond a 64-bit integer would make the database raise instead of finding nothing.
MAX_ID = 2**62
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{1,64}$")
# The stock hold outlives the payment window a little, so `orders_expire` (which cancels the
# order and releases the hold together) normally runs before inventory's own expiry does.
RESERVATION_GRACE = timedelta(minutes=5)
# A payment that arrived after its order was cancelled is refunded at once; when the provider
# could not be reached then, `late_payments_refund` tries again for this long.
LATE_REFUND_RETRY = timedelta(days=3)
# Ledger entry kinds: the allocation of a paid order and the reversal of a refunded return.
ALLOCATION_KIND = EntryKind.PAYMENT
REVERSAL_KIND = EntryKind.REFUND

Status = Order.Status

# --- Who may move an order where: the one table ------------------------------------------------

_PACKING_STAFF = frozenset({Role.WAREHOUSE, Role.PACKER, Role.ADMIN})
_SHIPPING_STAFF = frozenset({Role.WAREHOUSE, Role.PACKER, Role.DRIVER, Role.COURIER, Role.ADMIN})
_DELIVERY_STAFF = frozenset({Role.DRIVER, Role.COURIER, Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_CANCEL_STAFF = frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_RETURN_STAFF = frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
# Who turns a parcel back undelivered: the road staff after the third failed delivery, the
# station agent when nobody collected it, the warehouse.
_UNDELIVERED_STAFF = frozenset({Role.DRIVER, Role.COURIER, Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_UNDELIVERED = Move(staff=_UNDELIVERED_STAFF, system=True, via="order_refund_undelivered")
# Staff who may open any order (to pack, carry, hand over or help a buyer).
ORDER_VIEW_STAFF = _PACKING_STAFF | _SHIPPING_STAFF | _DELIVERY_STAFF | {Role.PROGRAMME_MANAGER}

TRANSITIONS: dict[tuple[str, str], Move] = {
    (Status.PENDING_PAYMENT, Status.PAID): Move(system=True, via="order_mark_paid"),
    (Status.PENDING_PAYMENT, Status.CANCELLED): Move(
        buyer=True, staff=_CANCEL_STAFF, system=True, via="order_cancel"
    ),
    (Status.AWAITING_CASH, Status.PAID): Move(system=True, via="order_mark_paid"),
    (Status.AWAITING_CASH, Status.CANCELLED): Move(
        buyer=True, staff=_CANCEL_STAFF, system=True, via="order_cancel"
    ),
    # Cash on delivery: packed and sent before the cash, which is taken at the hand-over.
    (Status.AWAITING_CASH, Status.PACKING): Move(seller=True, staff=_PACKING_STAFF),
    (Status.PAID, Status.PACKING): Move(seller=True, staff=_PACKING_STAFF),
    (Status.PACKING, Status.SHIPPED): Move(seller=True, staff=_SHIPPING_STAFF),
    (Status.SHIPPED, Status.DELIVERED): Move(staff=_DELIVERY_STAFF),
    (Status.DELIVERED, Status.COMPLETED): Move(
        buyer=True, staff=frozenset({Role.ADMIN}), system=True
    ),
    (Status.DELIVERED, Status.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    (Status.COMPLETED, Status.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    # A partial refund leaves units that may still be returned.
    (Status.REFUNDED, Status.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    (Status.RETURN_REQUESTED, Status.REFUNDED): Move(system=True, via="return_decide"),
    # A rejected return puts the order back where it was.
    (Status.RETURN_REQUESTED, Status.DELIVERED): Move(staff=_RETURN_STAFF, via="return_decide"),
    (Status.RETURN_REQUESTED, Status.COMPLETED): Move(staff=_RETURN_STAFF, via="return_decide"),
    # A payment that lands after the order expired revives it if the stock is still there.
    (Status.CANCELLED, Status.PAID): Move(system=True, via="order_mark_paid"),
    # The parcel comes back without ever being handed over (three failed deliveries, or never
    # collected from its station); logistics asks, as the staff member who turned it back.
    # Paid: every unit goes back through a return approved at once, whose refund then moves
    # the order to refunded (return_requested -> refunded above). Cash never taken: the order
    # is cancelled. Packing too, for a parcel turned back before its order was marked shipped.
    (Status.PACKING, Status.RETURN_REQUESTED): _UNDELIVERED,
    (Status.SHIPPED, Status.RETURN_REQUESTED): _UNDELIVERED,
    (Status.PACKING, Status.CANCELLED): _UNDELIVERED,
    (Status.SHIPPED, Status.CANCELLED): _UNDELIVERED,
}

# A seller moves their own lines, never the whole order: each step a line may take (to: from),
# and the steps of the order while its sellers may move lines. The order becomes packing when
# its first line does and shipped when its last line is shipped (`order_transition`).
Fulfilment = OrderLine.Fulfilment
_LINE_STEPS: dict[str, str] = {
    Fulfilment.PACKING: Fulfilment.OPEN,
    Fulfilment.SHIPPED: Fulfilment.PACKING,
}
_SELLER_STAGES = frozenset({Status.PAID, Status.AWAITING_CASH, Status.PACKING})

_SMS_STATUSES = {
    Status.PAID,
    Status.SHIPPED,
    Status.DELIVERED,
    Status.REFUNDED,
    Status.CANCELLED,
}


# --- Settings ---------------------------------------------------------------------------------


def _decimal_setting(name: str, default: str) -> Decimal:
    return Decimal(str(getattr(settings, name, default)))


def delivery_fee_home() -> Decimal:
    return _decimal_setting("ORDER_DELIVERY_FEE_HOME", "8.00")


def free_delivery_over() -> Decimal:
    return _decimal_setting("ORDER_FREE_DELIVERY_OVER", "99.00")


def commission_rate() -> Decimal:
    return _decimal_setting("ORDER_COMMISSION_RATE", "0.05")


def payment_window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PAYMENT_WINDOW_MINUTES", 30)))


def cash_hold() -> timedelta:
    return timedelta(hours=int(getattr(settings, "ORDER_CASH_HOLD_HOURS", 72)))


def address_point_max_km() -> Decimal:
    """How far from the county centre a shared home location may be. The county is about
    40 km across; anything much further is a wrong fix (or a phone in another province)."""
    return _decimal_setting("ORDER_ADDRESS_POINT_MAX_KM", "100")


def delivery_fee_for(*, delivery_method: str, goods_total: Decimal) -> Decimal:
    """Home delivery costs the flat fee unless the goods reach the free-delivery amount;
    pickup at a station or the county shop is free."""
    if delivery_method != Order.Delivery.HOME:
        return Decimal("0.00")
    if goods_total >= free_delivery_over():
        return Decimal("0.00")
    return delivery_fee_home().quantize(CENT, rounding=ROUND_HALF_UP)


def commission_for(goods: Decimal) -> Decimal:
    """The platform's commission on one seller's goods: the rate, ROUND_HALF_UP to the fen."""
    return (goods * commission_rate()).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Small helpers ----------------------------------------------------------------------------


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _quantity(value: object, *, field: str = "quantity") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        raise InvalidQuantityError(field=field)
    return value


def _roles(actor: AnyUser | None) -> set[str]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return set()
    return {str(role) for role in user_roles(user=actor)}


def _actor_id(actor: AnyUser | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _is_buyer(actor: AnyUser | None, order: Order) -> bool:
    actor_id = _actor_id(actor)
    return actor_id is not None and actor_id in (order.buyer_id, order.placed_by_id)


def _is_seller_of(actor: AnyUser | None, order: Order) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    seller_ids = set(OrderLine.objects.filter(order=order).values_list("seller_id", flat=True))
    return any(seller_can_manage(user=actor, seller_id=seller_id) for seller_id in seller_ids)


def _may_move(actor: AnyUser | None, order: Order, move: Move) -> bool:
    if _may_move_whole(actor, order, move):
        return True
    return actor is not None and move.seller and _is_seller_of(actor, order)


def _may_move_whole(actor: AnyUser | None, order: Order, move: Move) -> bool:
    """The platform, staff or the buyer: whoever may move the whole order along `move` (a
    seller moves only their own lines; see `order_transition`)."""
    if actor is None:
        return move.system
    if move.staff and _roles(actor) & move.staff:
        return True
    return move.buyer and _is_buyer(actor, order)


def _own_seller_ids(actor: AnyUser | None, order: Order) -> list[int]:
    """The shops with lines in this order that `actor` manages (decided by sellers, on each
    shop's owner)."""
    if actor is None or not actor.is_authenticated:
        return []
    seller_ids = set(OrderLine.objects.filter(order=order).values_list("seller_id", flat=True))
    return [
        seller_id
        for seller_id in sorted(seller_ids)
        if seller_can_manage(user=actor, seller_id=seller_id)
    ]


def _order_locked(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    return order


def _event(order: Order, *, actor: AnyUser | None, note: str = "") -> None:
    OrderEvent.objects.create(
        order=order, status=order.status, note=note[:200], actor_id=_actor_id(actor)
    )


def _sms(order: Order, text: str, **values: SmsParam) -> None:
    """Text the buyer. `text` is a msgid (gettext_noop): the SMS task translates it into the
    buyer's language when it sends it, and puts in `values`, which hold nothing secret."""
    if order.phone:
        sms_queue(phone=order.phone, kind=SMS_TEXT, params={"text": text, **values})


def _status_sms(order: Order) -> None:
    if order.status not in _SMS_STATUSES:
        return
    with translation.override(None):
        label = str(Status(order.status).label)  # its msgid, translated when the text is sent
    _sms(
        order,
        gettext_noop("Xiangcun order %(number)s: %(status)s."),
        number=order.number,
        status=label,
        translate=["status"],
    )


def _set_status(
    order: Order,
    *,
    to_status: str,
    actor: AnyUser | None,
    note: str = "",
    via: str = "",
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Move a locked order along the table, record the step and text the buyer."""
    move = TRANSITIONS.get((order.status, to_status))
    if move is None or move.via != via:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    order.status = to_status
    order.save(update_fields=["status", "updated_at", *extra_fields])
    _event(order, actor=actor, note=note)
    _status_sms(order)


def _stock_reference(order: Order) -> str:
    return f"order:{order.number}"


def _order_id_from_reference(reference: str) -> int | None:
    prefix, _sep, rest = (reference or "").partition(":")
    if prefix != "order" or not rest.isdigit():
        return None
    return int(rest)


# --- Cart -------------------------------------------------------------------------------------


def _variant_on_sale(variant_id: object) -> int:
    if not _is_id(variant_id):
        raise VariantUnavailableError(field="variant_id")
    variant = variants_for_order(variant_ids=[variant_id]).get(variant_id)
    if variant is None or not variant_on_sale(variant):
        raise VariantUnavailableError(field="variant_id", variant_id=variant_id)
    return variant_id


@transaction.atomic
def cart_for(*, user: AnyUser | None = None, session_key: str | None = None) -> Cart:
    """The signed-in user's cart, or the guest cart of this session; created when missing."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user_id=user.pk)
        return cart
    if not session_key:
        raise InvalidInputError(_("Open the cart from a browser session."), field="session_key")
    cart, _created = Cart.objects.get_or_create(session_key=session_key[:40])
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Put units in the cart; adding a product already there adds to its quantity."""
    quantity = _quantity(quantity)
    variant_id = _variant_on_sale(variant_id)
    line, created = CartLine.objects.get_or_create(
        cart=cart, variant_id=variant_id, defaults={"quantity": quantity}
    )
    if not created:
        line = CartLine.objects.select_for_update().get(pk=line.pk)
        line.quantity = _quantity(line.quantity + quantity)
        line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant_id: int, quantity: int) -> CartLine | None:
    """Set a cart line's quantity; 0 takes the product out of the cart (answers None)."""
    int_check(variant_id, field="variant_id", minimum=1, maximum=INT64_MAX)
    if quantity == 0:
        cart_remove(cart=cart, variant_id=variant_id)
        return None
    quantity = _quantity(quantity)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant_id=variant_id).first()
    if line is None:
        raise CartLineNotFoundError(field="variant_id")
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, variant_id: int) -> None:
    int_check(variant_id, field="variant_id", minimum=1, maximum=INT64_MAX)
    CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    """Empty the cart (after a checkout)."""
    CartLine.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_merge(*, session_key: str, user: AnyUser) -> Cart:
    """At login: the guest cart's lines join the user's cart (quantities add up, at most the
    per-line limit) and the guest cart goes."""
    cart = cart_for(user=user)
    guest = Cart.objects.filter(session_key=session_key, user__isnull=True).first()
    if guest is None or not session_key:
        return cart
    mine = {
        line.variant_id: line for line in CartLine.objects.select_for_update().filter(cart=cart)
    }
    for line in CartLine.objects.filter(cart=guest).order_by("pk"):
        existing = mine.get(line.variant_id)
        if existing is None:
            CartLine.objects.create(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
        else:
            existing.quantity = min(MAX_QUANTITY, existing.quantity + line.quantity)
            existing.save(update_fields=["quantity", "updated_at"])
    guest.delete()
    return cart


# --- Checkout ---------------------------------------------------------------------------------


def _lines_normalized(lines: object) -> list[tuple[int, int]]:
    """(variant_id, quantity) pairs, repeated variants added together, first order kept."""
    if not isinstance(lines, list | tuple) or not 1 <= len(lines) <= MAX_LINES:
        raise InvalidOrderLinesError(field="lines")
    merged: dict[int, int] = {}
    for index, line in enumerate(lines):
        if not isinstance(line, list | tuple) or len(line) != 2:
            raise InvalidOrderLinesError(field=f"lines.{index}")
        variant_id, quantity = line
        if not _is_id(variant_id):
            raise VariantUnavailableError(field=f"lines.{index}.variant", variant_id=variant_id)
        merged[variant_id] = merged.get(variant_id, 0) + _quantity(
            quantity, field=f"lines.{index}.quantity"
        )
        if merged[variant_id] > MAX_QUANTITY:
            raise InvalidQuantityError(field=f"lines.{index}.quantity")
    return list(merged.items())


_ADDRESS_FIELDS = ("province", "city", "county", "detail", "recipient", "phone")


def _address_normalized(address: object) -> dict[str, Any]:
    if not isinstance(address, dict):
        raise AddressRequiredError(field="address")
    clean: dict[str, Any] = {}
    for name in _ADDRESS_FIELDS:
        value = address.get(name, "")
        if not isinstance(value, str) or not value.strip():
            raise InvalidAddressError(field=f"address.{name}")
        clean[name] = value.strip()
    for name in ("township", "village"):
        value = address.get(name)
        if value is not None and not _is_id(value):
            raise InvalidAddressError(field=f"address.{name}")
        clean[name] = value
    clean["phone"] = mobile_normalize(clean["phone"])
    point = _address_point(address)
    # Only when given, so a request without a point keeps the fingerprint it always had.
    if point is not None:
        clean["latitude"], clean["longitude"] = point
    return clean


# Six places, as stored: about 0.1 m, far finer than any phone's fix.
POINT_PLACES = Decimal("0.000001")
EARTH_RADIUS_KM = 6371.0088


def _coordinate(value: object, *, field: str, limit: int) -> Decimal:
    """A latitude or longitude as sent (a JSON number, or the text of a form field), rounded
    to the stored six places; anything else is InvalidAddressPointError."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidAddressPointError(field=field)
    if isinstance(value, str) and len(value) > 32:
        raise InvalidAddressPointError(field=field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidAddressPointError(field=field) from None
    if not number.is_finite() or abs(number) > limit:
        raise InvalidAddressPointError(field=field)
    return number.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def _address_point(address: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    """The spot the buyer shared (`latitude`, `longitude`: both or neither), or None."""
    latitude, longitude = address.get("latitude"), address.get("longitude")
    if latitude in (None, "") and longitude in (None, ""):
        return None
    if latitude in (None, ""):
        raise InvalidAddressPointError(field="address.latitude")
    if longitude in (None, ""):
        raise InvalidAddressPointError(field="address.longitude")
    return (
        _coordinate(latitude, field="address.latitude", limit=90),
        _coordinate(longitude, field="address.longitude", limit=180),
    )


def _distance_km(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> float:
    """Great-circle (haversine) distance: plenty for "is this near the county at all"."""
    lat1, lng1, lat2, lng2 = (math.radians(float(v)) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _address_point_check_area(point: tuple[Decimal, Decimal]) -> None:
    """Refuse a point absurdly far from the county centre (when the county has one)."""
    try:
        county = county_get_default()
    except CountyNotConfiguredError:
        return
    if county.latitude is None or county.longitude is None:
        return
    distance = _distance_km(point, (county.latitude, county.longitude))
    limit = address_point_max_km()
    if distance > limit:
        raise AddressPointOutOfAreaError(
            field="address.latitude", distance_km=round(distance), max_km=int(limit)
        )


def _fingerprint(payload: dict[str, Any]) -> str:
    # default=str: a home point is Decimal ("26.200000"), written as its exact text.
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _order_number() -> str:
    # XC + date + 10 random digits: unguessable from the previous order, 22 characters.
    return f"XC{timezone.localdate():%y%m%d}{secrets.randbelow(10**10):010d}"


def _replay(existing: Order, fingerprint: str) -> Order:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflictError(field="idempotency_key")
    existing.replayed = True
    return existing


def _variants_for(lines: list[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """What checkout copies onto the order lines, per variant; every variant must be on sale."""
    found = variants_for_order(variant_ids=[variant_id for variant_id, _q in lines])
    for index, (variant_id, _units) in enumerate(lines):
        variant = found.get(variant_id)
        if variant is None or not variant_on_sale(variant):
            raise VariantUnavailableError(field=f"lines.{index}.variant", variant_id=variant_id)
    return {
        variant.pk: {
            "name": variant.name,
            "sku": variant.sku,
            "unit": variant.unit,
            "price": variant.price,
            "product_id": variant.product_id,
            "product__name": variant.product.name,
            "product__seller_id": variant.product.seller_id,
        }
        for variant in found.values()
    }


def order_place(
    *,
    buyer: AnyUser | None,
    lines: list[tuple[int, int]],
    delivery_method: str,
    station_id: int | None,
    address: dict[str, Any] | None,
    payment_method: str,
    idempotency_key: str | None,
    placed_by: AnyUser | None = None,
    recipient: str = "",
    phone: str = "",
    wechat_channel: str = "",
    client_ip: str = "",
    return_url: str = "",
    payer_openid: str = "",
) -> Order:
    """Check out (see `_order_placed`), then start the payment at its provider.

    The order, its lines, its pending payment and the stock it holds are committed first; only
    then is WeChat Pay asked for its prepay (`payment_prepare`), outside any transaction, so no
    stock row or order waits on WeChat. If WeChat fails, the order stays placed with its
    payment pending and unprepared: the buyer pays again from the order (`order_payment_renew`,
    or a retry of the checkout with the same Idempotency-Key), which asks WeChat again under
    the same payment number, so a payment can never be taken twice. Call it outside a
    transaction (pages and the API do).
    """
    text_check(
        idempotency_key=idempotency_key or "",
        recipient=recipient,
        phone=phone,
        wechat_channel=wechat_channel,
        client_ip=client_ip,
        return_url=return_url,
        payer_openid=payer_openid,
    )
    order = _order_placed(
        buyer=buyer,
        lines=lines,
        delivery_method=delivery_method,
        station_id=station_id,
        address=address,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
        placed_by=placed_by,
        recipient=recipient,
        phone=phone,
        wechat_channel=wechat_channel,
        client_ip=client_ip,
        return_url=return_url,
        payer_openid=payer_openid,
    )
    _payment_ready(order, payer_openid=payer_openid, client_ip=client_ip)
    return order


def _payment_ready(order: Order, *, payer_openid: str, client_ip: str) -> None:
    """After checkout committed: have the provider prepare the order's payment if it is not
    yet (WeChat Pay), outside any transaction. A failure is logged and leaves the payment
    pending and unprepared, for the buyer to try again."""
    if order.status != Status.PENDING_PAYMENT or not order.payment_number:
        return
    try:
        payment_prepare(number=order.payment_number, payer_openid=payer_openid, client_ip=client_ip)
    except XiangcunError as error:
        logger.warning(
            "Order %s: payment %s not prepared (%s); the buyer can pay again",
            order.number,
            order.payment_number,
            error.code,
        )


@transaction.atomic
def _order_placed(
    *,
    buyer: AnyUser | None,
    lines: list[tuple[int, int]],
    delivery_method: str,
    station_id: int | None,
    address: dict[str, Any] | None,
    payment_method: str,
    idempotency_key: str | None,
    placed_by: AnyUser | None = None,
    recipient: str = "",
    phone: str = "",
    wechat_channel: str = "",
    client_ip: str = "",
    return_url: str = "",
    payer_openid: str = "",
) -> Order:
    """Check out: one order for goods from several sellers, stock held, a payment started.

    Idempotent on `idempotency_key` (per buyer): the same key with the same request answers
    the order already placed (`order.replayed` is True), with a different request raises
    IdempotencyConflictError. Short stock raises inventory's InsufficientStockError and
    writes nothing.
    """
    # --- checks of the request's shape (deterministic, no database) ---
    normalized = _lines_normalized(lines)
    if delivery_method not in Order.Delivery.values:
        raise InvalidDeliveryMethodError(field="delivery.method")
    if payment_method not in Order.PaymentMethod.values:
        raise InvalidPaymentMethodError(field="payment_method")
    channel = ""
    if payment_method == Order.PaymentMethod.WECHAT:
        channel = wechat_channel or "native"
        if channel not in ("native", "jsapi", "h5"):
            raise InvalidPaymentMethodError(field="wechat_channel")
        _wechat_payer_check(channel, payer_openid=payer_openid, client_ip=client_ip)
    elif payment_method == Order.PaymentMethod.CASH:
        channel = "delivery" if delivery_method == Order.Delivery.HOME else "station"
    clean_address: dict[str, Any] | None = None
    if delivery_method == Order.Delivery.HOME:
        clean_address = _address_normalized(address)
        station_id = None
    elif station_id is None:
        raise StationRequiredError(field="delivery.station")
    elif not _is_id(station_id):
        raise StationUnavailableError(field="delivery.station")
    if buyer is not None and not buyer.is_authenticated:
        buyer = None
    buyer_id = buyer.pk if buyer is not None else None
    scoped_key = None
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise InvalidIdempotencyKeyError(field="idempotency_key")
        scoped_key = f"{buyer_id or 'guest'}:{idempotency_key}"
    fingerprint = _fingerprint(
        {
            "lines": normalized,
            "delivery": delivery_method,
            "station": station_id,
            "address": clean_address,
            "payment": payment_method,
            "channel": channel,
            "recipient": recipient.strip(),
            "phone": phone.strip(),
        }
    )

    # --- a retry answers the order it already placed ---
    if scoped_key is not None:
        existing = Order.objects.filter(idempotency_key=scoped_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)

    # --- checks against the database ---
    variants = _variants_for(normalized)
    if station_id is not None:
        try:
            station_get(station_id=station_id)
        except StationNotFoundError as error:
            raise StationUnavailableError(field="delivery.station") from error
    if clean_address is not None and "latitude" in clean_address:
        _address_point_check_area((clean_address["latitude"], clean_address["longitude"]))
    # A read without locks: a sold-out flash sale turns buyers away here, before any write.
    available = variant_availability(variant_ids=[variant_id for variant_id, _q in normalized])
    for variant_id, quantity in normalized:
        if available.get(variant_id, 0) < quantity:
            raise InsufficientStockError(
                variant_id=variant_id, requested=quantity, available=available.get(variant_id, 0)
            )

    township_id = village_id = None
    if clean_address is not None:
        try:
            saved = address_create(
                province=clean_address["province"],
                city=clean_address["city"],
                county=clean_address["county"],
                detail=clean_address["detail"],
                recipient=clean_address["recipient"],
                phone=clean_address["phone"],
                township_id=clean_address["township"],
                village_id=clean_address["village"],
            )
        except XiangcunError as error:
            raise InvalidAddressError(
                error.message, field=f"address.{error.field or 'detail'}"
            ) from error
        recipient_name, recipient_phone = saved.recipient, saved.phone
        township_id, village_id = saved.township_id, saved.village_id
        address_text = "".join(
            part
            for part in (
                saved.province,
                saved.city,
                saved.county,
                saved.township_name,
                saved.village_name,
                saved.detail,
            )
            if part
        )
    else:
        address_text = ""
        recipient_phone = phone.strip() or str(getattr(buyer, "phone", "") or "")
        # A buyer who never gave a name collects the order by their phone number.
        recipient_name = (
            recipient.strip() or str(getattr(buyer, "name", "") or "") or recipient_phone
        )
        if not recipient_name or len(recipient_name) > 64:
            raise InvalidRecipientError(field="recipient")
        recipient_phone = mobile_normalize(recipient_phone)

    # --- amounts: prices copied now, so catalogue edits never change a placed order ---
    goods_total = sum(
        (variants[variant_id]["price"] * quantity for variant_id, quantity in normalized),
        Decimal("0.00"),
    ).quantize(CENT)
    fee = delivery_fee_for(delivery_method=delivery_method, goods_total=goods_total)
    now = timezone.now()
    is_cash = payment_method == Order.PaymentMethod.CASH
    hold = cash_hold() if is_cash else payment_window()

    order = Order(
        buyer_id=buyer_id,
        placed_by_id=_actor_id(placed_by) or buyer_id,
        status=Status.AWAITING_CASH if is_cash else Status.PENDING_PAYMENT,
        payment_method=payment_method,
        delivery_method=delivery_method,
        station_id=station_id,
        recipient=recipient_name,
        phone=recipient_phone,
        address_text=address_text[:300],
        township_id=township_id,
        village_id=village_id,
        latitude=clean_address.get("latitude") if clean_address else None,
        longitude=clean_address.get("longitude") if clean_address else None,
        goods_total=goods_total,
        delivery_fee=fee,
        total=goods_total + fee,
        idempotency_key=scoped_key,
        request_fingerprint=fingerprint,
        expires_at=now + hold,
    )
    for _attempt in range(3):
        order.number = _order_number()
        try:
            # A savepoint: a concurrent request with the same key waits here on the unique
            # index until the first commits, then reads the order that one placed.
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            if scoped_key is not None:
                existing = Order.objects.filter(idempotency_key=scoped_key).first()
                if existing is not None:
                    return _replay(existing, fingerprint)
    else:  # pragma: no cover - three random 10-digit collisions in a row
        raise IntegrityError("could not find a free order number")

    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                seller_id=variants[variant_id]["product__seller_id"],
                variant_id=variant_id,
                product_id=variants[variant_id]["product_id"],
                product_name=variants[variant_id]["product__name"][:120],
                variant_name=variants[variant_id]["name"][:60],
                sku=variants[variant_id]["sku"],
                unit=variants[variant_id]["unit"],
                unit_price=variants[variant_id]["price"],
                quantity=quantity,
                line_total=variants[variant_id]["price"] * quantity,
            )
            for variant_id, quantity in sorted(
                normalized, key=lambda line: (variants[line[0]]["product__seller_id"], line[0])
            )
        ]
    )
    # Opened here, prepared at the provider after commit (`_payment_ready`).
    intent = payment_open(
        provider=payment_method,
        reference=f"order:{order.pk}",
        amount=order.total,
        description=gettext("Xiangcun order %(number)s") % {"number": order.number},
        channel=channel,
        # Cash waits for the hand-over; the order's own hold decides when it lapses.
        expires_at=None if is_cash else order.expires_at,
        client_ip=client_ip,
        payer_openid=payer_openid,
        return_url=return_url,
    )
    order.payment_number = intent.number
    order.save(update_fields=["payment_number", "updated_at"])
    _event(order, actor=placed_by or buyer, note=gettext("Order placed"))
    # Last, so the stock rows every buyer queues on are locked as briefly as possible.
    stock_reserve(
        lines=normalized,
        reference=_stock_reference(order),
        ttl_seconds=int((hold + RESERVATION_GRACE).total_seconds()),
    )
    if is_cash:
        text = gettext_noop(
            "Xiangcun order %(number)s placed: ¥%(total)s, to be paid in cash on delivery "
            "or at pickup."
        )
    else:
        text = gettext_noop(
            "Xiangcun order %(number)s placed: ¥%(total)s. Please pay within %(minutes)d minutes."
        )
    minutes = int(payment_window().total_seconds() // 60)
    _sms(order, text, number=order.number, total=str(order.total), minutes=minutes)
    return order


# --- Payment ----------------------------------------------------------------------------------


def _stock_consume(order: Order) -> bool:
    """Take the held units out of stock; hold them again first if the hold lapsed. False when
    the stock has gone to someone else meanwhile."""
    reference = _stock_reference(order)
    try:
        reservation_consume(reference=reference)
        return True
    except (ReservationExpiredError, ReservationNotFoundError):
        pass
    lines = [(line.variant_id, line.quantity) for line in order.lines.all()]
    try:
        with transaction.atomic():
            reservation_release(reference=reference)
            stock_reserve(lines=lines, reference=reference, ttl_seconds=60)
            reservation_consume(reference=reference)
    except InsufficientStockError:
        return False
    return True


def _allocation_lines(order: Order) -> list[tuple[str, Decimal]]:
    """Dr clearing for the whole payment; Cr each seller their goods less commission, Cr the
    platform's commission and the delivery fee. Sums to zero by construction."""
    goods: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in order.lines.all():
        goods[line.seller_id] += line.line_total
    entries: list[tuple[str, Decimal]] = [(BUYER_PAYMENTS_CLEARING, order.total)]
    commission_total = Decimal("0.00")
    for seller_id in sorted(goods):
        commission = commission_for(goods[seller_id])
        commission_total += commission
        entries.append((seller_payable_account(seller_id), -(goods[seller_id] - commission)))
    if commission_total:
        entries.append((COMMISSION_INCOME, -commission_total))
    if order.delivery_fee:
        entries.append((DELIVERY_INCOME, -order.delivery_fee))
    return entries


def _unwanted_refund_number(payment_number: str) -> str:
    # One refund per unwanted payment, so retries and repeated notifications find it again.
    return f"{payment_number}R"


def _unwanted_payment_refund(
    order: Order, *, payment_number: str, amount: Decimal, reason: str, retry: bool = False
) -> bool:
    """Send back a whole payment the order does not need (it arrived after the order was
    cancelled, or the order was already paid), through its provider. Runs with the payment
    locked (inside payments' callback, or after `payment_lock`). The ledger needs nothing
    more than the refund's own entry: the payment was never allocated, so Dr clearing / Cr
    provider undoes Dr provider / Cr clearing. A provider that cannot be reached does not undo
    the payment: it stays booked and `late_payments_refund` tries again. False then."""
    try:
        # A savepoint: a refused refund leaves the payment and the order as they were.
        with transaction.atomic():
            refund_create(
                number=payment_number,
                amount=amount,
                reason=reason[:80],
                refund_number=_unwanted_refund_number(payment_number),
            )
    except XiangcunError:
        logger.exception("Could not refund payment %s of order %s", payment_number, order.number)
        if not retry:
            _event(
                order,
                actor=None,
                note=gettext("%(reason)s: the refund of ¥%(amount)s will be tried again.")
                % {"reason": reason, "amount": amount},
            )
        return False
    _event(
        order,
        actor=None,
        note=gettext("%(reason)s: ¥%(amount)s is refunded the way it was paid.")
        % {"reason": reason, "amount": amount},
    )
    _sms(
        order,
        gettext_noop(
            "Xiangcun order %(number)s: your payment of ¥%(amount)s is not needed (%(reason)s) "
            "and is being refunded the way you paid."
        ),
        number=order.number,
        amount=str(amount),
        reason=str(reason),
    )
    return True


@transaction.atomic
def order_mark_paid(*, reference: str, payment_number: str, amount: Decimal) -> Order | None:
    """A payment for `order:<id>` succeeded (called by payments, inside its transaction).

    The order becomes paid, its held stock is sold, and the money is allocated in the ledger.
    A second call for the same order changes nothing. Answers None for payments of anything
    other than an order.
    """
    text_check(reference=reference, payment_number=payment_number)
    order_id = _order_id_from_reference(reference)
    if order_id is None:
        return None
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        logger.error("Payment %s names order %s, which does not exist", payment_number, order_id)
        return None
    if order.paid_at is not None:
        if payment_number and payment_number != order.payment_number:
            # Another attempt of the same order was paid as well: that money is not wanted.
            logger.error("Order %s paid twice: payment %s refunded", order.number, payment_number)
            _unwanted_payment_refund(
                order, payment_number=payment_number, amount=amount, reason=gettext("Paid twice")
            )
        return order
    if amount != order.total:
        logger.error(
            "Payment %s of %s for order %s due %s",
            payment_number,
            amount,
            order.number,
            order.total,
        )
    order.paid_at = timezone.now()
    order.payment_number = payment_number or order.payment_number
    in_stock = _stock_consume(order)
    if order.status == Status.CANCELLED and not in_stock:
        # Money arrived for an order that expired and whose goods are gone: nothing is sold and
        # nothing allocated; the payment goes straight back the way it came. Only this first
        # call gets here (`paid_at` is set now), so a repeated notification refunds nothing.
        order.save(update_fields=["paid_at", "payment_number", "updated_at"])
        logger.warning("Order %s paid after cancellation with no stock left", order.number)
        _unwanted_payment_refund(
            order,
            payment_number=order.payment_number,
            amount=amount,
            reason=gettext("Paid after cancellation"),
        )
        return order
    entry_post(
        kind=ALLOCATION_KIND,
        reference=f"order:{order.number}",
        lines=_allocation_lines(order),
        memo=f"order {order.number}"[:200],
    )
    if order.status in (Status.PENDING_PAYMENT, Status.AWAITING_CASH, Status.CANCELLED):
        order.expires_at = None
        order.cancelled_at = None
        _set_status(
            order,
            to_status=Status.PAID,
            actor=None,
            via="order_mark_paid",
            note=gettext("Payment received"),
            extra_fields=("paid_at", "payment_number", "expires_at", "cancelled_at"),
        )
    else:
        # Cash on delivery: the order is already on its way; only the money is new.
        order.save(update_fields=["paid_at", "payment_number", "updated_at"])
        _event(order, actor=None, note=gettext("Cash received"))
    return order


def payment_succeeded_handle(result: PaymentResult) -> None:
    """Registered with payments: runs inside the transaction that records the payment."""
    order_mark_paid(reference=result.reference, payment_number=result.number, amount=result.amount)


@transaction.atomic
def order_confirm_cash(*, actor: AnyUser, order_id: int, station_id: int) -> Order:
    """Staff took the cash for an order (at the station or at the door): the payment is
    confirmed with payments, whose callback makes the order paid."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.payment_method != Order.PaymentMethod.CASH or order.paid_at is not None:
        raise OrderNotPayableError
    if order.status == Status.CANCELLED:
        raise OrderNotPayableError
    payment_confirm_cash(actor=actor, number=order.payment_number, station_id=station_id)
    order.refresh_from_db()
    return order


def _wechat_payer_check(channel: str, *, payer_openid: str, client_ip: str) -> None:
    """What WeChat Pay would refuse for the channel, refused before anything is written."""
    if channel == "jsapi" and not payer_openid.strip():
        raise InvalidPaymentDataError(
            gettext("Paying inside WeChat needs the buyer's WeChat account (payer_openid)."),
            field="payer_openid",
        )
    if channel == "h5" and not client_ip:
        raise InvalidPaymentDataError(field="client_ip")


def order_payment_renew(
    *,
    actor: AnyUser,
    order_id: int,
    return_url: str = "",
    wechat_channel: str = "",
    payer_openid: str = "",
    client_ip: str = "",
) -> Order:
    """The buyer pays again (see `_order_payment_renewed`); then, after that committed and
    outside any transaction, the provider prepares the payment if it is not yet: the new one,
    or the pending one whose preparation failed at checkout. A provider that fails raises
    ProviderError (the buyer tries again); the order and its payment stay as they were."""
    text_check(
        return_url=return_url,
        wechat_channel=wechat_channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
    )
    current = Order.objects.filter(pk=order_id).first()
    if current is not None and _is_buyer(actor, current):
        # A payment made meanwhile makes the order paid; nothing is renewed then.
        _payment_news(current)
    order = _order_payment_renewed(
        actor=actor,
        order_id=order_id,
        return_url=return_url,
        wechat_channel=wechat_channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
    )
    # The replaced payment was closed at WeChat once that committed; had it been paid after
    # all, the order is paid now and the new payment is not prepared.
    order = Order.objects.get(pk=order.pk)
    if order.status == Status.PENDING_PAYMENT and order.payment_number:
        payment_prepare(number=order.payment_number, payer_openid=payer_openid, client_ip=client_ip)
    return order


@transaction.atomic
def _order_payment_renewed(
    *,
    actor: AnyUser,
    order_id: int,
    return_url: str = "",
    wechat_channel: str = "",
    payer_openid: str = "",
    client_ip: str = "",
) -> Order:
    """The buyer pays again after a declined or lapsed attempt: while the order still waits
    for payment, a pending payment is kept and a failed or expired one is replaced.

    `wechat_channel` is the WeChat Pay channel of the buyer's device now: a pending payment
    made for another channel (the order was placed on a computer, is paid on a phone) is
    closed and replaced, and so is a pending H5 one (WeChat's H5 link lasts five minutes).
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if not _is_buyer(actor, order):
        raise OrderPermissionDeniedError
    now = timezone.now()
    if order.status != Status.PENDING_PAYMENT or (order.expires_at and order.expires_at <= now):
        raise OrderNotPayableError
    intent = payment_get(number=order.payment_number)
    channel = intent.channel
    if wechat_channel and order.payment_method == Order.PaymentMethod.WECHAT:
        if wechat_channel not in ("native", "jsapi", "h5"):
            raise InvalidPaymentMethodError(field="wechat_channel")
        channel = wechat_channel
    usable = channel == intent.channel and not (wechat_channel and channel == "h5")
    pending = str(intent.status) == "pending" and (
        intent.expires_at is None or intent.expires_at > now
    )
    if pending and usable:
        return order
    # Refused before the payment the buyer still has is closed at WeChat.
    _wechat_payer_check(channel, payer_openid=payer_openid, client_ip=client_ip)
    if pending:
        if not _payment_stop(order):
            # Paid meanwhile: payments recorded it and the order is paid now.
            return _order_locked(order_id)
    elif str(intent.status) not in ("pending", "failed", "cancelled"):
        raise OrderNotPayableError
    renewed = payment_open(
        provider=order.payment_method,
        reference=f"order:{order.pk}",
        amount=order.total,
        description=gettext("Xiangcun order %(number)s") % {"number": order.number},
        channel=channel,
        expires_at=order.expires_at,
        payer_openid=payer_openid,
        client_ip=client_ip,
        return_url=return_url,
    )
    order = _order_locked(order_id)
    order.payment_number = renewed.number
    order.save(update_fields=["payment_number", "updated_at"])
    return order


# --- Steps of the order -----------------------------------------------------------------------


@transaction.atomic
def order_transition(
    *, actor: AnyUser | None, order_id: int, to_status: str, note: str = ""
) -> Order:
    """Move an order one step along the table (packing, shipped, delivered, completed), if
    `actor` may. Payment, cancellation and returns have their own services.

    Staff move the whole order, and its lines with it. A seller moves only the lines of their
    own shop (packing, then shipped), never another seller's goods nor the order as such: the
    order becomes packing when its first line does, and shipped when its last line is shipped.
    """
    text_check(note=note)
    if to_status not in Status.values:
        raise InvalidTransitionError(to_status=to_status)
    order = _order_locked(order_id)
    move = TRANSITIONS.get((order.status, to_status))
    if move is not None and move.via:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status, use=move.via)
    if move is None or not _may_move_whole(actor, order, move):
        seller_ids = _own_seller_ids(actor, order) if to_status in _LINE_STEPS else []
        if seller_ids:
            return _seller_lines_move(
                order, actor=actor, seller_ids=seller_ids, to_status=to_status, note=note
            )
        if move is None:
            raise InvalidTransitionError(from_status=order.status, to_status=to_status)
        raise OrderPermissionDeniedError
    if (
        to_status == Status.DELIVERED
        and order.payment_method == Order.PaymentMethod.CASH
        and order.paid_at is None
    ):
        raise CashNotCollectedError
    if to_status in _LINE_STEPS:
        # The whole order, so every line that has not got this far yet.
        OrderLine.objects.filter(order=order).exclude(
            fulfilment__in=(to_status, Fulfilment.SHIPPED)
        ).update(fulfilment=to_status)
    _order_step(order, to_status=to_status, actor=actor, note=note)
    return order


def _order_step(order: Order, *, to_status: str, actor: AnyUser | None, note: str) -> None:
    extra: tuple[str, ...] = ()
    if to_status == Status.PACKING and order.status == Status.AWAITING_CASH:
        # Cash on delivery: the goods leave stock now; the hold must not lapse on the road.
        reservation_consume(reference=_stock_reference(order))
        order.expires_at = None
        extra = ("expires_at",)
    if to_status == Status.COMPLETED:
        order.completed_at = timezone.now()
        extra = ("completed_at",)
    _set_status(order, to_status=to_status, actor=actor, note=note, extra_fields=extra)


def _seller_lines_move(
    order: Order, *, actor: AnyUser | None, seller_ids: list[int], to_status: str, note: str
) -> Order:
    """A seller's own lines of a locked order take one step; the order follows its lines."""
    if order.status not in _SELLER_STAGES:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    lines = list(
        OrderLine.objects.filter(order=order, seller_id__in=seller_ids)
        .select_related("seller")
        .order_by("pk")
    )
    for line in lines:
        if line.fulfilment != _LINE_STEPS[to_status]:
            raise InvalidTransitionError(
                from_status=line.fulfilment, to_status=to_status, order_line_id=line.pk
            )
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(fulfilment=to_status)
    shops = "、".join(sorted({str(line.seller) for line in lines}))
    if to_status == Fulfilment.PACKING:
        step = gettext("%(shop)s is packing its goods.") % {"shop": shops}
    else:
        step = gettext("%(shop)s has sent its goods.") % {"shop": shops}
    note = (note or "").strip() or step
    if order.status in (Status.PAID, Status.AWAITING_CASH):
        _order_step(order, to_status=Status.PACKING, actor=actor, note=note)
    elif to_status == Fulfilment.SHIPPED and not (
        OrderLine.objects.filter(order=order).exclude(fulfilment=Fulfilment.SHIPPED).exists()
    ):
        _order_step(order, to_status=Status.SHIPPED, actor=actor, note=note)
    else:
        # The order stays where it is; the buyer's timeline still shows the shop's step.
        _event(order, actor=actor, note=note)
    return order


def _cancel_locked(order: Order, *, actor: AnyUser | None, reason: str) -> None:
    reservation_release(reference=_stock_reference(order))
    order.cancelled_at = timezone.now()
    order.expires_at = None
    _set_status(
        order,
        to_status=Status.CANCELLED,
        actor=actor,
        via="order_cancel",
        note=reason or gettext("Order cancelled"),
        extra_fields=("cancelled_at", "expires_at"),
    )


def _payment_stop(order: Order) -> bool:
    """Stop the pending payment before the order is locked (intent, then order). False if the
    payment went through already (payments recorded it and our callback ran).

    Only the decision is made here, in the caller's transaction: WeChat Pay is asked to close
    the payment after that has committed (`payment_cancel`). If WeChat says then that it was
    paid meanwhile, the success comes to `order_mark_paid` as a payment of a cancelled order
    (sold if the stock is still there, otherwise refunded); if WeChat cannot be reached, the
    payment stays closing and payments' poller closes it later."""
    if not order.payment_number:
        return True
    try:
        intent = payment_cancel(number=order.payment_number)
    except PaymentNotPendingError:
        return False
    return str(intent.status) in ("cancelled", "failed", "closing")


def order_cancel(*, actor: AnyUser, order_id: int, reason: str = "") -> Order:
    """The buyer (while unpaid) or staff cancel an order: the payment is closed and the held
    stock released. Paid orders go back through a return instead.

    WeChat Pay is never asked inside the transaction: first, with none open, whether the
    buyer has paid meanwhile (`payment_sync`; a payment found made is recorded, the order is
    paid and not cancellable); then the order is cancelled, its stock released and its
    payment marked closing in one transaction; once that has committed WeChat is asked to
    close the payment (see `_payment_stop`)."""
    text_check(reason=reason)
    order = Order.objects.filter(pk=order_id).first()
    if (
        order is not None
        and order.status == Status.PENDING_PAYMENT
        and _may_move(actor, order, TRANSITIONS[(order.status, Status.CANCELLED)])
    ):
        _payment_news(order)
    return _order_cancelled(actor=actor, order_id=order_id, reason=reason)


def _payment_news(order: Order) -> None:
    """Before an order's pending payment is stopped: ask the provider, with no transaction
    open, whether the buyer paid it meanwhile. A payment found made is recorded (our callback
    then marks the order paid). One the provider never took is not asked about; one it cannot
    answer for is logged: closing the payment asks again."""
    if order.status != Status.PENDING_PAYMENT or not order.payment_number:
        return
    try:
        intent = payment_get(number=order.payment_number)
        if intent.status == "pending" and intent.prepared_at is not None:
            payment_sync(number=order.payment_number)
    except XiangcunError as error:
        logger.warning(
            "Order %s: payment %s not asked about (%s)",
            order.number,
            order.payment_number,
            error.code,
        )


@transaction.atomic
def _order_cancelled(*, actor: AnyUser, order_id: int, reason: str) -> Order:
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.status not in (Status.PENDING_PAYMENT, Status.AWAITING_CASH):
        raise OrderNotCancellableError
    move = TRANSITIONS[(order.status, Status.CANCELLED)]
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    reason = (reason or "").strip()[:200]
    if not _payment_stop(order):
        raise OrderNotCancellableError
    order = _order_locked(order_id)
    if order.status not in (Status.PENDING_PAYMENT, Status.AWAITING_CASH) or order.paid_at:
        raise OrderNotCancellableError
    _cancel_locked(order, actor=actor, reason=reason)
    return order


def orders_expire(*, now: datetime | None = None) -> int:
    """Cancel unpaid orders past their payment window (cash orders have a longer one) and
    release their stock. Each order in its own transaction, so one stuck payment does not
    hold back the rest. Returns how many were cancelled."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(
            status__in=(Status.PENDING_PAYMENT, Status.AWAITING_CASH),
            paid_at__isnull=True,
            expires_at__lte=now,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cancelled = 0
    for order_id in due:
        try:
            with transaction.atomic():
                order = Order.objects.get(pk=order_id)
                if not _payment_stop(order):
                    continue
                order = _order_locked(order_id)
                if order.status not in (Status.PENDING_PAYMENT, Status.AWAITING_CASH):
                    continue
                if order.paid_at is not None or order.expires_at is None:
                    continue
                _cancel_locked(order, actor=None, reason=gettext("Not paid in time"))
                cancelled += 1
        except XiangcunError:
            logger.exception("Could not expire order %s", order_id)
    return cancelled


def late_payments_refund(*, now: datetime | None = None) -> int:
    """Try again to refund payments that arrived after their order was cancelled, where the
    provider could not be reached the first time (within LATE_REFUND_RETRY of the payment;
    after that staff look at the error in the log). Returns how many refunds were started."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(
            status=Status.CANCELLED, paid_at__isnull=False, paid_at__gte=now - LATE_REFUND_RETRY
        )
        .order_by("pk")
        .values_list("pk", "payment_number")
    )
    started = 0
    for order_id, payment_number in due:
        try:
            refund_get(refund_number=_unwanted_refund_number(payment_number))
            continue
        except RefundNotFoundError:
            pass
        try:
            with transaction.atomic():
                # The payment first, then the order: the house lock order.
                intent = payment_lock(number=payment_number)
                order = _order_locked(order_id)
                if order.status != Status.CANCELLED or order.payment_number != payment_number:
                    continue
                if str(intent.status) != "succeeded":
                    continue
                started += _unwanted_payment_refund(
                    order,
                    payment_number=payment_number,
                    amount=intent.amount,
                    reason=gettext("Paid after cancellation"),
                    retry=True,
                )
        except XiangcunError:
            logger.exception("Could not retry the refund of order %s", order_id)
    return started


# --- Returns ----------------------------------------------------------------------------------


@transaction.atomic
def return_request(
    *,
    actor: AnyUser,
    order_id: int,
    lines: list[tuple[int, int]],
    reason: str,
    detail: str = "",
) -> ReturnRequest:
    """The buyer asks to send back units of a delivered order, saying why."""
    text_check(detail=detail)
    if reason not in ReturnRequest.Reason.values or reason == ReturnRequest.Reason.UNDELIVERED:
        raise InvalidReturnReasonError(field="reason")
    detail = (detail or "").strip()
    if len(detail) > 300:
        raise InvalidInputError(_("Say it in at most 300 characters."), field="detail")
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidReturnLinesError(field="lines")
    order = _order_locked(order_id)
    if not _is_buyer(actor, order):
        raise OrderPermissionDeniedError
    move = TRANSITIONS.get((order.status, Status.RETURN_REQUESTED))
    if move is None or order.paid_at is None:
        raise ReturnNotAllowedError
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    wanted: dict[int, int] = defaultdict(int)
    for index, line in enumerate(lines):
        if not isinstance(line, list | tuple) or len(line) != 2:
            raise InvalidReturnLinesError(field=f"lines.{index}")
        line_id, quantity = line
        wanted[line_id] += _quantity(quantity, field=f"lines.{index}.quantity")
    amount = Decimal("0.00")
    for line_id, quantity in wanted.items():
        order_line = order_lines.get(line_id)
        if order_line is None or quantity > order_line.quantity - order_line.returned_quantity:
            raise InvalidReturnLinesError(field="lines", order_line_id=line_id)
        amount += order_line.unit_price * quantity
    request = ReturnRequest.objects.create(order=order, reason=reason, detail=detail, amount=amount)
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(request=request, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        ]
    )
    _set_status(
        order,
        to_status=Status.RETURN_REQUESTED,
        actor=actor,
        via="return_request",
        note=str(ReturnRequest.Reason(reason).label),
    )
    return request


def _refund_number(request: ReturnRequest, order: Order) -> str:
    return f"{order.number}R{request.pk}"


@transaction.atomic
def return_decide(
    *, actor: AnyUser, return_id: int, approve: bool, note: str = ""
) -> ReturnRequest:
    """Staff accept or refuse a return. Accepted: the money goes back through the way it was
    paid (the sandbox and WeChat at once; cash is paid out at a station and confirmed there),
    and the ledger reverses the refunded goods when the refund succeeds."""
    text_check(note=note)
    if not _roles(actor) & _RETURN_STAFF:
        raise OrderPermissionDeniedError
    request = ReturnRequest.objects.filter(pk=return_id).first()
    if request is None:
        raise ReturnNotFoundError
    order = Order.objects.get(pk=request.order_id)
    note = (note or "").strip()[:200]
    if not approve:
        order = _order_locked(order.pk)
        request = ReturnRequest.objects.select_for_update().get(pk=return_id)
        if request.status != ReturnRequest.Status.REQUESTED:
            raise ReturnAlreadyDecidedError
        request.status = ReturnRequest.Status.REJECTED
        request.decided_by_id = _actor_id(actor)
        request.save(update_fields=["status", "decided_by", "updated_at"])
        back = Status.COMPLETED if order.completed_at else Status.DELIVERED
        _set_status(
            order,
            to_status=back,
            actor=actor,
            via="return_decide",
            note=note or gettext("Return refused"),
        )
        return request
    if request.status != ReturnRequest.Status.REQUESTED:
        raise ReturnAlreadyDecidedError
    request = ReturnRequest.objects.select_for_update().get(pk=return_id)
    if request.status != ReturnRequest.Status.REQUESTED:
        raise ReturnAlreadyDecidedError
    _return_refund_start(
        request, order, actor=actor, note=note or gettext("Return accepted: refund started")
    )
    request.refresh_from_db()
    return request


def _return_refund_start(
    request: ReturnRequest, order: Order, *, actor: AnyUser | None, note: str
) -> None:
    """Approve a locked return: its units count as returned and its amount goes back the way
    the order was paid (the sandbox and WeChat at once; cash is paid out at a station and
    confirmed there). When the refund succeeds, `return_refunded` reverses the ledger and
    moves the order to refunded."""
    for return_line in ReturnLine.objects.filter(request=request).order_by("order_line_id"):
        OrderLine.objects.filter(pk=return_line.order_line_id).update(
            returned_quantity=F("returned_quantity") + return_line.quantity
        )
    request.status = ReturnRequest.Status.APPROVED
    request.decided_by_id = _actor_id(actor)
    request.refund_number = _refund_number(request, order)
    request.save(update_fields=["status", "decided_by", "refund_number", "updated_at"])
    OrderEvent.objects.create(
        order=order, status=order.status, note=note[:200], actor_id=_actor_id(actor)
    )
    # The intent is locked by payments first; a refund that succeeds at once calls
    # `refund_succeeded_handle` inside it, which locks the order after.
    refund_create(
        number=order.payment_number,
        amount=request.amount,
        reason=str(ReturnRequest.Reason(request.reason).label)[:80],
        refund_number=request.refund_number,
    )


@transaction.atomic
def order_refund_undelivered(*, actor: AnyUser | None, order_id: int) -> Order:
    """The order's parcel is coming back without ever having been handed over (three failed
    deliveries, or never collected from its station). Logistics calls this as the staff
    member who turned the parcel back (driver, courier, station agent, warehouse), or with
    `actor=None` as the platform.

    Paid: the buyer gets everything back, goods and delivery fee, through a return of every
    unit with the reason "not delivered", approved at once, so the refund, the ledger reversal
    and the move to refunded are those of any return (cash is paid out at a station and
    confirmed there; until the money is back the order shows return requested). Cash on
    delivery never taken: the order is cancelled and its payment closed. The goods themselves
    go back into stock when the warehouse receives the parcel. Calling again changes nothing.
    """
    if not _is_id(order_id):
        raise OrderNotFoundError
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    if order.payment_number:
        # The payment before the order (the house lock order): a payment confirmed meanwhile
        # is then seen on the order below.
        payment_lock(number=order.payment_number)
    order = _order_locked(order_id)
    already = ReturnRequest.objects.filter(order=order, reason=ReturnRequest.Reason.UNDELIVERED)
    if already.exists() or (order.status == Status.CANCELLED and order.paid_at is None):
        return order
    to_status = Status.RETURN_REQUESTED if order.paid_at is not None else Status.CANCELLED
    move = TRANSITIONS.get((order.status, to_status))
    if move is None or move.via != "order_refund_undelivered":
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    if to_status == Status.CANCELLED:
        if order.payment_number:
            payment_cancel(number=order.payment_number)
        order.cancelled_at = timezone.now()
        _set_status(
            order,
            to_status=Status.CANCELLED,
            actor=actor,
            via="order_refund_undelivered",
            note=gettext("Not delivered and not paid: order cancelled"),
            extra_fields=("cancelled_at",),
        )
        return order
    units = {
        line.pk: (line.quantity - line.returned_quantity, line.unit_price)
        for line in OrderLine.objects.filter(order=order).order_by("pk")
        if line.quantity > line.returned_quantity
    }
    goods = sum((price * quantity for quantity, price in units.values()), Decimal("0.00"))
    amount = goods + order.delivery_fee
    request = ReturnRequest.objects.create(
        order=order,
        reason=ReturnRequest.Reason.UNDELIVERED,
        detail=gettext("The parcel came back without being handed over."),
        amount=amount,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(request=request, order_line_id=line_id, quantity=quantity)
            for line_id, (quantity, _price) in sorted(units.items())
        ]
    )
    _set_status(
        order,
        to_status=Status.RETURN_REQUESTED,
        actor=actor,
        via="order_refund_undelivered",
        note=gettext("Not delivered: the parcel is coming back"),
    )
    if order.payment_method == Order.PaymentMethod.CASH:
        text = gettext_noop(
            "Xiangcun order %(number)s could not be delivered and is coming back to us. "
            "Collect your ¥%(amount)s in cash at the station."
        )
    else:
        text = gettext_noop(
            "Xiangcun order %(number)s could not be delivered and is coming back to us. "
            "¥%(amount)s is refunded the way you paid."
        )
    _sms(order, text, number=order.number, amount=str(amount))
    _return_refund_start(
        request,
        order,
        actor=actor,
        note=gettext("Refund of ¥%(amount)s started") % {"amount": amount},
    )
    order.refresh_from_db()
    return order


def _reversal_lines(request: ReturnRequest) -> list[tuple[str, Decimal]]:
    """Dr each seller's payable and the commission for the refunded goods (and the delivery
    income for a refunded delivery fee), Cr clearing.

    Commission is reversed as the difference of the rounded commission on everything returned
    so far and before, so many partial returns never reverse more than was charged."""
    returned_before: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in ReturnLine.objects.filter(
        request__order_id=request.order_id,
        request__status=ReturnRequest.Status.REFUNDED,
    ).select_related("order_line"):
        returned_before[line.order_line.seller_id] += line.order_line.unit_price * line.quantity
    now_returned: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in ReturnLine.objects.filter(request=request).select_related("order_line"):
        now_returned[line.order_line.seller_id] += line.order_line.unit_price * line.quantity
    entries: list[tuple[str, Decimal]] = []
    commission_total = Decimal("0.00")
    for seller_id in sorted(now_returned):
        before = returned_before[seller_id]
        after = before + now_returned[seller_id]
        commission = commission_for(after) - commission_for(before)
        commission_total += commission
        payable = now_returned[seller_id] - commission
        if payable:
            entries.append((seller_payable_account(seller_id), payable))
    if commission_total:
        entries.append((COMMISSION_INCOME, commission_total))
    # A return refunds goods only; an undelivered order refunds its delivery fee as well.
    delivery = request.amount - sum(now_returned.values(), Decimal("0.00"))
    if delivery:
        entries.append((DELIVERY_INCOME, delivery))
    entries.append((BUYER_PAYMENTS_CLEARING, -request.amount))
    return entries


@transaction.atomic
def return_refunded(*, refund_number: str) -> ReturnRequest | None:
    """The refund of a return succeeded (called by payments inside its transaction): reverse
    the allocation for the refunded goods and move the order to refunded. Idempotent."""
    request = ReturnRequest.objects.filter(refund_number=refund_number).first()
    if request is None:
        return None
    order = _order_locked(request.order_id)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == ReturnRequest.Status.REFUNDED:
        return request
    entry_post(
        kind=REVERSAL_KIND,
        reference=f"return:{request.pk}",
        lines=_reversal_lines(request),
        memo=f"return {request.pk} of order {order.number}"[:200],
    )
    request.status = ReturnRequest.Status.REFUNDED
    request.save(update_fields=["status", "updated_at"])
    _set_status(
        order,
        to_status=Status.REFUNDED,
        actor=None,
        via="return_decide",
        note=gettext("Refunded ¥%(amount)s") % {"amount": request.amount},
    )
    return request


def refund_succeeded_handle(refund: RefundCompleted) -> None:
    """Registered with payments: runs inside the transaction that records the refund."""
    return_refunded(refund_number=refund.refund_number)
