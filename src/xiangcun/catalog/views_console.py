"""The seller console (/console/) of the catalogue: a shop's products, their options and photos,
sent for review; and the staff review queue.

Views parse forms and call catalog services and selectors; rules live there. A service's
refusal is shown next to the form field it names, or as a message (`core.pages`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.catalog.errors import ProductNotFoundError
from xiangcun.catalog.forms import PhotoForm, ProductForm, ReviewForm, VariantForm
from xiangcun.catalog.models import Product, Variant
from xiangcun.catalog.selectors import (
    REVIEW_PERMISSION,
    brands_list,
    categories_list,
    product_certifications,
    product_get,
    products_for_seller,
    variant_availability,
)
from xiangcun.catalog.services import (
    product_create,
    product_delist,
    product_photo_add,
    product_review,
    product_submit,
    product_update,
    variant_create,
    variant_update,
)
from xiangcun.catalog.templatetags.shop import local
from xiangcun.catalog.views import PAGE_SIZE, _category_choices
from xiangcun.core.pages import page_number, pagination, refusal_as_message, refusal_on_form
from xiangcun.core.types import Page
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.sellers.selectors import seller_can_manage, sellers_managed_by

# The shop the console works on, for agents who act for several farmers (inventory's stock
# page reads the same key).
CONSOLE_SELLER_KEY = "console_seller_id"


def console_seller(request: HttpRequest) -> Any | None:
    """The shop the console works on: chosen with ?seller=, kept in the session; the only
    shop when the user manages just one; None when a choice is still needed."""
    managed = sellers_managed_by(user=request.user)
    if request.GET.get("seller") == "":
        # "Work for another farmer": forget the choice and ask again.
        request.session.pop(CONSOLE_SELLER_KEY, None)
        return managed[0] if len(managed) == 1 else None
    wanted = request.GET.get("seller") or request.session.get(CONSOLE_SELLER_KEY)
    if wanted:
        for seller in managed:
            if str(seller.pk) == str(wanted):
                request.session[CONSOLE_SELLER_KEY] = seller.pk
                return seller
    if len(managed) == 1:
        return managed[0]
    return None


def _managed_product(request: HttpRequest, product_id: int) -> Product:
    """A product the user may change: 404 if they cannot see it, 403 if it is another shop's."""
    try:
        product = product_get(product_id=product_id, for_user=request.user)
    except ProductNotFoundError:
        raise Http404 from None
    if not seller_can_manage(user=request.user, seller_id=product.seller_id):
        raise PermissionDenied
    return product


def _product_form(
    data: Any = None, *, initial: dict[str, Any] | None = None, seller_id: int | None = None
) -> ProductForm:
    villages: list[tuple[Any, Any]] = []
    for township in townships_list():
        rows = villages_for_township(township_code=township.code)
        if rows:
            villages.append((local(township), [(row.id, local(row)) for row in rows]))
    brands = [
        (brand.pk, local(brand))
        for brand in brands_list()
        if brand.seller_id is None or brand.seller_id == seller_id
    ]
    by_slug = {row.slug: row.pk for row in categories_list()}
    return ProductForm(
        data,
        categories=[(by_slug[slug], label) for slug, label in _category_choices()],
        brands=brands,
        villages=villages,
        initial=initial,
    )


def _unit_choices() -> list[tuple[str, Any]]:
    return list(Variant.Unit.choices)


@login_required
@require_safe
def console_home(request: HttpRequest) -> HttpResponse:
    """My products with their status; agents first choose the farmer they help."""
    managed = sellers_managed_by(user=request.user)
    seller = console_seller(request)
    if seller is None:
        query = request.GET.get("q", "").strip()
        shops = [s for s in managed if not query or query in s.name or query in s.name_en]
        return render(
            request,
            "catalog/console_pick.html",
            {"shops": shops, "query": query, "managed": managed},
        )
    context = {
        "seller": seller,
        "products": products_for_seller(seller_id=seller.pk),
        "managed_count": len(managed),
        "can_review": request.user.has_perm(REVIEW_PERMISSION),
    }
    return render(request, "catalog/console_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def console_product_create(request: HttpRequest) -> HttpResponse:
    seller = console_seller(request)
    if seller is None:
        return redirect("console:home")
    if not seller_can_manage(user=request.user, seller_id=seller.pk):
        raise PermissionDenied
    form = _product_form(request.POST or None, seller_id=seller.pk)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            product = product_create(
                actor=request.user, seller_id=seller.pk, **form.service_fields()
            )
        if outcome.done:
            messages.success(request, _("Product saved. Now add an option with its price."))
            return redirect("console:variant_create", product_id=product.pk)
    return render(request, "catalog/console_product_form.html", {"form": form, "seller": seller})


@login_required
@require_safe
def console_product(request: HttpRequest, product_id: int) -> HttpResponse:
    """Everything about one of my products, with a link for each change."""
    product = _managed_product(request, product_id)
    variants = list(product.variants.all())
    available = variant_availability(variant_ids=[variant.pk for variant in variants])
    context = {
        "product": product,
        "seller": product.seller,
        "variants": [(variant, available.get(variant.pk, 0)) for variant in variants],
        "photos": list(product.photos.all()),
        "can_submit": product.status
        in (Product.Status.DRAFT, Product.Status.REJECTED, Product.Status.DELISTED),
    }
    return render(request, "catalog/console_product.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def console_product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    initial = {
        "name": product.name,
        "name_en": product.name_en,
        "category": product.category_id,
        "brand": product.brand_id,
        "description": product.description,
        "description_en": product.description_en,
        "origin_village": product.origin_village_id,
        "is_fresh": product.is_fresh,
        "needs_cold_chain": product.needs_cold_chain,
        "shelf_life_days": product.shelf_life_days,
        "keep_frozen": product.keep_frozen,
        "fragile": product.fragile,
        "keeps_days": product.keeps_days,
    }
    form = _product_form(request.POST or None, initial=initial, seller_id=product.seller_id)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            product_update(actor=request.user, product_id=product.pk, **form.service_fields())
        if outcome.done:
            messages.success(request, _("Changes saved."))
            return redirect("console:product", product_id=product.pk)
    context = {"form": form, "seller": product.seller, "product": product}
    return render(request, "catalog/console_product_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def console_variant_create(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    form = VariantForm(request.POST or None, units=_unit_choices())
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            variant_create(actor=request.user, product_id=product.pk, **form.service_fields())
        if outcome.done:
            messages.success(request, _("Option saved."))
            return redirect("console:product", product_id=product.pk)
    return render(request, "catalog/console_variant_form.html", {"form": form, "product": product})


@login_required
@require_http_methods(["GET", "POST"])
def console_variant_edit(request: HttpRequest, product_id: int, variant_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    variant = next((v for v in product.variants.all() if v.pk == variant_id), None)
    if variant is None:
        raise Http404
    initial = {
        "name": variant.name,
        "name_en": variant.name_en,
        "unit": variant.unit,
        "price": variant.price,
        "sku": variant.sku,
        "net_weight_g": variant.net_weight_g,
        "gtin": variant.gtin,
        "shipping_weight_g": variant.shipping_weight_g,
        "length_cm": variant.length_cm,
        "width_cm": variant.width_cm,
        "height_cm": variant.height_cm,
    }
    form = VariantForm(request.POST or None, units=_unit_choices(), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not fields["sku"]:
            del fields["sku"]  # left empty: the option keeps its code
        fields["is_active"] = request.POST.get("is_active") == "on"
        with refusal_on_form(form) as outcome:
            variant_update(actor=request.user, variant_id=variant.pk, **fields)
        if outcome.done:
            messages.success(request, _("Option saved."))
            return redirect("console:product", product_id=product.pk)
    is_active = (
        request.POST.get("is_active") == "on" if request.method == "POST" else variant.is_active
    )
    context = {"form": form, "product": product, "variant": variant, "is_active": is_active}
    return render(request, "catalog/console_variant_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def console_photo_add(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            product_photo_add(
                actor=request.user,
                product_id=product.pk,
                image=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"],
            )
        if outcome.done:
            messages.success(request, _("Photo added."))
            return redirect("console:product", product_id=product.pk)
    return render(request, "catalog/console_photo_form.html", {"form": form, "product": product})


@login_required
@require_POST
def console_product_submit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    with refusal_as_message(request) as outcome:
        product_submit(actor=request.user, product_id=product.pk)
    if outcome.done:
        messages.success(
            request, _("Sent for review. Staff check it, usually within two working days.")
        )
    return redirect("console:product", product_id=product.pk)


@login_required
@require_POST
def console_product_delist(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _managed_product(request, product_id)
    with refusal_as_message(request) as outcome:
        product_delist(actor=request.user, product_id=product.pk)
    if outcome.done:
        messages.success(request, _("Taken off sale. Change it and send it for review again."))
    return redirect("console:product", product_id=product.pk)


# --- staff review ------------------------------------------------------------------------------


def products_in_review() -> list[Product]:
    """Products waiting for review, oldest first.

    Catalog's selectors have no such read yet; this is the one query, kept beside the page
    until `catalog.selectors` offers it.
    """
    rows = Product.objects.filter(status=Product.Status.IN_REVIEW).select_related(
        "seller", "category", "brand"
    )
    return list(rows.order_by("submitted_at", "id"))


def _require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    """Products waiting for staff review, oldest first."""
    _require_reviewer(request)
    paginator = Paginator(products_in_review(), PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    results = Page(
        items=list(page.object_list), count=paginator.count, page=page.number, page_size=PAGE_SIZE
    )
    context = {"results": results, "pagination": pagination(request, results)}
    return render(request, "catalog/review_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_product(request: HttpRequest, product_id: int) -> HttpResponse:
    _require_reviewer(request)
    try:
        product = product_get(product_id=product_id, for_user=request.user)
    except ProductNotFoundError:
        raise Http404 from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        with refusal_on_form(form) as outcome:
            product_review(
                reviewer=request.user,
                product_id=product.pk,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        if outcome.done:
            messages.success(
                request, _("Listed for sale.") if approve else _("Sent back to the seller.")
            )
            return redirect("console:review_queue")
    variants = list(product.variants.all())
    context = {
        "product": product,
        "form": form,
        "variants": variants,
        "photos": list(product.photos.all()),
        "certifications": product_certifications(product),
        "in_review": product.status == Product.Status.IN_REVIEW,
    }
    return render(request, "catalog/review_product.html", context)
