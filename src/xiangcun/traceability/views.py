"""Pages of the traceability app: the public trace page a QR code opens, a product's lots on
sale, recording a harvest, my lots with their labels, and the staff recall page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.catalog.errors import ProductNotFoundError
from xiangcun.catalog.selectors import product_get, product_is_listed, products_for_seller
from xiangcun.core.errors import PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.core.language import localized
from xiangcun.core.pages import page_number, refusal_on_form
from xiangcun.sellers.selectors import sellers_managed_by
from xiangcun.traceability.certificates import lot_certificates_checked
from xiangcun.traceability.errors import LotNotFoundError
from xiangcun.traceability.forms import HarvestForm, LotPackForm, RecallForm
from xiangcun.traceability.models import Lot
from xiangcun.traceability.selectors import (
    farms_recording_for,
    lot_by_code,
    lot_by_lot_code,
    lot_digital_link,
    lot_farmer_name,
    lot_get,
    lot_journey,
    lot_may_recall,
    lot_may_record,
    lot_pack_options,
    lot_packed_quantity,
    lot_qr_svg,
    lot_recall_contacts,
    lots_for_sellers,
    lots_on_sale_for_product,
)
from xiangcun.traceability.services import (
    LOT_UNIT_NAMES,
    LOT_UNITS,
    lot_pack,
    lot_recall,
    lot_record,
)

# The farm an agent works for, shared with the seller console (catalog's views use this key).
SELLER_KEY = "console_seller_id"
PAGE_SIZE = 20


def _unit_label(code: str) -> str:
    return str(LOT_UNIT_NAMES.get(code, code))


# --- the public trace page -------------------------------------------------------------------


@require_safe
def trace_page(request: HttpRequest, gtin: str, lot: str) -> HttpResponse:
    """What a buyer sees after scanning the label: where, when, who checked it, every step."""
    try:
        found = lot_by_code(gtin=gtin, code=lot)
    except LotNotFoundError:
        raise Http404 from None
    certificates = list(found.certificates.all())
    context = {
        "lot": found,
        "unit": _unit_label(found.unit),
        "farmer_name": lot_farmer_name(lot=found),
        "journey": lot_journey(lot=found),
        "inspections": list(found.inspections.all()),
        "certificates": certificates,
        "checked": lot_certificates_checked(certificates=certificates),
        "recalled": found.status == Lot.Status.RECALLED,
        "destroyed": found.status == Lot.Status.DESTROYED,
        # The way back to buy: the product page while it is listed.
        "on_sale": product_is_listed(found.product),
    }
    return render(request, "traceability/trace.html", context)


@require_safe
def product_lots(request: HttpRequest, product_id: int) -> HttpResponse:
    """ "Trace this product": the lots of a listed product still on sale, with their harvest
    village and date, each linking to its trace page. The product page loads it with htmx
    (the list alone); without JavaScript its link opens it as a page."""
    try:
        product = product_get(product_id=product_id, for_user=request.user)
    except ProductNotFoundError:
        raise Http404 from None
    context = {"product": product, "lots": lots_on_sale_for_product(product_id=product.pk)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "traceability/_product_lots.html", context)
    return render(request, "traceability/product_lots.html", context)


# --- recording harvests ----------------------------------------------------------------------


def _farm_for(request: HttpRequest) -> Any | None:
    """The farm the user works for: ?seller=, else the one kept in the session, else the only
    one they manage; None when an agent must still choose."""
    managed = farms_recording_for(user=request.user)
    wanted = request.GET.get("seller") or request.session.get(SELLER_KEY)
    for seller in managed:
        if wanted and str(seller.pk) == str(wanted):
            request.session[SELLER_KEY] = seller.pk
            return seller
    return managed[0] if len(managed) == 1 else None


# The service's names for two fields of the harvest form.
HARVEST_ERROR_FIELDS = {"farmer_consents_to_publish": "consent"}


@login_required
@require_http_methods(["GET", "POST"])
def harvest(request: HttpRequest) -> HttpResponse:
    """Record a harvest: a farmer for their farm, or an agent for the farmer they help."""
    if request.GET.get("seller") == "":
        request.session.pop(SELLER_KEY, None)
    managed = farms_recording_for(user=request.user)
    if not managed:
        raise PermissionDenied
    seller = _farm_for(request)
    if seller is None:
        query = request.GET.get("q", "").strip()
        shops = [s for s in managed if not query or query in s.name or query in s.name_en][:50]
        return render(request, "traceability/pick_farm.html", {"shops": shops, "query": query})
    products = products_for_seller(seller_id=seller.pk)
    choices = [(p.pk, localized(p)) for p in products if p.is_fresh] + [
        (p.pk, localized(p)) for p in products if not p.is_fresh
    ]
    units = [(code, label) for code, label in LOT_UNITS.items()]
    form = HarvestForm(request.POST or None, products=choices, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = lot_record(
                actor=request.user,
                product_id=data["product"],
                seller_id=seller.pk,
                harvested_on=data["harvested_on"],
                quantity=data["quantity"],
                unit=data["unit"],
                grade=data["grade"],
                farmer_consents_to_publish=data["consent"],
            )
        except PermissionDeniedError:
            raise
        except XiangcunError as error:
            form_add_service_error(form, error, fields=HARVEST_ERROR_FIELDS)
        else:
            message = _("Harvest recorded as lot %(code)s. Now pack it into bags or boxes.")
            messages.success(request, message % {"code": lot.code})
            return redirect("traceability:pack", lot_id=lot.pk)
    context = {
        "form": form,
        "seller": seller,
        "managed_count": len(managed),
        "has_products": bool(choices),
    }
    return render(request, "traceability/harvest.html", context)


def _managed_lot(request: HttpRequest, lot_id: int) -> Lot:
    try:
        lot = lot_get(lot_id=lot_id)
    except LotNotFoundError:
        raise Http404 from None
    if not lot_may_record(user=request.user, seller_id=lot.seller_id):
        raise PermissionDenied
    return lot


@login_required
@require_safe
def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    """One of my lots: its label, QR code, Digital Link and journey so far."""
    lot = _managed_lot(request, lot_id)
    context = {
        "lot": lot,
        "unit": _unit_label(lot.unit),
        "link": lot_digital_link(lot=lot),
        "qr": lot_qr_svg(lot=lot, scale=5),
        "journey": lot_journey(lot=lot),
        "inspections": list(lot.inspections.all()),
        "can_recall": lot_may_recall(user=request.user),
        "packs": [option for option in lot_pack_options(lot=lot) if option.packed],
        "remaining": lot.quantity - lot_packed_quantity(lot_id=lot.pk),
    }
    return render(request, "traceability/lot.html", context)


def _size_label(option: Any, unit: str) -> tuple[int, str, str]:
    name = option.name_en if get_language() == "en" and option.name_en else option.name
    label = _("How many %(size)s?") % {"size": name}
    if option.per_pack is None:
        return option.variant_id, label, _("Not counted against the harvest.")
    amount = format(option.per_pack.normalize(), "f")
    return (
        option.variant_id,
        label,
        _("Each takes %(amount)s %(unit)s.")
        % {
            "amount": amount,
            "unit": unit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lot_pack_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    """Pack a harvest into the product's sizes: one number per size; the packs go into the
    farm's stock with the lot."""
    lot = _managed_lot(request, lot_id)
    unit = _unit_label(lot.unit)
    options = lot_pack_options(lot=lot)
    form = LotPackForm(request.POST or None, sizes=[_size_label(o, unit) for o in options])
    if request.method == "POST" and form.is_valid():
        # The service names a size `packs.<variant id>`; here it is `pack_<variant id>`.
        fields = {str(variant_id): name for variant_id, name in form.size_fields}
        with refusal_on_form(form, fields=fields) as outcome:
            lot_pack(actor=request.user, lot_id=lot.pk, packs=form.packs())
        if outcome.done:
            messages.success(request, _("Packed. The packs are in your stock with this lot."))
            return redirect("traceability:lot", lot_id=lot.pk)
    context = {
        "lot": lot,
        "unit": unit,
        "form": form,
        "options": options,
        "remaining": lot.quantity - lot_packed_quantity(lot_id=lot.pk),
    }
    return render(request, "traceability/lot_pack.html", context)


@login_required
@require_safe
def lot_label(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The printable PDF label (QR code and Digital Link) of one of my lots."""
    from xiangcun.traceability.labels import label_pdf

    lot = _managed_lot(request, lot_id)
    response = HttpResponse(label_pdf(lot=lot), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="label-{lot.code}.pdf"'
    return response


@login_required
@require_safe
def lot_list(request: HttpRequest) -> HttpResponse:
    """My lots (an agent sees those of every farm they help), newest first."""
    managed = sellers_managed_by(user=request.user)
    page = lots_for_sellers(
        seller_ids=[seller.pk for seller in managed],
        page=page_number(request),
        page_size=PAGE_SIZE,
    )
    rows = [(lot, _unit_label(lot.unit)) for lot in page.items]
    context = {
        "rows": rows,
        "page": page,
        "previous_page": page.page - 1 if page.page > 1 else None,
        "next_page": page.page + 1 if page.page < page.pages else None,
        "can_record": bool(farms_recording_for(user=request.user)),
    }
    return render(request, "traceability/lot_list.html", context)


# --- recall (staff) --------------------------------------------------------------------------


@login_required
@require_safe
def recall_find(request: HttpRequest) -> HttpResponse:
    """Find a lot by its code, see every order and buyer it reached, and recall it."""
    if not lot_may_recall(user=request.user):
        raise PermissionDenied
    code = request.GET.get("code", "").strip()
    lot = None
    contacts: list[Any] = []
    not_found = False
    if code:
        try:
            lot = lot_by_lot_code(code=code)
        except LotNotFoundError:
            not_found = True
        else:
            contacts = lot_recall_contacts(lot_id=lot.pk)
    context = {
        "code": code,
        "lot": lot,
        "contacts": contacts,
        "not_found": not_found,
        "form": RecallForm(),
        "unit": _unit_label(lot.unit) if lot else "",
    }
    return render(request, "traceability/recall.html", context)


@login_required
@require_POST
def recall_submit(request: HttpRequest, lot_id: int) -> HttpResponse:
    if not lot_may_recall(user=request.user):
        raise PermissionDenied
    form = RecallForm(request.POST)
    if form.is_valid():
        try:
            result = lot_recall(
                actor=request.user, lot_id=lot_id, reason=form.cleaned_data["reason"]
            )
        except PermissionDeniedError:
            raise
        except LotNotFoundError:
            raise Http404 from None
        except XiangcunError as error:
            form.add_error(None, str(error.message))
        else:
            return render(request, "traceability/recall_done.html", {"result": result})
    lot = _managed_or_staff_lot(lot_id)
    context = {
        "code": lot.code,
        "lot": lot,
        "contacts": lot_recall_contacts(lot_id=lot.pk),
        "not_found": False,
        "form": form,
        "unit": _unit_label(lot.unit),
    }
    return render(request, "traceability/recall.html", context, status=400)


def _managed_or_staff_lot(lot_id: int) -> Lot:
    try:
        return lot_get(lot_id=lot_id)
    except LotNotFoundError:
        raise Http404 from None
