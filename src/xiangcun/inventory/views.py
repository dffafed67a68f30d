"""The seller console's stock pages: on hand, held for orders and available at the seller's
own farm or workshop, and the two changes a seller makes (count, receive)."""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.catalog.selectors import products_for_seller
from xiangcun.core.errors import PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.inventory import selectors
from xiangcun.inventory.errors import InboundNotFoundError
from xiangcun.inventory.forms import (
    InboundForm,
    InboundReceiveForm,
    StockCountForm,
    StockReceiveForm,
)
from xiangcun.inventory.selectors import movements_for_stock, stock_get
from xiangcun.inventory.services import (
    inbound_create,
    inbound_receive,
    location_for_seller,
    stock_adjust,
    stock_receive,
)
from xiangcun.sellers.selectors import (
    approved_seller_ids_managed_by,
    seller_can_manage,
    sellers_managed_by,
)

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


# --- Shipments into the county (ASNs) -----------------------------------------------------------

_LINE_FIELD = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


def _local(obj: Any) -> str:
    """The English name for English readers when there is one (as the shop's `local` filter)."""
    english: object = getattr(obj, "name_en", None)
    if english and (get_language() or "").startswith("en"):
        return str(english)
    return str(obj.name)


def _shop_variants(seller_id: int) -> list[tuple[int, str]]:
    return [
        (variant.pk, f"{_local(product)} · {_local(variant)}")
        for product in products_for_seller(seller_id=seller_id)
        for variant in product.variants.all()
    ]


@login_required
@require_safe
def inbound_list(request: HttpRequest) -> HttpResponse:
    """The shop's shipments to the county warehouse, soonest first, with their differences."""
    seller = _console_seller(request)
    if seller is None:
        return redirect("console:home")
    try:
        shipments = selectors.inbound_list(user=request.user, seller_id=seller.pk)
    except PermissionDeniedError:
        raise PermissionDenied from None
    context = {"seller": seller, "shipments": shipments}
    return render(request, "inventory/inbound_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inbound_new(request: HttpRequest) -> HttpResponse:
    """Announce a shipment: carrier, tracking number, day, and how many of each option."""
    seller = _console_seller(request)
    if seller is None:
        return redirect("console:home")
    # A shop still waiting for review sends nothing yet (inbound_create refuses it too).
    if seller.pk not in approved_seller_ids_managed_by(user=request.user):
        raise PermissionDenied
    variants = _shop_variants(seller.pk)
    form = InboundForm(request.POST or None, variants=variants)
    if request.method == "POST" and form.is_valid():
        try:
            shipment = inbound_create(
                actor=request.user,
                seller_id=seller.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                expected_on=form.cleaned_data["expected_on"],
                note=form.cleaned_data["note"],
                lines=form.lines(),
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except XiangcunError as error:
            _add_inbound_error(
                form, error, [f"quantity_{line['variant_id']}" for line in form.lines()]
            )
        else:
            messages.success(request, _("The warehouse now expects your shipment."))
            return redirect("inventory:inbound_detail", inbound_id=shipment.pk)
    context = {"seller": seller, "form": form}
    return render(request, "inventory/inbound_new.html", context)


def _add_inbound_error(form: Any, error: XiangcunError, line_fields: list[str]) -> None:
    """Put a service error about `lines[i].x` next to the i-th line's field on the page."""
    match = _LINE_FIELD.match(error.field or "")
    if match and int(match.group(1)) < len(line_fields):
        name = line_fields[int(match.group(1))]
        prefix = {"quantity": "quantity_", "variant_id": "quantity_"}.get(match.group(2))
        if prefix is None:
            prefix = f"{match.group(2)}_"
        target = prefix + name.split("_", 1)[1]
        if target in form.fields:
            form.add_error(target, str(error.message))
            return
    if (error.field or "") == "lines":
        form.add_error(None, str(error.message))
        return
    form_add_service_error(form, error)


def _inbound_visible(request: HttpRequest, inbound_id: int) -> Any:
    try:
        return selectors.inbound_get(user=request.user, shipment_id=inbound_id)
    except InboundNotFoundError:
        raise Http404 from None


@login_required
@require_safe
def inbound_detail(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """One shipment: each line announced, counted, and how it differs (seller and warehouse)."""
    shipment = _inbound_visible(request, inbound_id)
    context = {
        "shipment": shipment,
        "lines": list(shipment.lines.all()),
        "can_receive": selectors.inbound_can_receive(user=request.user),
    }
    return render(request, "inventory/inbound_detail.html", context)


@login_required
@require_safe
def inbound_expected(request: HttpRequest) -> HttpResponse:
    """The warehouse's expected deliveries: every notice not fully received, soonest first."""
    if not selectors.inbound_can_receive(user=request.user):
        raise PermissionDenied
    shipments = selectors.inbound_list(user=request.user, open_only=True, limit=200)
    return render(request, "inventory/inbound_expected.html", {"shipments": shipments})


@login_required
@require_http_methods(["GET", "POST"])
def inbound_receive_page(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """Count a shipment in at the warehouse, line by line; lines left empty wait."""
    if not selectors.inbound_can_receive(user=request.user):
        raise PermissionDenied
    shipment = _inbound_visible(request, inbound_id)
    lines = list(shipment.lines.all())
    open_ids = [line.pk for line in lines if line.received is None]
    form = InboundReceiveForm(request.POST or None, line_ids=open_ids)
    if request.method == "POST" and form.is_valid():
        entries = form.entries()
        if not entries:
            form.add_error(None, _("Enter how many came in for at least one line."))
        else:
            try:
                inbound_receive(actor=request.user, shipment_id=shipment.pk, lines=entries)
            except PermissionDeniedError:
                raise PermissionDenied from None
            except XiangcunError as error:
                fields = [f"received_{entry['line_id']}" for entry in entries]
                _add_inbound_error(form, error, fields)
            else:
                messages.success(request, _("Received. The good units are in stock."))
                return redirect("inventory:inbound_detail", inbound_id=shipment.pk)
    rows = [
        {
            "line": line,
            "received": form[f"received_{line.pk}"] if line.received is None else None,
            "damaged": form[f"damaged_{line.pk}"] if line.received is None else None,
            "note": form[f"note_{line.pk}"] if line.received is None else None,
        }
        for line in lines
    ]
    context = {"shipment": shipment, "rows": rows, "form": form}
    return render(request, "inventory/inbound_receive.html", context)
