"""The seller console's stock pages: on hand, held for orders and available at the seller's
own farm or workshop, and the two changes a seller makes (count, receive)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.catalog.selectors import products_for_seller
from xiangcun.core.errors import PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.inventory.forms import StockCountForm, StockReceiveForm
from xiangcun.inventory.selectors import movements_for_stock, stock_get
from xiangcun.inventory.services import location_for_seller, stock_adjust, stock_receive
from xiangcun.sellers.selectors import seller_can_manage, sellers_managed_by

# Same key as the catalogue console: the shop an agent is working for.
CONSOLE_SELLER_KEY = "console_seller_id"


def _console_seller(request: HttpRequest) -> Any | None:
    managed = sellers_managed_by(user=request.user)
    wanted = request.session.get(CONSOLE_SELLER_KEY)
    for seller in managed:
        if wanted and seller.pk == wanted:
            return seller
    return managed[0] if len(managed) == 1 else None


@login_required
@require_safe
def stock_list(request: HttpRequest) -> HttpResponse:
    """Every option of the shop's products with its stock at the shop's own place."""
    seller = _console_seller(request)
    if seller is None:
        return redirect("console:home")
    location = location_for_seller(seller_id=seller.pk)
    rows = []
    for product in products_for_seller(seller_id=seller.pk):
        for variant in product.variants.all():
            stock = stock_get(variant_id=variant.pk, location_id=location.pk)
            on_hand = stock.on_hand if stock else 0
            reserved = stock.reserved if stock else 0
            rows.append(
                {
                    "product": product,
                    "variant": variant,
                    "on_hand": on_hand,
                    "reserved": reserved,
                    "available": on_hand - reserved,
                }
            )
    context = {"seller": seller, "location": location, "rows": rows}
    return render(request, "inventory/stock_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def stock_variant(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Count or receive one option's stock; both forms on one page, each with its button."""
    seller = _console_seller(request)
    if seller is None:
        return redirect("console:home")
    found = next(
        (
            (product, variant)
            for product in products_for_seller(seller_id=seller.pk)
            for variant in product.variants.all()
            if variant.pk == variant_id
        ),
        None,
    )
    if found is None:
        raise Http404
    if not seller_can_manage(user=request.user, seller_id=seller.pk):
        raise PermissionDenied
    product, variant = found
    location = location_for_seller(seller_id=seller.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    count_form = StockCountForm(request.POST if action == "count" else None, prefix="count")
    receive_form = StockReceiveForm(request.POST if action == "receive" else None, prefix="receive")
    try:
        if action == "count" and count_form.is_valid():
            try:
                stock_adjust(
                    actor=request.user,
                    variant_id=variant.pk,
                    location_id=location.pk,
                    counted=count_form.cleaned_data["counted"],
                    note=count_form.cleaned_data["note"],
                )
            except XiangcunError as error:
                if isinstance(error, PermissionDeniedError):
                    raise
                form_add_service_error(count_form, error)
            else:
                messages.success(request, _("Stock count saved."))
                return redirect("inventory:stock")
        elif action == "receive" and receive_form.is_valid():
            try:
                stock_receive(
                    actor=request.user,
                    variant_id=variant.pk,
                    location_id=location.pk,
                    quantity=receive_form.cleaned_data["quantity"],
                    note=receive_form.cleaned_data["note"],
                )
            except XiangcunError as error:
                if isinstance(error, PermissionDeniedError):
                    raise
                form_add_service_error(receive_form, error)
            else:
                messages.success(request, _("Goods received."))
                return redirect("inventory:stock")
    except PermissionDeniedError:
        raise PermissionDenied from None
    stock = stock_get(variant_id=variant.pk, location_id=location.pk)
    context = {
        "seller": seller,
        "location": location,
        "product": product,
        "variant": variant,
        "stock": stock,
        "on_hand": stock.on_hand if stock else 0,
        "reserved": stock.reserved if stock else 0,
        "available": (stock.on_hand - stock.reserved) if stock else 0,
        "movements": movements_for_stock(stock_id=stock.pk, limit=10) if stock else [],
        "count_form": count_form,
        "receive_form": receive_form,
    }
    return render(request, "inventory/stock_variant.html", context)
