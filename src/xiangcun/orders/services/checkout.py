"""Checkout: `order_place` checks the request, places one order with its lines, opens its
payment and holds its stock, then has the provider prepare the payment after commit."""

import hashlib
import json
import logging
import re
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import variant_availability, variant_on_sale, variants_for_order
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_check
from xiangcun.inventory.services import stock_reserve
from xiangcun.orders.errors import (
    IdempotencyConflictError,
    InvalidDeliveryMethodError,
    InvalidIdempotencyKeyError,
    InvalidOrderLinesError,
    InvalidPaymentMethodError,
    StationRequiredError,
    StationUnavailableError,
    VariantUnavailableError,
)
from xiangcun.orders.models import Order, OrderLine
from xiangcun.orders.services._common import (
    CENT,
    MAX_LINES,
    _actor_id,
    _event,
    _is_id,
    _quantity_allowed,
    _sms,
    _stock_reference,
    _units,
)
from xiangcun.orders.services.address import _address_normalized, _address_point_check_area
from xiangcun.orders.services.config import cash_hold, delivery_fee_for, payment_window
from xiangcun.orders.services.destination import destination_for, shipment_fields
from xiangcun.orders.services.payment import _wechat_payer_check
from xiangcun.orders.services.shipment import service_choice
from xiangcun.orders.types import EventCode, OrderStatus
from xiangcun.payments.services import payment_open, payment_prepare
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import station_get

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{1,64}$")

# The stock hold outlives the payment window a little, so `orders_expire` (which cancels the
# order and releases the hold together) normally runs before inventory's own expiry does.
RESERVATION_GRACE = timedelta(minutes=5)


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
        merged[variant_id] = merged.get(variant_id, 0) + _units(
            quantity, field=f"lines.{index}.quantity"
        )
    return list(merged.items())


def _fingerprint(payload: dict[str, Any]) -> str:
    """A digest of a checkout request, to tell a retry from a different request under one key."""
    # default=str: a home point is Decimal ("26.200000"), written as its exact text.
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _order_number() -> str:
    """A new order number (unique by the database's index; checkout retries a collision)."""
    # XC + date + 10 random digits: unguessable from the previous order, 22 characters.
    return f"XC{timezone.localdate():%y%m%d}{secrets.randbelow(10**10):010d}"


def _replay(existing: Order, fingerprint: str) -> Order:
    """The order a retried checkout placed already, if the retry asks for the same."""
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflictError(field="idempotency_key")
    existing.replayed = True
    return existing


def _variants_for(lines: list[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """What checkout copies onto the order lines, per variant; every variant must be on sale."""
    found = variants_for_order(variant_ids=[variant_id for variant_id, _q in lines])
    for index, (variant_id, _quantity) in enumerate(lines):
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
    shipping_service: str = "",
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
        shipping_service=shipping_service if isinstance(shipping_service, str) else "",
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
        shipping_service=shipping_service,
    )
    _payment_ready(order, payer_openid=payer_openid, client_ip=client_ip)
    return order


def _payment_ready(order: Order, *, payer_openid: str, client_ip: str) -> None:
    """After checkout committed: have the provider prepare the order's payment if it is not
    yet (WeChat Pay), outside any transaction. A failure is logged and leaves the payment
    pending and unprepared, for the buyer to try again."""
    if order.status != OrderStatus.PENDING_PAYMENT or not order.payment_number:
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
    shipping_service: str = "",
) -> Order:
    """Check out: one order for goods from several sellers, stock held, a payment started.

    Idempotent on `idempotency_key` (per buyer): the same key with the same request answers
    the order already placed (`order.replayed` is True), with a different request raises
    IdempotencyConflictError. More than is left raises inventory's InsufficientStockError
    (QuantityOverStockError, with `available` and `maximum`), more than one order may take
    QuantityOverLimitError; either writes nothing.

    Home delivery to an address with a `county_code` outside the county is checked by regions
    and priced by shipping now (`shipment_for`): `shipping_service` ("<carrier>:<service>")
    names the option, none means the cheapest that can carry the goods.
    """
    # --- checks of the request's shape (deterministic, no database) ---
    normalized = _lines_normalized(lines)
    if delivery_method not in Order.Delivery.values:
        raise InvalidDeliveryMethodError(field="delivery.method")
    channel = _payment_channel(
        payment_method=payment_method,
        delivery_method=delivery_method,
        wechat_channel=wechat_channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
    )
    station_id, clean_address = _delivery_place(
        delivery_method=delivery_method, station_id=station_id, address=address
    )
    choice = service_choice(shipping_service) if clean_address is not None else None
    if buyer is not None and not buyer.is_authenticated:
        buyer = None
    buyer_id = buyer.pk if buyer is not None else None
    scoped_key = _scoped_key(idempotency_key, buyer_id=buyer_id)
    request_shape: dict[str, Any] = {
        "lines": normalized,
        "delivery": delivery_method,
        "station": station_id,
        "address": clean_address,
        "payment": payment_method,
        "channel": channel,
        "recipient": recipient.strip(),
        "phone": phone.strip(),
    }
    # Only when chosen, so a request without one keeps the fingerprint it always had.
    if choice is not None:
        request_shape["service"] = ":".join(choice)
    fingerprint = _fingerprint(request_shape)

    # --- a retry answers the order it already placed ---
    if scoped_key is not None:
        existing = Order.objects.filter(idempotency_key=scoped_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)

    # --- checks against the database ---
    variants = _checkout_database_check(
        normalized, station_id=station_id, clean_address=clean_address
    )
    destination, shipment = destination_for(
        clean_address,
        buyer=buyer,
        recipient=recipient,
        phone=phone,
        normalized=normalized,
        variants=variants,
        choice=choice,
    )

    # --- amounts: prices copied now, so catalogue edits never change a placed order ---
    goods_total = sum(
        (variants[variant_id]["price"] * quantity for variant_id, quantity in normalized),
        Decimal("0.00"),
    ).quantize(CENT)
    if shipment is not None:
        fee = shipment.option.fee
    else:
        fee = delivery_fee_for(delivery_method=delivery_method, goods_total=goods_total)
    now = timezone.now()
    is_cash = payment_method == Order.PaymentMethod.CASH
    hold = cash_hold() if is_cash else payment_window()

    order = Order(
        buyer_id=buyer_id,
        placed_by_id=_actor_id(placed_by) or buyer_id,
        status=OrderStatus.AWAITING_CASH if is_cash else OrderStatus.PENDING_PAYMENT,
        payment_method=payment_method,
        delivery_method=delivery_method,
        station_id=station_id,
        recipient=destination.recipient,
        phone=destination.phone,
        address_text=destination.address_text[:300],
        township_id=destination.township_id,
        village_id=destination.village_id,
        latitude=clean_address.get("latitude") if clean_address else None,
        longitude=clean_address.get("longitude") if clean_address else None,
        **shipment_fields(shipment),
        goods_total=goods_total,
        delivery_fee=fee,
        total=goods_total + fee,
        idempotency_key=scoped_key,
        request_fingerprint=fingerprint,
        expires_at=now + hold,
    )
    placed = _order_insert(order, scoped_key=scoped_key, fingerprint=fingerprint)
    if placed is not order:
        # A concurrent retry with the same Idempotency-Key placed it first.
        return placed
    _order_lines_create(order, normalized, variants)
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
    _event(order, actor=placed_by or buyer, note=EventCode("placed"))
    # Last, so the stock rows every buyer queues on are locked as briefly as possible.
    stock_reserve(
        lines=normalized,
        reference=_stock_reference(order),
        ttl_seconds=int((hold + RESERVATION_GRACE).total_seconds()),
    )
    _placed_sms(order, is_cash=is_cash)
    return order


def _payment_channel(
    *,
    payment_method: str,
    delivery_method: str,
    wechat_channel: str,
    payer_openid: str,
    client_ip: str,
) -> str:
    """Checkout's payment method checked, and the channel it is paid through: WeChat Pay's
    (native unless the device says otherwise), or where cash is taken."""
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
    return channel


def _delivery_place(
    *, delivery_method: str, station_id: int | None, address: dict[str, Any] | None
) -> tuple[int | None, dict[str, Any] | None]:
    """Where checkout delivers, checked for its shape: the home address normalized (and no
    station), or the pickup station's id (and no address)."""
    if delivery_method == Order.Delivery.HOME:
        return None, _address_normalized(address)
    if station_id is None:
        raise StationRequiredError(field="delivery.station")
    if not _is_id(station_id):
        raise StationUnavailableError(field="delivery.station")
    return station_id, None


def _scoped_key(idempotency_key: str | None, *, buyer_id: int | None) -> str | None:
    """The Idempotency-Key as stored: checked, and scoped to the buyer (or to guests)."""
    if idempotency_key is None:
        return None
    if not IDEMPOTENCY_KEY.match(idempotency_key):
        raise InvalidIdempotencyKeyError(field="idempotency_key")
    return f"{buyer_id or 'guest'}:{idempotency_key}"


def _checkout_database_check(
    normalized: list[tuple[int, int]],
    *,
    station_id: int | None,
    clean_address: dict[str, Any] | None,
) -> dict[int, dict[str, Any]]:
    """Checkout's checks against the database, before any write: every variant on sale (its
    copy for the order lines is answered), the station open, the home point near the county,
    and enough stock."""
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
    for index, (variant_id, quantity) in enumerate(normalized):
        _quantity_allowed(
            variant_id=variant_id,
            quantity=quantity,
            available=available.get(variant_id, 0),
            field=f"lines.{index}.quantity",
        )
    return variants


def _order_insert(order: Order, *, scoped_key: str | None, fingerprint: str) -> Order:
    """Save a new order under a fresh random number. Answers `order` itself, or, when a
    concurrent request with the same Idempotency-Key placed its order first, that one."""
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
    return order


def _order_lines_create(
    order: Order, normalized: list[tuple[int, int]], variants: dict[int, dict[str, Any]]
) -> None:
    """The order's lines, one per variant, name and price copied; grouped by seller."""
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


def _placed_sms(order: Order, *, is_cash: bool) -> None:
    """Text the buyer the order's number and total, and how to pay it."""
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
