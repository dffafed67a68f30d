"""The buyer's address book (/orders/addresses/): list, add, change, delete and make default.
The three division selects narrow by a round trip ("Next"), or in place with htmx; the orders
service checks the address and that it is the buyer's own (anyone else's is a 404)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import XiangcunError
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.orders import services
from xiangcun.orders.errors import SavedAddressNotFoundError
from xiangcun.orders.forms import SavedAddressForm
from xiangcun.orders.models import SavedAddress
from xiangcun.orders.views.checkout_address import codes_of, division_choices

# Regions' errors name `address.<field>`; the form's fields drop the prefix.
ADDRESS_ERROR_FIELDS = {
    "unknown_division": "county_code",
    "division_mismatch": "county_code",
    "county_required": "county_code",
    "invalid_phone": "phone",
    "invalid_address": "detail",
}


def _own(request: HttpRequest, address_id: int) -> SavedAddress:
    try:
        return services.saved_address_get(user=request.user, address_id=address_id)
    except SavedAddressNotFoundError:
        raise Http404 from None


@login_required
@require_safe
def address_list(request: HttpRequest) -> HttpResponse:
    rows = services.saved_addresses_for(user=request.user)
    return render(request, "orders/address_list.html", {"addresses": rows})


def _form(request: HttpRequest, initial: dict[str, Any], url: str) -> tuple[SavedAddressForm, str]:
    """The form with its division choices narrowed, and the button pressed."""
    data = request.POST.copy() if request.method == "POST" else None
    action = data.get("action", "save") if data is not None else ""
    divisions, chosen = division_choices(data if data is not None else initial)
    if data is not None and action != "save":
        # Narrowing the divisions: drawn again with what was typed, nothing marked wrong.
        initial = {**initial, **data.dict()}
        data = None
    if data is not None:
        for name, value in chosen.items():
            data[name] = value
    else:
        initial = {**initial, **chosen}
    return SavedAddressForm(data, divisions=divisions, initial=initial, refresh_url=url), action


def _save(
    request: HttpRequest, form: SavedAddressForm, address: SavedAddress | None
) -> HttpResponse | None:
    """Save a valid form; None when the page must show it again with the refusal."""
    for field in ("county_code", "detail", "recipient", "phone"):
        form.fields[field].required = True
    if not form.is_valid():
        return None
    with refusal_on_form(form, fields=ADDRESS_ERROR_FIELDS) as outcome:
        try:
            if address is None:
                services.saved_address_create(
                    actor=request.user,
                    data=form.address_data(),
                    make_default=form.cleaned_data["is_default"],
                )
            else:
                services.saved_address_update(
                    actor=request.user,
                    address_id=address.pk,
                    data=form.address_data(),
                    make_default=form.cleaned_data["is_default"],
                )
        except SavedAddressNotFoundError:
            raise Http404 from None
        except XiangcunError as error:
            error.field = (error.field or "").removeprefix("address.") or None
            raise
    if outcome.refused:
        return None
    messages.success(request, _("Address saved."))
    return redirect("orders:addresses")


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest) -> HttpResponse:
    url = reverse("orders:address_add")
    form, action = _form(request, {}, url)
    if action == "save" and (response := _save(request, form, None)):
        return response
    return render(request, "orders/address_form.html", {"form": form, "address": None, "url": url})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own(request, address_id)
    url = reverse("orders:address_edit", kwargs={"address_id": address.pk})
    initial = {
        **codes_of(address.county_code),
        "street": address.street,
        "detail": address.detail,
        "recipient": address.recipient,
        "phone": address.phone,
        "is_default": address.is_default,
    }
    form, action = _form(request, initial, url)
    if action == "save" and (response := _save(request, form, address)):
        return response
    context = {"form": form, "address": address, "url": url}
    return render(request, "orders/address_form.html", context)


@login_required
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    with refusal_as_message(request) as outcome:
        try:
            services.saved_address_delete(actor=request.user, address_id=address_id)
        except SavedAddressNotFoundError:
            raise Http404 from None
    if outcome.done:
        messages.success(request, _("Address deleted."))
    return redirect("orders:addresses")


@login_required
@require_POST
def address_make_default(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        services.saved_address_make_default(actor=request.user, address_id=address_id)
    except SavedAddressNotFoundError:
        raise Http404 from None
    messages.success(request, _("This address is now used first at checkout."))
    return redirect("orders:addresses")
