"""Cart, checkout and order pages (/cart/, /orders/), the seller's "orders for my shop" page
and the staff page that confirms cash.

Views parse forms and call the orders, payments and regions services and selectors; the rules
live there. Every page works without JavaScript, except paying inside WeChat's own browser,
which is WeChat's JavaScript bridge or nothing.
"""

import logging
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import variant_availability
from xiangcun.core.errors import NotFoundError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.orders import selectors, services
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.forms import (
    AddToCartForm,
    CancelForm,
    CartQuantityForm,
    CashConfirmForm,
    CheckoutForm,
    OrderNumberForm,
    ReturnForm,
)
from xiangcun.orders.models import Cart, CartLine, Order, OrderLine
from xiangcun.orders.templatetags.order_pages import local, yuan
from xiangcun.payments.selectors import wechat_openid
from xiangcun.payments.services import payment_sync
from xiangcun.regions.errors import CountyNotConfiguredError
from xiangcun.regions.selectors import (
    county_get_default,
    station_get,
    stations_list,
    townships_list,
    villages_for_township,
)
from xiangcun.regions.types import StationSummary
from xiangcun.sellers.selectors import sellers_managed_by

logger = logging.getLogger(__name__)

# A guest's cart is keyed by a token kept in the session, not by the session key itself:
# Django gives the session a new key at login, and the token lets us find the cart to merge.
CART_SESSION_KEY = "orders_cart_key"
# The shop the console works on, shared with catalog's and inventory's console pages.
CONSOLE_SELLER_KEY = "console_seller_id"
CASH_ROLES = frozenset({Role.AGENT, Role.COURIER, Role.DRIVER, Role.WAREHOUSE, Role.ADMIN})
# Steps a seller takes on the "orders for my shop" page, from where their own lines are (a
# seller moves their lines, never the whole order), while the order is at one of these steps.
SELLER_NEXT_STEP: dict[str, str] = {
    OrderLine.Fulfilment.OPEN: Order.Status.PACKING,
    OrderLine.Fulfilment.PACKING: Order.Status.SHIPPED,
}
SELLER_STAGES = frozenset({Order.Status.PAID, Order.Status.AWAITING_CASH, Order.Status.PACKING})
UNPAID = frozenset({Order.Status.PENDING_PAYMENT, Order.Status.AWAITING_CASH})
RETURNABLE = frozenset({Order.Status.DELIVERED, Order.Status.COMPLETED})
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
# Set once this session has been sent to WeChat's sign-in by itself, so a sign-in that failed
# is not tried again and again; the buyer can still ask for it with the link on the page.
WECHAT_SIGNIN_TRIED_KEY = "orders_wechat_signin_tried"
# Phones and tablets (an Android tablet says "Android" without "Mobile"; Huawei's HarmonyOS
# browsers say "OpenHarmony"/"HarmonyOS"). iPads since iPadOS 13 pass as a Mac: they get the
# QR code, which another phone can scan.
MOBILE_USER_AGENT = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony")


# --- helpers -----------------------------------------------------------------------------------


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _pagination(request: HttpRequest, page: Any) -> dict[str, Any]:
    def url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    return {
        "page": page.page,
        "pages": page.pages,
        "count": page.count,
        "previous_url": url(page.page - 1) if page.page > 1 else "",
        "next_url": url(page.page + 1) if page.page < page.pages else "",
    }


def _wechat_enabled() -> bool:
    return bool(getattr(settings, "WECHATPAY_MCHID", ""))


def wechat_channel_for(user_agent: str) -> str:
    """The WeChat Pay channel that works where the buyer is: `jsapi` inside WeChat's own
    browser (WeChat refuses its H5 pages there), `h5` in another phone browser (which hands
    over to the WeChat app), `native` on a computer (a QR code to scan with a phone)."""
    if "MicroMessenger" in user_agent:
        return "jsapi"
    if MOBILE_USER_AGENT.search(user_agent):
        return "h5"
    return "native"


def _wechat_channel(request: HttpRequest) -> str:
    return wechat_channel_for(request.headers.get("User-Agent", ""))


def _wechat_signin_configured() -> bool:
    return bool(getattr(settings, "WECHAT_OAUTH_SECRET", "") and _wechat_enabled())


def _wechat_signin_url(next_url: str) -> str:
    return f"{reverse('payments:wechat_signin')}?{urlencode({'next': next_url})}"


def _wechat_signin_needed(request: HttpRequest) -> bool:
    """Inside WeChat without the buyer's openid, which paying there needs."""
    return (
        _wechat_signin_configured()
        and _wechat_channel(request) == "jsapi"
        and not wechat_openid(session=request.session)
    )


def _wechat_signin_first(request: HttpRequest) -> HttpResponse | None:
    """Send a buyer inside WeChat through WeChat's sign-in once, before they need to pay: it
    asks them nothing and comes straight back to this page."""
    if not _wechat_signin_needed(request) or request.session.get(WECHAT_SIGNIN_TRIED_KEY):
        return None
    request.session[WECHAT_SIGNIN_TRIED_KEY] = True
    return redirect(_wechat_signin_url(request.get_full_path()))


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def _qr_svg(data: str, *, title: str) -> SafeString:
    """An inline SVG QR code, black on white so a phone reads it off any screen."""
    code = segno.make_qr(data, error="m")
    # segno writes the SVG itself; the title is escaped by segno.
    return mark_safe(code.svg_inline(scale=6, border=4, dark="#000", light="#fff", title=title))  # noqa: S308


def _delivery_fee(method: str, goods_total: Decimal) -> Decimal:
    return services.delivery_fee_for(delivery_method=method, goods_total=goods_total)


def _roles(request: HttpRequest) -> set[Role]:
    cached: set[Role] | None = getattr(request, "_xiangcun_roles", None)
    if cached is None:
        cached = set(user_roles(user=request.user)) if request.user.is_authenticated else set()
        request._xiangcun_roles = cached  # type: ignore[attr-defined]
    return cached


def _cash_due(order: Order) -> bool:
    """A cash order whose money nobody has taken yet (cash on delivery may already be on the
    road: packing or shipped)."""
    return (
        order.payment_method == Order.PaymentMethod.CASH
        and order.paid_at is None
        and order.status
        not in {Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.RETURN_REQUESTED}
    )


def _is_cash_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and (user.is_superuser or _roles(request) & CASH_ROLES))


# --- the cart ----------------------------------------------------------------------------------


def _cart(request: HttpRequest) -> Cart | None:
    """The user's cart, with the guest cart they filled before logging in folded in; for a
    guest the session's cart. Looking never makes a cart; None when there is none yet."""
    if request.user.is_authenticated:
        guest_key = request.session.pop(CART_SESSION_KEY, None)
        if guest_key:
            return services.cart_merge(session_key=guest_key, user=request.user)
        return selectors.cart_get(user=request.user)
    key = request.session.get(CART_SESSION_KEY)
    return selectors.cart_get(session_key=key) if key else None


def _cart_to_fill(request: HttpRequest) -> Cart:
    """The cart to put goods in, made on the first add."""
    cart = _cart(request)
    if cart is not None:
        return cart
    if request.user.is_authenticated:
        return services.cart_for(user=request.user)
    key = request.session.get(CART_SESSION_KEY) or secrets.token_urlsafe(24)
    request.session[CART_SESSION_KEY] = key
    return services.cart_for(session_key=key)


@dataclass
class SellerGroup:
    seller: Any
    lines: list[Any] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")


@dataclass
class CartRow:
    """One cart line with today's price and stock."""

    variant_id: int
    variant: Any
    quantity: int
    available: int
    line_total: Decimal
    on_sale: bool


@dataclass
class CartSummary:
    groups: list[SellerGroup]
    goods_total: Decimal
    count: int
    problems: list[str]

    @property
    def lines(self) -> list[Any]:
        return [line for group in self.groups for line in group.lines]


def _cart_summary(cart: Cart | None) -> CartSummary:
    """The cart's lines grouped by shop, with today's prices and what is still in stock."""
    if cart is None:
        return CartSummary(groups=[], goods_total=Decimal("0.00"), count=0, problems=[])
    rows = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__seller")
        .order_by("variant__product__seller_id", "id")
    )
    available = variant_availability(variant_ids=[row.variant_id for row in rows])
    groups: dict[int, SellerGroup] = {}
    problems: list[str] = []
    total = Decimal("0.00")
    for line in rows:
        product = line.variant.product
        row = CartRow(
            variant_id=line.variant_id,
            variant=line.variant,
            quantity=line.quantity,
            available=available.get(line.variant_id, 0),
            line_total=line.variant.price * line.quantity,
            on_sale=bool(line.variant.is_active and product.status == "listed"),
        )
        if not row.on_sale:
            problems.append(
                _("%(name)s is no longer on sale: take it out of the cart.")
                % {"name": local(product)}
            )
        elif row.quantity > row.available:
            problems.append(
                _("Only %(count)s of %(name)s left: lower the number.")
                % {"count": row.available, "name": local(product)}
            )
        group = groups.setdefault(product.seller_id, SellerGroup(seller=product.seller))
        group.lines.append(row)
        if row.on_sale:
            group.subtotal += row.line_total
            total += row.line_total
    return CartSummary(
        groups=list(groups.values()),
        goods_total=total,
        count=sum(row.quantity for row in rows),
        problems=problems,
    )


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    summary = _cart_summary(_cart(request))
    context = {
        "summary": summary,
        "home_fee": _delivery_fee(Order.Delivery.HOME, summary.goods_total),
        "free_over": services.free_delivery_over(),
    }
    return render(request, "orders/cart.html", context)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    back = _next_url(request, reverse("cart:detail"))
    if not form.is_valid():
        messages.error(request, _("Choose an option and how many you want (1 to 99)."))
        return redirect(back)
    cart = _cart_to_fill(request)
    try:
        services.cart_add(
            cart=cart,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except XiangcunError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(request, _("Added to your cart."))
    return redirect("cart:detail")


@require_POST
def cart_update(request: HttpRequest, variant_id: int) -> HttpResponse:
    form = CartQuantityForm(request.POST)
    cart = _cart(request)
    if cart is None:
        return redirect("cart:detail")
    if not form.is_valid():
        messages.error(request, _("Enter how many you want: a number from 0 to 99."))
        return redirect("cart:detail")
    quantity = form.cleaned_data["quantity"]
    try:
        if quantity == 0:
            services.cart_remove(cart=cart, variant_id=variant_id)
        else:
            services.cart_set_quantity(cart=cart, variant_id=variant_id, quantity=quantity)
    except XiangcunError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Cart updated."))
    return redirect("cart:detail")


@require_POST
def cart_remove(request: HttpRequest, variant_id: int) -> HttpResponse:
    cart = _cart(request)
    if cart is not None:
        try:
            services.cart_remove(cart=cart, variant_id=variant_id)
        except XiangcunError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Taken out of your cart."))
    return redirect("cart:detail")


# --- checkout ----------------------------------------------------------------------------------


def _station_label(station: StationSummary) -> str:
    return f"{station.name}（{station.address}）" if station.address else station.name


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
    payment_methods: list[tuple[str, Any]] = [
        (Order.PaymentMethod.CASH, _("Cash when you get the goods")),
        (Order.PaymentMethod.SANDBOX, _("Pay online now (demo payment)")),
    ]
    if _wechat_enabled():
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
        stations=[(s.id, _station_label(s)) for s in village_stations],
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
        return redirect(_payment_url(request, order) or order_url)
    return redirect(order_url)


def _payment_url(request: HttpRequest, order: Order) -> str:
    """Where the buyer pays, coming back to the order page: the sandbox approval page,
    WeChat's H5 page, or our page that opens WeChat's payment sheet (JSAPI); "" when there is
    nothing to open (cash, or WeChat's QR code, which the order page itself shows)."""
    if not order.payment_number:
        return ""
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    payment = selectors.order_payment(order=order, for_user=request.user)
    if payment is None:
        return ""
    data = payment.client_data  # empty for anyone but the buyer
    if order.payment_method == Order.PaymentMethod.SANDBOX:
        base = data.get("approve_url") or data.get("url") or ""
        if not base:
            base = reverse("payments:sandbox", kwargs={"number": order.payment_number})
        base = base.split("?", 1)[0]
        return f"{base}?{urlencode({'next': order_url})}"
    if order.payment_method == Order.PaymentMethod.WECHAT:
        if payment.channel == "jsapi":
            return reverse("orders:wechat_pay", kwargs={"order_id": order.pk})
        h5_url = str(data.get("h5_url") or "")
        if payment.channel == "h5" and h5_url:
            # WeChat brings the buyer back here once they have paid (or given up).
            back = request.build_absolute_uri(order_url)
            separator = "&" if "?" in h5_url else "?"
            return f"{h5_url}{separator}{urlencode({'redirect_url': back})}"
    return ""


def _wechat_payment_problem(request: HttpRequest, channel: str) -> str:
    """Why a buyer cannot pay with WeChat from here, or "" when they can."""
    if channel != "jsapi" or wechat_openid(session=request.session):
        return ""
    if not _wechat_signin_configured():
        return _(
            "WeChat Pay does not work inside WeChat's own browser here yet. Choose another "
            "way to pay, or open this page in your phone's browser."
        )
    return _(
        "WeChat has not confirmed your WeChat account yet. Use the link “Confirm my WeChat "
        "account”, or choose another way to pay."
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    summary = _cart_summary(_cart(request))
    form, places = _checkout_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["idempotency_key"]
        # Pressed twice, or sent again after the connection dropped: the first press placed
        # the order and emptied the cart, so show that order rather than an empty cart.
        placed = selectors.order_for_idempotency_key(buyer=request.user, idempotency_key=key)
        if placed is not None:
            return _after_placing(request, placed)
        if not summary.lines:
            messages.error(request, _("Your cart is empty."))
            return redirect("cart:detail")
        wechat_channel = ""
        if form.cleaned_data["payment_method"] == Order.PaymentMethod.WECHAT:
            wechat_channel = _wechat_channel(request)
        problem = _wechat_payment_problem(request, wechat_channel)
        if problem:
            form.add_error("payment_method", problem)
        else:
            try:
                order = services.order_place(
                    buyer=request.user,
                    lines=[(line.variant_id, line.quantity) for line in summary.lines],
                    idempotency_key=key,
                    client_ip=_client_ip(request),
                    payer_openid=(
                        wechat_openid(session=request.session) if wechat_channel == "jsapi" else ""
                    ),
                    **_order_arguments(form, places["shop"], wechat_channel=wechat_channel),
                )
            except XiangcunError as error:
                form_add_service_error(form, error, fields=CHECKOUT_ERROR_FIELDS)
            else:
                cart = _cart(request)
                if cart is not None:
                    services.cart_clear(cart=cart)
                return _after_placing(request, order)
    if not summary.lines and request.method == "GET":
        return redirect("cart:detail")
    if request.method == "GET" and (signin := _wechat_signin_first(request)):
        return signin
    home_fee = _delivery_fee(Order.Delivery.HOME, summary.goods_total)
    shop = places["shop"]
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
            _("Free. %(place)s") % {"place": _station_label(shop)} if shop else _("Free"),
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
    context = {
        "form": form,
        "summary": summary,
        "shop": shop,
        "home_fee": home_fee,
        "home_total": summary.goods_total + home_fee,
        "delivery_hints": delivery_hints,
        "payment_hints": payment_hints,
        "wechat_signin_url": (
            _wechat_signin_url(reverse("cart:checkout")) if _wechat_signin_needed(request) else ""
        ),
    }
    return render(request, "orders/checkout.html", context)


# --- the buyer's orders ------------------------------------------------------------------------


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    page = selectors.orders_for_buyer(user=request.user, page=_page_number(request))
    context = {"orders": page, "pagination": _pagination(request, page)}
    return render(request, "orders/order_list.html", context)


def _order_for(request: HttpRequest, order_id: int) -> Order:
    try:
        return selectors.order_get(order_id=order_id, for_user=request.user)
    except OrderNotFoundError:
        raise Http404 from None


def _group_lines(lines: Iterable[OrderLine]) -> list[SellerGroup]:
    groups: dict[int, SellerGroup] = {}
    for line in lines:
        group = groups.setdefault(line.seller_id, SellerGroup(seller=line.seller))
        group.lines.append(line)
        group.subtotal += line.line_total
    return list(groups.values())


def _awaits_wechat(order: Order) -> bool:
    return (
        order.viewer == "buyer"  # type: ignore[attr-defined]
        and order.status == Order.Status.PENDING_PAYMENT
        and order.payment_method == Order.PaymentMethod.WECHAT
        and bool(order.payment_number)
    )


def _wechat_synced(request: HttpRequest, order: Order) -> Order:
    """The order after asking WeChat Pay about its pending payment: the buyer's return from
    WeChat, the JSAPI callback and the page's polling all trust only what WeChat Pay says,
    and its notification may come late or not at all."""
    if not _awaits_wechat(order):
        return order
    try:
        intent = payment_sync(number=order.payment_number)
    except XiangcunError as error:
        # WeChat did not answer: the page says "waiting" and the next look asks again.
        logger.warning("Order %s: WeChat Pay status unknown (%s)", order.number, error.code)
        return order
    if intent.status == "pending":
        return order
    return _order_for(request, order.pk)


def _wechat_panel(request: HttpRequest, order: Order) -> dict[str, Any]:
    """What the order page shows to pay a pending WeChat Pay order from this device."""
    if not _awaits_wechat(order):
        return {}
    channel = _wechat_channel(request)
    panel: dict[str, Any] = {"payment_poll": True}
    payment = selectors.order_payment(order=order, for_user=request.user)
    if payment is None:
        return panel
    code_url = str(payment.client_data.get("code_url") or "")
    if channel == payment.channel == "native" and payment.status == "pending" and code_url:
        panel["wechat_qr"] = _qr_svg(code_url, title=_("WeChat Pay QR code"))
    if _wechat_signin_needed(request):
        panel["wechat_signin_url"] = _wechat_signin_url(request.path)
    return panel


def _order_page(
    request: HttpRequest,
    order: Order,
    *,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines: list[OrderLine] = order.visible_lines  # type: ignore[attr-defined]
    whole = order.viewer != "seller"  # type: ignore[attr-defined]
    is_buyer = order.viewer == "buyer"  # type: ignore[attr-defined]
    returnable = is_buyer and order.status in RETURNABLE
    if returnable and return_form is None:
        return_form = ReturnForm(
            lines=[line for line in lines if line.returned_quantity < line.quantity]
        )
    station = None
    if order.station_id:
        try:
            station = station_get(station_id=order.station_id)
        except NotFoundError:
            station = None
    context = {
        "order": order,
        "station": station,
        "groups": _group_lines(lines),
        "whole": whole,
        "is_buyer": is_buyer,
        "timeline": selectors.order_timeline(order=order),
        "can_pay": is_buyer and order.status == Order.Status.PENDING_PAYMENT,
        "can_cancel": is_buyer and order.status in UNPAID,
        "cancel_form": CancelForm(),
        "return_form": return_form if returnable else None,
        "can_confirm_cash": _cash_due(order) and _is_cash_staff(request),
        **_wechat_panel(request, order),
    }
    return render(request, "orders/order_detail.html", context, status=status)


@login_required
@require_safe
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    if _awaits_wechat(order) and (signin := _wechat_signin_first(request)):
        return signin
    return _order_page(request, _wechat_synced(request, order))


@login_required
@require_safe
def order_payment_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order page's "waiting for your payment" box, polled by htmx every few seconds
    while WeChat Pay is pending; once the order has moved on, htmx reloads the page."""
    order = _wechat_synced(request, _order_for(request, order_id))
    if order.viewer != "buyer":  # type: ignore[attr-defined]
        raise Http404
    waiting = order.status == Order.Status.PENDING_PAYMENT
    response = render(
        request, "orders/_payment_status.html", {"order": order, "payment_poll": waiting}
    )
    if not waiting and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def order_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    """Pay (again): keeps a payment that still works from this device, else opens a new one
    on the channel that does (`wechat_channel_for`), then sends the buyer to it."""
    order = _order_for(request, order_id)
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    if order.viewer != "buyer" or order.status != Order.Status.PENDING_PAYMENT:  # type: ignore[attr-defined]
        messages.error(request, _("This order is not waiting for payment."))
        return redirect(order_url)
    wechat_channel = ""
    if order.payment_method == Order.PaymentMethod.WECHAT:
        wechat_channel = _wechat_channel(request)
        if _wechat_signin_needed(request):
            return redirect(_wechat_signin_url(order_url))
        problem = _wechat_payment_problem(request, wechat_channel)
        if problem:
            messages.error(request, problem)
            return redirect(order_url)
    try:
        order = services.order_payment_renew(
            actor=request.user,
            order_id=order.pk,
            return_url=order_url,
            wechat_channel=wechat_channel,
            payer_openid=(
                wechat_openid(session=request.session) if wechat_channel == "jsapi" else ""
            ),
            client_ip=_client_ip(request),
        )
    except XiangcunError as error:
        messages.error(request, str(error.message))
        return redirect(order_url)
    if order.status != Order.Status.PENDING_PAYMENT:
        return redirect(order_url)
    url = _payment_url(request, order)
    if not url and wechat_channel != "native":
        messages.error(request, _("This order cannot be paid online. Ask at your service centre."))
    return redirect(url or order_url)


@login_required
@require_safe
def wechat_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    """Inside WeChat: the page that opens WeChat's payment sheet (static/payments/
    wechat_jsapi.js reads the signed parameters from a JSON data block: no inline script),
    then goes to the order page, which asks WeChat Pay whether the money came."""
    order = _order_for(request, order_id)
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    if not _awaits_wechat(order):
        return redirect(order_url)
    # The signed parameters are the buyer's alone: anyone else goes to the order page, which
    # shows whether it is paid.
    payment = selectors.order_payment(order=order, for_user=request.user)
    params = payment.client_data.get("jsapi_params") if payment is not None else None
    if (
        payment is None
        or payment.channel != "jsapi"
        or payment.status != "pending"
        or not isinstance(params, dict)
    ):
        return redirect(order_url)
    context = {"order": order, "jsapi_params": params, "order_url": order_url}
    return render(request, "orders/wechat_pay.html", context)


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.order_cancel(actor=request.user, order_id=order.pk, reason=reason)
    except XiangcunError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def order_return(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    if order.viewer != "buyer" or order.status not in RETURNABLE:  # type: ignore[attr-defined]
        messages.error(request, _("A return can be asked for once the order has been delivered."))
        return redirect("orders:detail", order_id=order.pk)
    lines = [line for line in order.lines.all() if line.returned_quantity < line.quantity]
    form = ReturnForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            services.return_request(
                actor=request.user,
                order_id=order.pk,
                lines=form.chosen_lines(),
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except XiangcunError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("We have your return request. We will text you."))
            return redirect("orders:detail", order_id=order.pk)
    return _order_page(request, order, return_form=form)


# --- sellers: orders for my shop ---------------------------------------------------------------


def _console_seller(request: HttpRequest) -> tuple[Any | None, list[Any]]:
    managed = sellers_managed_by(user=request.user)
    wanted = request.GET.get("seller") or request.session.get(CONSOLE_SELLER_KEY)
    if wanted:
        for seller in managed:
            if str(seller.pk) == str(wanted):
                request.session[CONSOLE_SELLER_KEY] = seller.pk
                return seller, managed
    return (managed[0] if len(managed) == 1 else None), managed


@dataclass
class ShopOrder:
    order: Any
    lines: list[Any] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")
    next_step: str = ""
    next_label: str = ""


@login_required
@require_safe
def shop_orders(request: HttpRequest) -> HttpResponse:
    seller, managed = _console_seller(request)
    if not managed:
        raise PermissionDenied
    shop_rows: list[ShopOrder] = []
    pagination = None
    if seller is not None:
        page = selectors.order_lines_for_seller(seller_id=seller.pk, page=_page_number(request))
        by_order: dict[int, ShopOrder] = {}
        for line in page.items:
            row = by_order.setdefault(line.order_id, ShopOrder(order=line.order))
            row.lines.append(line)
            row.subtotal += line.line_total
        for row in by_order.values():
            reached = {line.fulfilment for line in row.lines}
            step = ""
            if row.order.status in SELLER_STAGES and len(reached) == 1:
                step = SELLER_NEXT_STEP.get(reached.pop(), "")
            row.next_step = step
            row.next_label = str(Order.Status(step).label) if step else ""
        shop_rows = list(by_order.values())
        pagination = _pagination(request, page)
    context = {
        "seller": seller,
        "managed": managed,
        "rows": shop_rows,
        "pagination": pagination,
    }
    return render(request, "orders/shop_orders.html", context)


@login_required
@require_POST
def shop_order_step(request: HttpRequest, order_id: int) -> HttpResponse:
    to_status = request.POST.get("to_status", "")
    if to_status not in {Order.Status.PACKING, Order.Status.SHIPPED}:
        messages.error(request, _("Choose packing or shipped."))
        return redirect("orders:shop")
    try:
        services.order_transition(actor=request.user, order_id=order_id, to_status=to_status)
    except XiangcunError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Order marked as: %(status)s.") % {"status": Order.Status(to_status).label},
        )
    return redirect("orders:shop")


# --- staff: confirm cash -----------------------------------------------------------------------


def _require_cash_staff(request: HttpRequest) -> None:
    if not _is_cash_staff(request):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def cash_find(request: HttpRequest) -> HttpResponse:
    """Staff type the number the buyer shows them and land on that order's cash page."""
    _require_cash_staff(request)
    form = OrderNumberForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        try:
            order = selectors.order_by_number(number=number)
        except OrderNotFoundError:
            form.add_error("number", _("No order has this number. Check it with the buyer."))
        else:
            return redirect("orders:cash", order_id=order.pk)
    return render(request, "orders/cash_find.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cash_confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    _require_cash_staff(request)
    order = _order_for(request, order_id)
    stations = stations_list()
    initial = {"station": order.station_id} if order.station_id else None
    form = CashConfirmForm(
        request.POST or None,
        stations=[(s.id, _station_label(s)) for s in stations],
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        if not _cash_due(order):
            form.add_error(None, _("This order is not waiting for cash."))
        else:
            try:
                services.order_confirm_cash(
                    actor=request.user, order_id=order.pk, station_id=form.cleaned_data["station"]
                )
            except XiangcunError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Cash received for order %(number)s. The order is paid.")
                    % {"number": order.number},
                )
                return redirect("orders:cash", order_id=order.pk)
    lines: list[OrderLine] = order.visible_lines  # type: ignore[attr-defined]
    context = {
        "order": order,
        "form": form,
        "groups": _group_lines(lines),
        "cash_due": _cash_due(order),
    }
    return render(request, "orders/cash_confirm.html", context)
