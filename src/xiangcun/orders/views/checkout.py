"""Checkout (/cart/checkout/): where the order goes, who takes it and how it is paid; placing
it, then on to the payment page or the order page."""

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xiangcun.core.pages import refusal_on_form
from xiangcun.orders import selectors, services
from xiangcun.orders.forms import CheckoutForm
from xiangcun.orders.models import Order
from xiangcun.orders.templatetags.order_pages import yuan
from xiangcun.orders.types import CartSummary
from xiangcun.orders.views._common import client_ip, station_label
from xiangcun.orders.views.cart import cart_of
from xiangcun.orders.views.payment import (
    payer_openid,
    payment_url,
    wechat_channel,
    wechat_enabled,
    wechat_payment_problem,
    wechat_signin_first,
    wechat_signin_needed,
    wechat_signin_url,
)
from xiangcun.regions.errors import CountyNotConfiguredError
from xiangcun.regions.selectors import (
    county_get_default,
    stations_list,
    townships_list,
    villages_for_township,
)
from xiangcun.regions.types import StationSummary

DEFAULT_PROVINCE = "贵州省"
DEFAULT_CITY = "黔东南苗族侗族自治州"
DEFAULT_COUNTY = "丹寨县"
# Service errors that belong next to a checkout field (when the error does not name one).
CHECKOUT_ERROR_FIELDS = {
    "invalid_delivery_method": "delivery_method",
    "station_required": "station",
    "station_unavailable": "station",
    "address_required": "detail",
    "invalid_address": "detail",
    "invalid_recipient": "recipient",
    "invalid_phone": "phone",
    "invalid_payment_method": "payment_method",
    "provider_not_configured": "payment_method",
    "unknown_provider": "payment_method",
    "invalid_payment": "payment_method",
    "payment_provider_error": "payment_method",
}


def _checkout_form(request: HttpRequest, data: Any = None) -> tuple[CheckoutForm, dict[str, Any]]:
    """The checkout form with its choices, and what the page shows about the pickup places."""
    stations = stations_list()
    village_stations = [s for s in stations if s.kind == "village_station"]
    shops = [s for s in stations if s.kind == "service_centre"]
    townships = townships_list()
    villages: list[tuple[Any, Any]] = []
    village_townships: dict[int, int] = {}
    for township in townships:
        rows = villages_for_township(township_code=township.code)
        villages.append((township.name, [(row.id, row.name) for row in rows]))
        village_townships.update((row.id, township.id) for row in rows)
    payment_methods: list[tuple[Any, Any]] = [
        (Order.PaymentMethod.CASH, _("Cash when you get the goods")),
        (Order.PaymentMethod.SANDBOX, _("Pay online now (demo payment)")),
    ]
    if wechat_enabled():
        payment_methods.append((Order.PaymentMethod.WECHAT, _("WeChat Pay")))
    try:
        county = county_get_default()
        place = {"province": county.province, "city": county.city, "county": county.name}
    except CountyNotConfiguredError:
        place = {"province": DEFAULT_PROVINCE, "city": DEFAULT_CITY, "county": DEFAULT_COUNTY}
    user = request.user
    initial = {
        **place,
        "recipient": getattr(user, "name", "") or "",
        "phone": getattr(user, "phone", "") or "",
        "idempotency_key": uuid.uuid4().hex,
    }
    form = CheckoutForm(
        data,
        stations=[(s.id, station_label(s)) for s in village_stations],
        townships=[(t.id, t.name) for t in townships],
        villages=villages,
        village_townships=village_townships,
        payment_methods=payment_methods,
        initial=initial,
    )
    return form, {"shop": shops[0] if shops else None, "stations": village_stations}


def _order_arguments(
    form: CheckoutForm, shop: StationSummary | None, *, wechat_channel: str
) -> dict[str, Any]:
    data = form.cleaned_data
    method = data["delivery_method"]
    station_id: int | None = None
    address: dict[str, Any] | None = None
    if method == Order.Delivery.STATION_PICKUP:
        station_id = data["station"]
    elif method == Order.Delivery.SHOP_PICKUP:
        station_id = shop.id if shop else None
    else:
        address = {
            "province": data["province"],
            "city": data["city"],
            "county": data["county"],
            "township": data["township"],
            "village": data["village"],
            "detail": data["detail"],
            "recipient": data["recipient"],
            "phone": data["phone"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
        }
    return {
        "delivery_method": method,
        "station_id": station_id,
        "address": address,
        "payment_method": data["payment_method"],
        "wechat_channel": wechat_channel,
        "recipient": data["recipient"],
        "phone": data["phone"],
    }


def _after_placing(request: HttpRequest, order: Order) -> HttpResponse:
    """Online payment: to the payment page, back to the order after; cash: the order page."""
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    if order.status == Order.Status.PENDING_PAYMENT:
        return redirect(payment_url(request, order) or order_url)
    return redirect(order_url)


def _place(
    request: HttpRequest, form: CheckoutForm, summary: CartSummary, shop: StationSummary | None
) -> HttpResponse | None:
    """Place the order the valid form describes and go on from it; None when the page must
    show the form again (the error is on the form)."""
    key = form.cleaned_data["idempotency_key"]
    # Pressed twice, or sent again after the connection dropped: the first press placed
    # the order and emptied the cart, so show that order rather than an empty cart.
    placed = selectors.order_for_idempotency_key(buyer=request.user, idempotency_key=key)
    if placed is not None:
        return _after_placing(request, placed)
    if not summary.items:
        messages.error(request, _("Your cart is empty."))
        return redirect("cart:detail")
    channel = ""
    if form.cleaned_data["payment_method"] == Order.PaymentMethod.WECHAT:
        channel = wechat_channel(request)
    problem = wechat_payment_problem(request, channel)
    if problem:
        form.add_error("payment_method", problem)
        return None
    with refusal_on_form(form, fields=CHECKOUT_ERROR_FIELDS) as outcome:
        order = services.order_place(
            buyer=request.user,
            lines=[(item.variant_id, item.quantity) for item in summary.items],
            idempotency_key=key,
            client_ip=client_ip(request),
            payer_openid=payer_openid(request, channel),
            **_order_arguments(form, shop, wechat_channel=channel),
        )
    if outcome.refused:
        return None
    cart = cart_of(request)
    if cart is not None:
        services.cart_clear(cart=cart)
    return _after_placing(request, order)


def _hints(home_fee: Decimal, shop: StationSummary | None) -> dict[str, Any]:
    """The words under each way of getting and paying for the order."""
    delivery_hints = [
        (
            Order.Delivery.HOME,
            _("%(fee)s, free when the goods cost %(free)s or more")
            % {"fee": yuan(home_fee), "free": yuan(services.free_delivery_over())}
            if home_fee
            else _("Free"),
        ),
        (Order.Delivery.STATION_PICKUP, _("Free. We text you a pickup code when it arrives.")),
        (
            Order.Delivery.SHOP_PICKUP,
            _("Free. %(place)s") % {"place": station_label(shop)} if shop else _("Free"),
        ),
    ]
    payment_hints = [
        (
            Order.PaymentMethod.CASH,
            _("Pay the courier when the goods arrive, or pay at the station when you collect."),
        ),
        (Order.PaymentMethod.SANDBOX, _("A practice payment page: no real money is taken.")),
        (Order.PaymentMethod.WECHAT, _("Pay now with WeChat.")),
    ]
    return {"delivery_hints": delivery_hints, "payment_hints": payment_hints}


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    summary = selectors.cart_summary(cart=cart_of(request))
    form, places = _checkout_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _place(request, form, summary, places["shop"])
        if response is not None:
            return response
    if not summary.items and request.method == "GET":
        return redirect("cart:detail")
    if request.method == "GET" and (signin := wechat_signin_first(request)):
        return signin
    home_fee = services.delivery_fee_for(
        delivery_method=Order.Delivery.HOME, goods_total=summary.goods_total
    )
    shop = places["shop"]
    context = {
        "form": form,
        "summary": summary,
        "shop": shop,
        "home_fee": home_fee,
        "home_total": summary.goods_total + home_fee,
        **_hints(home_fee, shop),
        "wechat_signin_url": (
            wechat_signin_url(reverse("cart:checkout")) if wechat_signin_needed(request) else ""
        ),
    }
    return render(request, "orders/checkout.html", context)
