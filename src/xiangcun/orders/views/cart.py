"""The cart page (/cart/): what is in it by shop, and the buttons that add, change and remove.

A guest's cart is kept with their session and folded into their own cart when they log in.
"""

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.pages import refusal_as_message
from xiangcun.orders import selectors, services
from xiangcun.orders.errors import quantity_limit_message
from xiangcun.orders.forms import AddToCartForm, CartQuantityForm
from xiangcun.orders.models import Cart, Order
from xiangcun.orders.services import MAX_QUANTITY
from xiangcun.orders.templatetags.order_pages import local
from xiangcun.orders.types import CartSummary
from xiangcun.orders.views._common import next_url

# A guest's cart is keyed by a token kept in the session, not by the session key itself:
# Django gives the session a new key at login, and the token lets us find the cart to merge.
CART_SESSION_KEY = "orders_cart_key"


def cart_of(request: HttpRequest) -> Cart | None:
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
    cart = cart_of(request)
    if cart is not None:
        return cart
    if request.user.is_authenticated:
        return services.cart_for(user=request.user)
    key = request.session.get(CART_SESSION_KEY) or secrets.token_urlsafe(24)
    request.session[CART_SESSION_KEY] = key
    return services.cart_for(session_key=key)


def _problems(summary: CartSummary) -> list[str]:
    """What the buyer must fix before checkout: lines no longer on sale, or more than is left."""
    problems: list[str] = []
    for item in summary.items:
        name = local(item, "product_name")
        if not item.on_sale:
            problems.append(
                _("%(name)s is no longer on sale: take it out of the cart.") % {"name": name}
            )
        elif item.quantity > min(item.available, MAX_QUANTITY):
            available = max(item.available, 0)
            problems.append(
                pgettext("cart problem", "%(name)s: %(problem)s")
                % {
                    "name": name,
                    "problem": quantity_limit_message(
                        available=available, maximum=min(available, MAX_QUANTITY)
                    ),
                }
            )
    return problems


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    summary = selectors.cart_summary(cart=cart_of(request))
    context = {
        "summary": summary,
        "problems": _problems(summary),
        "home_fee": services.delivery_fee_for(
            delivery_method=Order.Delivery.HOME, goods_total=summary.goods_total
        ),
        "free_over": services.free_delivery_over(),
    }
    return render(request, "orders/cart.html", context)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    back = next_url(request, reverse("cart:detail"))
    if not form.is_valid():
        messages.error(request, _("Choose an option and enter how many you want, like 2."))
        return redirect(back)
    cart = _cart_to_fill(request)
    with refusal_as_message(request) as outcome:
        services.cart_add(
            cart=cart,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    if outcome.refused:
        return redirect(back)
    messages.success(request, _("Added to your cart."))
    return redirect("cart:detail")


@require_POST
def cart_update(request: HttpRequest, variant_id: int) -> HttpResponse:
    form = CartQuantityForm(request.POST)
    cart = cart_of(request)
    if cart is None:
        return redirect("cart:detail")
    if not form.is_valid():
        messages.error(request, _("Enter how many you want as a number, like 2 (0 takes it out)."))
        return redirect("cart:detail")
    quantity = form.cleaned_data["quantity"]
    with refusal_as_message(request) as outcome:
        if quantity == 0:
            services.cart_remove(cart=cart, variant_id=variant_id)
        else:
            services.cart_set_quantity(cart=cart, variant_id=variant_id, quantity=quantity)
    if outcome.done:
        messages.success(request, _("Cart updated."))
    return redirect("cart:detail")


@require_POST
def cart_remove(request: HttpRequest, variant_id: int) -> HttpResponse:
    cart = cart_of(request)
    if cart is not None:
        with refusal_as_message(request) as outcome:
            services.cart_remove(cart=cart, variant_id=variant_id)
        if outcome.done:
            messages.success(request, _("Taken out of your cart."))
    return redirect("cart:detail")
