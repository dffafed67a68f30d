"""Checkout (/cart/checkout/): where the order goes, who takes it and how it is paid; placing
it, then on to the payment page or the order page. A home address anywhere in mainland China
is filled from a pasted line or a saved address and priced before payment
(`checkout_address`)."""

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

from xiangcun.core.errors import XiangcunError
from xiangcun.core.forms import choices_set
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_on_form
from xiangcun.orders import selectors, services
from xiangcun.orders.forms import CheckoutForm
from xiangcun.orders.models import Order, SavedAddress
from xiangcun.orders.templatetags.order_pages import yuan
from xiangcun.orders.types import CartSummary
from xiangcun.orders.views._common import client_ip, station_label
from xiangcun.orders.views.cart import cart_of
from xiangcun.orders.views.checkout_address import (
    ADDRESS_NAMES,
    Delivery,
    codes_of,
    delivery_options,
    division_choices,
    form_data,
    pasted_values,
    save_used_address,
    saved_values,
)
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
DEFAULT_COUNTY_CODE = "522636"
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
    "unknown_division": "county_code",
    "division_mismatch": "county_code",
    "county_required": "county_code",
    "invalid_shipping_service": "service",
    "shipping_service_unavailable": "service",
    "shipping_option_unavailable": "service",
    "cannot_ship_fresh": "service",
    "no_shipping_to_destination": "county_code",
}
# A service error's field (`address.phone`) as the checkout form names it.
ADDRESS_FIELDS = {
    "address.county_code": "county_code",
    "address.province": "county_code",
    "address.city": "county_code",
    "address.county": "county_code",
    "address.street": "street",
    "address.township": "street",
    "address.detail": "detail",
    "address.recipient": "recipient",
    "address.phone": "phone",
    "delivery.service": "service",
}


def _checkout_form(
    request: HttpRequest,
    data: Any,
    summary: CartSummary,
    saved: list[SavedAddress],
    *,
    bound: bool = True,
) -> tuple[CheckoutForm, dict[str, Any]]:
    """The checkout form with its choices, and what the page shows about the pickup places and
    the delivery options to the county chosen."""
    stations = stations_list()
    village_stations = [s for s in stations if s.kind == "village_station"]
    shops = [s for s in stations if s.kind == "service_centre"]
    townships = townships_list()
    villages: list[tuple[Any, Any]] = []
    village_townships: dict[int, int] = {}
    for township in townships:
        rows = villages_for_township(township_code=township.code)
        villages.append((localized(township), [(row.id, localized(row)) for row in rows]))
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
        local_code = county.code
    except CountyNotConfiguredError:
        place = {"province": DEFAULT_PROVINCE, "city": DEFAULT_CITY, "county": DEFAULT_COUNTY}
        local_code = DEFAULT_COUNTY_CODE
    user = request.user
    initial = {
        **place,
        **codes_of(local_code),
        "recipient": getattr(user, "name", "") or "",
        "phone": getattr(user, "phone", "") or "",
        "idempotency_key": uuid.uuid4().hex,
    }
    default = next((row for row in saved if row.is_default), None)
    if default is not None:
        initial.update(saved_values(default), delivery_method=Order.Delivery.HOME)
    divisions, chosen = division_choices(data if data is not None else initial)
    if data is not None and not bound:
        # Filling or narrowing the address is not sending the order: the form is drawn
        # again with what was typed, and no field is marked wrong yet.
        initial.update(data.dict())
        data = None
    if data is not None:
        for name, value in chosen.items():
            data[name] = value
    else:
        initial.update(chosen)
    form = CheckoutForm(
        data,
        stations=[(s.id, station_label(s)) for s in village_stations],
        townships=[(t.id, localized(t)) for t in townships],
        villages=villages,
        village_townships=village_townships,
        payment_methods=payment_methods,
        initial=initial,
        divisions=divisions,
        saved_addresses=[(row.pk, f"{row.recipient} {row.text}") for row in saved],
        local_county_code=local_code,
    )
    delivery = Delivery()
    if form.is_nationwide():
        delivery = delivery_options(summary, form.chosen("county_code"))
    choices_set(form, "service", delivery.choices())
    places = {"shop": shops[0] if shops else None, "stations": village_stations}
    return form, {**places, "delivery": delivery}


def _order_arguments(
    form: CheckoutForm, shop: StationSummary | None, *, wechat_channel: str
) -> dict[str, Any]:
    data = form.cleaned_data
    method = data["delivery_method"]
    station_id: int | None = None
    address: dict[str, Any] | None = None
    service = ""
    if method == Order.Delivery.STATION_PICKUP:
        station_id = data["station"]
    elif method == Order.Delivery.SHOP_PICKUP:
        station_id = shop.id if shop else None
    elif form.is_nationwide():
        address = {name: data[name] for name in ADDRESS_NAMES}
        service = data["service"]
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
        "shipping_service": service,
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
    arguments = _order_arguments(form, shop, wechat_channel=channel)
    with refusal_on_form(form, fields=CHECKOUT_ERROR_FIELDS) as outcome:
        try:
            order = services.order_place(
                buyer=request.user,
                lines=[(item.variant_id, item.quantity) for item in summary.items],
                idempotency_key=key,
                client_ip=client_ip(request),
                payer_openid=payer_openid(request, channel),
                **arguments,
            )
        except XiangcunError as error:
            # `address.phone` from the service is the form's `phone`.
            error.field = ADDRESS_FIELDS.get(error.field or "", error.field)
            raise
    if outcome.refused:
        return None
    address = arguments["address"]
    if address and "county_code" in address and form.cleaned_data.get("save_address"):
        save_used_address(request, arguments["address"])
    cart = cart_of(request)
    if cart is not None:
        services.cart_clear(cart=cart)
    return _after_placing(request, order)


def _hints(
    home_fee: Decimal, shop: StationSummary | None, *, nationwide: bool = False
) -> dict[str, Any]:
    """The words under each way of getting and paying for the order."""
    if nationwide:
        home_hint = _("Anywhere in China by express: the fee depends on the service you choose.")
    elif home_fee:
        home_hint = _("%(fee)s, free when the goods cost %(free)s or more") % {
            "fee": yuan(home_fee),
            "free": yuan(services.free_delivery_over()),
        }
    else:
        home_hint = _("Free")
    delivery_hints = [
        (Order.Delivery.HOME, home_hint),
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
    saved = services.saved_addresses_for(user=request.user)
    data, action = form_data(request, saved)
    form, places = _checkout_form(request, data, summary, saved, bound=action == "place")
    if action == "place" and form.is_valid():
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
    chosen = places["delivery"].chosen(form.chosen("service"))
    nationwide = form.is_nationwide()
    if nationwide:
        # The carrier's fee for the option chosen (none until a district is chosen).
        home_fee = chosen.fee if chosen is not None else Decimal("0.00")
    shop = places["shop"]
    context = {
        "form": form,
        "summary": summary,
        "shop": shop,
        "delivery": places["delivery"],
        "nationwide": nationwide,
        "paste_note": _paste_note(data) if action == "parse" else "",
        "chosen_option": chosen,
        "saved": saved,
        "home_fee": home_fee,
        "home_total": summary.goods_total + home_fee,
        **_hints(home_fee, shop, nationwide=nationwide),
        "wechat_signin_url": (
            wechat_signin_url(reverse("cart:checkout")) if wechat_signin_needed(request) else ""
        ),
    }
    return render(request, "orders/checkout.html", context)


def _paste_note(data: Any) -> str:
    """After "fill from pasted text": which fields the text did not give, to add by hand."""
    _values, missing = pasted_values(data.get("paste", "") if data is not None else "")
    labels = {
        "county_code": _("the district"),
        "detail": _("the house and street"),
        "recipient": _("the name"),
        "phone": _("the mobile number"),
    }
    if not missing:
        return _("Filled in from the pasted address. Please check it.")
    return _("Filled in what we found. Please add %(fields)s.") % {
        "fields": _(", ").join(str(labels[name]) for name in missing)
    }
