"""The counter console: an agent (or a supervisor, naming the station) takes assisted orders for
a resident on a counter screen or a phone, and keeps taking them when the station is offline.

Every order goes through the console's queue (counter.js, IndexedDB): it gets a key made on the
device and is sent, one at a time, to `counter_order` with `Idempotency-Key`, which calls
`services.assisted_order_place` with the prices the agent saw. The page, its files and the
catalogue snapshot are kept by a service worker served at /servicecenter/sw.js (scope
/servicecenter/). These JSON views answer `{"code", "message"}` refusals like the API, but use
the browser's session and CSRF token (the API takes tokens only)."""

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.errors import XiangcunError
from xiangcun.core.pages import refusal_json
from xiangcun.orders.errors import InvalidIdempotencyKeyError
from xiangcun.regions.types import StationSummary
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.errors import CounterLoginRequiredError, CounterOrderUnreadableError
from xiangcun.servicecenter.models import AssistedOrder
from xiangcun.servicecenter.services._common import acting_station
from xiangcun.servicecenter.views._common import station_page
from xiangcun.servicecenter.views.counter_snapshot import catalogue_search, station_snapshot

_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
BODY_MAX_BYTES = 32_000
LINES_MAX = 50
QUANTITY_MAX = 999
PRICE_MAX = Decimal("1000000")
ID_MAX = 2**63 - 1
PAYMENTS = frozenset(AssistedOrder.Payment.values)


# --- reading the request ------------------------------------------------------------------------


def _id(value: object) -> int | None:
    """A positive database id from a query string or a JSON number; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = int(value) if value.isascii() and value.isdigit() and len(value) < 20 else None
    if isinstance(value, int) and 0 < value <= ID_MAX:
        return value
    return None


def _station_asked(request: HttpRequest) -> int | None:
    return _id(request.GET.get("station", ""))


def _unreadable(field: str) -> CounterOrderUnreadableError:
    return CounterOrderUnreadableError(field=field)


def _price(value: object) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > 16:
        raise _unreadable("lines")
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise _unreadable("lines") from None
    if (
        not price.is_finite()
        or not 0 < price <= PRICE_MAX
        or price != price.quantize(Decimal("0.01"))
    ):
        raise _unreadable("lines")
    return price


def _order_body(raw: bytes) -> dict[str, Any]:
    """The queued order as the console sends it, checked and bounded:
    {"resident": id, "station": id (optional), "payment_method": ..., "lines": [{"variant": id,
    "quantity": n, "price": "12.50"}, ...]}. Anything else is refused with the field named."""
    if len(raw) > BODY_MAX_BYTES:
        raise _unreadable("body")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _unreadable("body") from None
    if not isinstance(body, dict):
        raise _unreadable("body")
    resident = _id(body.get("resident"))
    if resident is None:
        raise _unreadable("resident")
    station = body.get("station")
    if station is not None and _id(station) is None:
        raise _unreadable("station")
    payment = body.get("payment_method")
    if not isinstance(payment, str) or payment not in PAYMENTS:
        raise _unreadable("payment_method")
    lines = body.get("lines")
    if not isinstance(lines, list) or not 1 <= len(lines) <= LINES_MAX:
        raise _unreadable("lines")
    quantities: dict[int, int] = {}
    prices: dict[int, Decimal] = {}
    for line in lines:
        if not isinstance(line, dict):
            raise _unreadable("lines")
        variant = _id(line.get("variant"))
        quantity = line.get("quantity")
        if (
            variant is None
            or variant in quantities
            or not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not 1 <= quantity <= QUANTITY_MAX
        ):
            raise _unreadable("lines")
        quantities[variant] = quantity
        prices[variant] = _price(line.get("price"))
    return {
        "resident": resident,
        "station": _id(station),
        "payment_method": payment,
        "lines": list(quantities.items()),
        "prices": prices,
    }


# --- answers ------------------------------------------------------------------------------------


def receipt_url(order_id: int) -> str:
    """Where the resident's receipt is shown (large type, printable); the order's own page if
    the receipt page is not mounted."""
    try:
        return reverse("servicecenter:receipt", kwargs={"order_id": order_id})
    except NoReverseMatch:
        return reverse("orders:detail", kwargs={"order_id": order_id})


def _order_json(order: Any, *, created: bool) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "total": f"{order.total:.2f}",
        "payment_method": order.payment_method,
        "created": created,
        "receipt_url": receipt_url(order.pk),
    }


def _resident_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "phone_masked": row.phone_masked,
        "village": row.village,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- the page -----------------------------------------------------------------------------------


@require_safe
@login_required
@never_cache
@ensure_csrf_cookie  # the queue sends the cookie's token in X-CSRFToken; the page has no form
@station_page
def counter(request: HttpRequest, station: StationSummary) -> HttpResponse:
    """The console. `?resident=<id>` opens it for that resident (who must have consented at this
    station); `?q=` finds residents (without JavaScript too); supervisors add `?station=<id>`
    (or choose the station first)."""
    station_id = station.id
    resident = None
    resident_id = _id(request.GET.get("resident", ""))
    if resident_id is not None:
        resident = selectors.resident_get(actor=request.user, resident_id=resident_id)
    query = request.GET.get("q", "").strip()[:64]
    found = (
        selectors.residents_find(actor=request.user, q=query, station_id=station_id)
        if query
        else []
    )
    suffix = f"?station={station_id}"
    context = {
        "station": station,
        "resident": resident,
        "query": query,
        "found": found,
        "payments": AssistedOrder.Payment.choices,
        "urls": {
            "snapshot": reverse("servicecenter:counter_snapshot") + suffix,
            "search": reverse("servicecenter:counter_search") + suffix,
            "residents": reverse("servicecenter:counter_residents") + suffix,
            "orders": reverse("servicecenter:counter_order"),
            "worker": reverse("servicecenter:counter_worker"),
            "manifest": reverse("servicecenter:counter_manifest"),
            "page": reverse("servicecenter:counter"),
        },
    }
    return render(request, "servicecenter/counter.html", context)


# --- JSON for the console's script --------------------------------------------------------------


def _json_actor_station(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        raise CounterLoginRequiredError
    return acting_station(request.user, _station_asked(request))


@require_safe
def counter_snapshot(request: HttpRequest) -> HttpResponse:
    """The station's usual goods for searching offline (the service worker keeps a copy)."""
    try:
        station_id = _json_actor_station(request)
    except XiangcunError as error:
        return refusal_json(error)
    items = station_snapshot(station_id=station_id)
    body = {"station": station_id, "made_at": timezone.now().isoformat(), "items": items}
    return _no_store(JsonResponse(body))


@require_safe
def counter_search(request: HttpRequest) -> HttpResponse:
    """The storefront's search for the console, online (pinyin and initials included)."""
    try:
        _json_actor_station(request)
    except XiangcunError as error:
        return refusal_json(error)
    query = request.GET.get("q", "").strip()[:100]
    return _no_store(JsonResponse({"items": catalogue_search(query=query)}))


@require_safe
def counter_residents(request: HttpRequest) -> HttpResponse:
    """Residents who consented at this station, by phone, name (and village) or ID number."""
    try:
        station_id = _json_actor_station(request)
        query = request.GET.get("q", "").strip()[:64]
        rows = (
            selectors.residents_find(actor=request.user, q=query, station_id=station_id)
            if query
            else []
        )
    except XiangcunError as error:
        return refusal_json(error)
    return _no_store(JsonResponse({"items": [_resident_json(row) for row in rows]}))


@require_POST
def counter_order(request: HttpRequest) -> HttpResponse:
    """Place one queued order. 201 new, 200 the order this key already made (nothing new),
    409 with the server's word (price_changed, insufficient_stock, no_open_drawer,
    idempotency_conflict, ...), 400 an unreadable order, 401 logged out (the queue keeps it)."""
    if not request.user.is_authenticated:
        return refusal_json(CounterLoginRequiredError())
    key = request.headers.get("Idempotency-Key", "")
    if not _KEY.fullmatch(key):
        return refusal_json(InvalidIdempotencyKeyError(field="idempotency_key"))
    try:
        body = _order_body(request.body)
        placed = services.assisted_order_place(
            actor=request.user,
            resident_id=body["resident"],
            lines=body["lines"],
            payment_method=body["payment_method"],
            idempotency_key=key,
            station_id=body["station"],
            expected_prices=body["prices"],
        )
    except XiangcunError as error:
        return refusal_json(error)
    status = 201 if placed.created else 200
    return JsonResponse(_order_json(placed.order, created=placed.created), status=status)
