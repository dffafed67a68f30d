"""Assisted orders: an agent orders for a resident who consented at their station, with the
console's Idempotency-Key, so a retried or duplicated sync never makes a second order or takes
the cash twice. Prices or stock that moved since the order was taken (offline) refuse it line by
line; nothing is silently repriced or dropped.

Who receives the order: the resident's own login when they have one (they see the order on
their phone), else nobody (buyer None) and the parcel is collected in the resident's name, with
the station's mobile number, or the agent's when the station has none, as the contact: the
station is where the resident hears that it arrived.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import variant_availability, variant_on_sale, variants_for_order
from xiangcun.core.errors import InvalidInputError, NotFoundError
from xiangcun.core.validators import INT32_MAX, mobile_normalize
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.orders.errors import QuantityOverLimitError, VariantUnavailableError
from xiangcun.orders.services import MAX_QUANTITY, order_confirm_cash, order_place
from xiangcun.regions.selectors import station_get
from xiangcun.servicecenter.errors import (
    IdempotencyConflictError,
    InvalidIdempotencyKeyError,
    InvalidPaymentMethodError,
    PriceChangedError,
)
from xiangcun.servicecenter.models import AssistedOrder, DrawerMovement
from xiangcun.servicecenter.selectors.drawer import drawer_for_cash
from xiangcun.servicecenter.selectors.residents import resident_consented
from xiangcun.servicecenter.services._common import acting_station, action_log, require_agent
from xiangcun.servicecenter.services.drawer import drawer_cash_in
from xiangcun.servicecenter.services.residents import actor_pk, is_id
from xiangcun.servicecenter.types import AssistedOrderPlaced

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{1,64}$")
MAX_LINES = 50
PRICE_MAX = Decimal("1000000")
CENT = Decimal("0.01")

# The console's payment choice -> (orders' payment method, cash taken at the counter now).
PAYMENTS: dict[str, tuple[str, bool]] = {
    AssistedOrder.Payment.CASH: ("cash", True),
    AssistedOrder.Payment.CASH_ON_PICKUP: ("cash", False),
    AssistedOrder.Payment.WECHAT: ("wechat", False),
}


def _lines_checked(lines: object) -> list[tuple[int, int]]:
    """(variant, quantity) pairs within bounds, repeats added together, first order kept."""
    if not isinstance(lines, list | tuple) or not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInputError(field="lines")
    merged: dict[int, int] = {}
    for index, line in enumerate(lines):
        if not isinstance(line, list | tuple) or len(line) != 2:
            raise InvalidInputError(field=f"lines.{index}")
        variant_id, quantity = line
        if not is_id(variant_id):
            raise VariantUnavailableError(field=f"lines.{index}.variant", variant_id=None)
        if not is_id(quantity) or quantity > INT32_MAX:
            raise InvalidInputError(field=f"lines.{index}.quantity")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
        if merged[variant_id] > INT32_MAX:
            raise InvalidInputError(field=f"lines.{index}.quantity")
    return list(merged.items())


def _delivery_checked(delivery: object, station_id: int) -> dict[str, Any]:
    """Where the order goes: the acting station unless `delivery` names another station or a
    home address (which orders checks in full)."""
    if delivery is None:
        return {"method": "station_pickup", "station": station_id, "address": None}
    if not isinstance(delivery, dict):
        raise InvalidInputError(field="delivery")
    method = delivery.get("method", "station_pickup")
    if method == "station_pickup":
        station = delivery.get("station") or station_id
        if not is_id(station):
            raise InvalidInputError(field="delivery.station")
        return {"method": method, "station": station, "address": None}
    if method == "home":
        address = delivery.get("address")
        if not isinstance(address, dict) or len(json.dumps(address, default=str)) > 2000:
            raise InvalidInputError(field="delivery.address")
        return {"method": method, "station": None, "address": address}
    raise InvalidInputError(field="delivery.method")


def _expected_checked(expected_prices: object) -> dict[int, Decimal]:
    if expected_prices is None:
        return {}
    if not isinstance(expected_prices, Mapping) or len(expected_prices) > MAX_LINES:
        raise InvalidInputError(field="expected_prices")
    checked: dict[int, Decimal] = {}
    for variant, price in expected_prices.items():
        try:
            variant_id = int(variant)
            amount = Decimal(str(price))
        except (TypeError, ValueError, InvalidOperation):
            raise InvalidInputError(field="expected_prices") from None
        if not is_id(variant_id) or not amount.is_finite() or not 0 <= amount <= PRICE_MAX:
            raise InvalidInputError(field="expected_prices")
        checked[variant_id] = amount.quantize(CENT)
    return checked


def _fingerprint(**request: Any) -> str:
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _orders_key(agent_id: int, key: str) -> str:
    """The key checkout stores (per buyer, and many residents have none): one per agent and
    console key, within orders' 64 characters."""
    return "sc-" + hashlib.sha256(f"{agent_id}:{key}".encode()).hexdigest()[:40]


def _goods_check(lines: list[tuple[int, int]], expected: dict[int, Decimal]) -> None:
    """Refuse, listing every line, when a price moved from what the resident was told or the
    goods ran short (both happen to orders taken offline)."""
    variants = variants_for_order(variant_ids=[variant_id for variant_id, _q in lines])
    available = variant_availability(variant_ids=[variant_id for variant_id, _q in lines])
    moved: list[dict[str, Any]] = []
    short: list[dict[str, Any]] = []
    for variant_id, quantity in lines:
        variant = variants.get(variant_id)
        on_sale = variant is not None and variant_on_sale(variant)
        units = available.get(variant_id, 0) if on_sale else 0
        if quantity > MAX_QUANTITY:
            # The shop's one per-order limit, in the words the shop uses for it.
            raise QuantityOverLimitError(
                variant_id=variant_id,
                requested=quantity,
                available=units,
                maximum=min(units, MAX_QUANTITY),
                field="lines",
            )
        if units < quantity:
            short.append({"variant": variant_id, "requested": quantity, "available": units})
        if variant is not None and variant_id in expected and variant.price != expected[variant_id]:
            moved.append(
                {
                    "variant": variant_id,
                    "expected": str(expected[variant_id]),
                    "price": str(variant.price),
                }
            )
    if moved:
        raise PriceChangedError(field="lines", lines=moved, short=short)
    if short:
        first = short[0]
        raise InsufficientStockError(
            field="lines",
            variant_id=first["variant"],
            requested=first["requested"],
            available=first["available"],
            lines=short,
        )


def _contact_phone(resident: Any, actor: AnyUser, station_id: int) -> str:
    """Who is texted about the order: the resident, else the station's mobile, else the agent."""
    if resident.phone:
        return str(resident.phone)
    if resident.user_id:
        return str(resident.user.phone)
    try:
        return mobile_normalize(station_get(station_id=station_id).phone)
    except (InvalidInputError, NotFoundError):  # no mobile at the station (a landline, none)
        return str(getattr(actor, "phone", ""))


def _replayed(existing: AssistedOrder, fingerprint: str) -> AssistedOrderPlaced:
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflictError(field="idempotency_key")
    return AssistedOrderPlaced(
        order=existing.order,
        created=False,
        resident_id=existing.resident_id,
        payment=existing.payment,
    )


def assisted_order_place(
    *,
    actor: AnyUser,
    resident_id: int,
    lines: list[tuple[int, int]],
    payment_method: str,
    idempotency_key: str,
    station_id: int | None = None,
    delivery: dict[str, Any] | None = None,
    expected_prices: Mapping[int, Decimal] | None = None,
) -> AssistedOrderPlaced:
    """Place an order for a resident who consented at the acting station, as its agent.

    `payment_method`: "cash" (taken now: the order is paid and the cash goes into the agent's
    open drawer, NoOpenDrawerError 409 without one), "cash_on_pickup" or "wechat" (a QR code the
    resident scans). Delivered to the acting station unless `delivery` says otherwise
    ({"method": "station_pickup", "station": id} or {"method": "home", "address": {...}} as
    /api/v1/orders takes it).

    Idempotent on (agent, `idempotency_key`): the same request again answers the order placed
    before (created False) and takes no cash again; another request under the key is
    IdempotencyConflictError (409). `expected_prices` ({variant: price the resident was told})
    refuses with PriceChangedError (409, details.lines) when a price moved; goods short refuse
    with inventory's InsufficientStockError (409, details.lines). Call outside a transaction:
    orders prepares a WeChat payment after its own commit.
    """
    require_agent(actor)
    station = acting_station(actor, station_id)
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY.match(idempotency_key):
        raise InvalidIdempotencyKeyError(field="idempotency_key")
    if payment_method not in PAYMENTS:
        raise InvalidPaymentMethodError(field="payment_method")
    normalized = _lines_checked(lines)
    where = _delivery_checked(delivery, station)
    expected = _expected_checked(expected_prices)
    if not is_id(resident_id):
        raise InvalidInputError(field="resident")
    # The price the resident was told is a condition, not part of the order: after a refusal
    # the agent may send the same order again under the same key with the new prices.
    fingerprint = _fingerprint(
        resident=resident_id,
        lines=normalized,
        payment=payment_method,
        delivery=where,
        station=station,
    )
    existing = (
        AssistedOrder.objects.select_related("order")
        .filter(agent_id=actor.pk, idempotency_key=idempotency_key)
        .first()
    )
    if existing is not None:
        return _replayed(existing, fingerprint)

    resident = resident_consented(actor=actor, resident_id=resident_id, station_id=station)
    _goods_check(normalized, expected)
    order_method, cash_now = PAYMENTS[payment_method]
    if cash_now:
        drawer_for_cash(actor=actor, station_id=station)  # refuse before any order is placed
    buyer = resident.user if resident.user_id and resident.user.is_active else None
    order = order_place(
        buyer=buyer,
        lines=normalized,
        delivery_method=where["method"],
        station_id=where["station"],
        address=where["address"],
        payment_method=order_method,
        idempotency_key=_orders_key(actor_pk(actor), idempotency_key),
        placed_by=actor,
        recipient=resident.name,
        phone=_contact_phone(resident, actor, station),
        wechat_channel="native" if order_method == "wechat" else "",
    )
    return _recorded(
        actor=actor,
        order=order,
        resident_id=resident.pk,
        station=station,
        payment=payment_method,
        key=idempotency_key,
        fingerprint=fingerprint,
        cash_now=cash_now,
    )


@transaction.atomic
def _recorded(
    *,
    actor: AnyUser,
    order: Any,
    resident_id: int,
    station: int,
    payment: str,
    key: str,
    fingerprint: str,
    cash_now: bool,
) -> AssistedOrderPlaced:
    """The assisted order's own row, and the cash taken, in one transaction: a request racing
    this one with the same key waits on the row's unique key and then answers this order."""
    try:
        with transaction.atomic():
            assisted = AssistedOrder.objects.create(
                order=order,
                resident_id=resident_id,
                agent_id=actor_pk(actor),
                station_id=station,
                payment=payment,
                idempotency_key=key,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        existing = (
            AssistedOrder.objects.select_related("order")
            .filter(agent_id=actor.pk, idempotency_key=key)
            .first()
        )
        if existing is None:  # the order is another key's (cannot happen: keys are per agent)
            raise IdempotencyConflictError(field="idempotency_key") from None
        return _replayed(existing, fingerprint)
    if cash_now:
        order = order_confirm_cash(actor=actor, order_id=order.pk, station_id=station)
        drawer_cash_in(
            actor=actor,
            station_id=station,
            kind=DrawerMovement.Kind.ORDER_CASH,
            amount=order.total,
            reference=f"payment:{order.payment_number}",
        )
    action_log(
        actor=actor,
        station_id=station,
        code="order_placed",
        resident_id=resident_id,
        order=order.number,
        total=str(order.total),
        payment=payment,
    )
    assisted.order = order
    return AssistedOrderPlaced(order=order, created=True, resident_id=resident_id, payment=payment)
