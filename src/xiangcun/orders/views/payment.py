"""Paying an order from the buyer's device: where each way of paying sends the buyer, WeChat
Pay's channels and sign-in, paying again, the page that opens WeChat's payment sheet, and the
"waiting for your payment" box the order page polls.

Paying inside WeChat's own browser is WeChat's JavaScript bridge or nothing; everything else
works without JavaScript.
"""

import logging
import re
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.errors import XiangcunError
from xiangcun.core.pages import refusal_as_message
from xiangcun.orders import selectors, services
from xiangcun.orders.models import Order
from xiangcun.orders.types import OrderView
from xiangcun.orders.views._common import client_ip, order_for
from xiangcun.payments.selectors import wechat_openid
from xiangcun.payments.services import payment_sync

logger = logging.getLogger(__name__)

# Set once this session has been sent to WeChat's sign-in by itself, so a sign-in that failed
# is not tried again and again; the buyer can still ask for it with the link on the page.
WECHAT_SIGNIN_TRIED_KEY = "orders_wechat_signin_tried"
# Phones and tablets (an Android tablet says "Android" without "Mobile"; Huawei's HarmonyOS
# browsers say "OpenHarmony"/"HarmonyOS"). iPads since iPadOS 13 pass as a Mac: they get the
# QR code, which another phone can scan.
MOBILE_USER_AGENT = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony")


def wechat_enabled() -> bool:
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


def wechat_channel(request: HttpRequest) -> str:
    return wechat_channel_for(request.headers.get("User-Agent", ""))


def _wechat_signin_configured() -> bool:
    return bool(getattr(settings, "WECHAT_OAUTH_SECRET", "") and wechat_enabled())


def wechat_signin_url(next_url: str) -> str:
    return f"{reverse('payments:wechat_signin')}?{urlencode({'next': next_url})}"


def wechat_signin_needed(request: HttpRequest) -> bool:
    """Inside WeChat without the buyer's openid, which paying there needs."""
    return (
        _wechat_signin_configured()
        and wechat_channel(request) == "jsapi"
        and not wechat_openid(session=request.session)
    )


def wechat_signin_first(request: HttpRequest) -> HttpResponse | None:
    """Send a buyer inside WeChat through WeChat's sign-in once, before they need to pay: it
    asks them nothing and comes straight back to this page."""
    if not wechat_signin_needed(request) or request.session.get(WECHAT_SIGNIN_TRIED_KEY):
        return None
    request.session[WECHAT_SIGNIN_TRIED_KEY] = True
    return redirect(wechat_signin_url(request.get_full_path()))


def wechat_payment_problem(request: HttpRequest, channel: str) -> str:
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


def payer_openid(request: HttpRequest, channel: str) -> str:
    """The buyer's openid, which WeChat Pay needs inside WeChat (JSAPI) only."""
    return wechat_openid(session=request.session) if channel == "jsapi" else ""


def _qr_svg(data: str, *, title: str) -> SafeString:
    """An inline SVG QR code, black on white so a phone reads it off any screen."""
    code = segno.make_qr(data, error="m")
    # segno writes the SVG itself; the title is escaped by segno.
    return mark_safe(code.svg_inline(scale=6, border=4, dark="#000", light="#fff", title=title))  # noqa: S308


def payment_url(request: HttpRequest, order: Order) -> str:
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


def awaits_wechat(view: OrderView) -> bool:
    """The buyer's own order, waiting for a WeChat Pay payment already opened."""
    order = view.order
    return (
        view.is_buyer
        and order.status == Order.Status.PENDING_PAYMENT
        and order.payment_method == Order.PaymentMethod.WECHAT
        and bool(order.payment_number)
    )


def wechat_synced(request: HttpRequest, view: OrderView) -> OrderView:
    """The order after asking WeChat Pay about its pending payment: the buyer's return from
    WeChat, the JSAPI callback and the page's polling all trust only what WeChat Pay says,
    and its notification may come late or not at all."""
    if not awaits_wechat(view):
        return view
    try:
        intent = payment_sync(number=view.order.payment_number)
    except XiangcunError as error:
        # WeChat did not answer: the page says "waiting" and the next look asks again.
        logger.warning("Order %s: WeChat Pay status unknown (%s)", view.order.number, error.code)
        return view
    if intent.status == "pending":
        return view
    return order_for(request, view.order.pk)


def wechat_panel(request: HttpRequest, view: OrderView) -> dict[str, Any]:
    """What the order page shows to pay a pending WeChat Pay order from this device."""
    if not awaits_wechat(view):
        return {}
    channel = wechat_channel(request)
    panel: dict[str, Any] = {"payment_poll": True}
    payment = selectors.order_payment(order=view.order, for_user=request.user)
    if payment is None:
        return panel
    code_url = str(payment.client_data.get("code_url") or "")
    if channel == payment.channel == "native" and payment.status == "pending" and code_url:
        panel["wechat_qr"] = _qr_svg(code_url, title=_("WeChat Pay QR code"))
    if wechat_signin_needed(request):
        panel["wechat_signin_url"] = wechat_signin_url(request.path)
    return panel


@login_required
@require_safe
def order_payment_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order page's "waiting for your payment" box, polled by htmx every few seconds
    while WeChat Pay is pending; once the order has moved on, htmx reloads the page."""
    view = wechat_synced(request, order_for(request, order_id))
    if not view.is_buyer:
        raise Http404
    order = view.order
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
    view = order_for(request, order_id)
    order = view.order
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    if not view.is_buyer or order.status != Order.Status.PENDING_PAYMENT:
        messages.error(request, _("This order is not waiting for payment."))
        return redirect(order_url)
    channel = ""
    if order.payment_method == Order.PaymentMethod.WECHAT:
        channel = wechat_channel(request)
        if wechat_signin_needed(request):
            return redirect(wechat_signin_url(order_url))
        problem = wechat_payment_problem(request, channel)
        if problem:
            messages.error(request, problem)
            return redirect(order_url)
    with refusal_as_message(request) as outcome:
        order = services.order_payment_renew(
            actor=request.user,
            order_id=order.pk,
            return_url=order_url,
            wechat_channel=channel,
            payer_openid=payer_openid(request, channel),
            client_ip=client_ip(request),
        )
    if outcome.refused or order.status != Order.Status.PENDING_PAYMENT:
        return redirect(order_url)
    url = payment_url(request, order)
    if not url and channel != "native":
        messages.error(request, _("This order cannot be paid online. Ask at your service centre."))
    return redirect(url or order_url)


@login_required
@require_safe
def wechat_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    """Inside WeChat: the page that opens WeChat's payment sheet (static/payments/
    wechat_jsapi.js reads the signed parameters from a JSON data block: no inline script),
    then goes to the order page, which asks WeChat Pay whether the money came."""
    view = order_for(request, order_id)
    order = view.order
    order_url = reverse("orders:detail", kwargs={"order_id": order.pk})
    if not awaits_wechat(view):
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
