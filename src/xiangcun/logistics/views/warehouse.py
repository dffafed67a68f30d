"""The warehouse door: grading what a farm pickup brought in, and receiving parcels that came
back (checked, and put back into stock less what is unfit to sell)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_on_form
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import IntakeForm, ReturnReceiveForm
from xiangcun.logistics.models import PackedLine, Parcel
from xiangcun.logistics.types import WAREHOUSE_ROLES
from xiangcun.logistics.views._common import allow


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Grade what a farm pickup brought in: accepted units go into warehouse stock."""
    allow(request, WAREHOUSE_ROLES)
    pickups = selectors.farm_pickups_to_receive()
    choices = [
        (
            pickup.pk,
            " · ".join(
                (localized(pickup.seller), localized(pickup.variant.product), f"{pickup.day:%m-%d}")
            ),
        )
        for pickup in pickups
    ]
    by_id = {pickup.pk: pickup for pickup in pickups}
    form = IntakeForm(request.POST or None, pickups=choices)
    if request.method == "POST" and form.is_valid():
        pickup = by_id[form.cleaned_data["pickup"]]
        with refusal_on_form(form) as outcome:
            services.intake_record(
                actor=request.user,
                pickup_id=pickup.pk,
                seller_id=pickup.seller_id,
                variant_id=pickup.variant_id,
                grade=form.cleaned_data["grade"],
                weight_kg=form.cleaned_data["weight_kg"],
                accepted_units=form.cleaned_data["accepted_units"],
                rejected_units=form.cleaned_data["rejected_units"] or 0,
                reject_reason=form.cleaned_data["reject_reason"] or "",
                note=form.cleaned_data["note"],
            )
        if outcome.done:
            messages.success(request, _("Received into the warehouse stock."))
            return redirect("logistics:intake")
    context = {"form": form, "recent": selectors.intakes_recent()}
    return render(request, "logistics/intake.html", context)


@login_required
@require_safe
def returns(request: HttpRequest) -> HttpResponse:
    """Parcels on their way back to the warehouse, to be checked and put back into stock, and
    the ones received lately."""
    allow(request, WAREHOUSE_ROLES)
    context = {
        "coming": selectors.parcels_returning(),
        "received": selectors.parcels_returned_recent(),
    }
    return render(request, "logistics/returns.html", context)


def _line_label(line: PackedLine) -> str:
    return f"{line.order_line.product_name} {line.order_line.variant_name}".strip()


def _received_messages(
    request: HttpRequest, packed: list[PackedLine], form: ReturnReceiveForm
) -> None:
    """What went back into stock, line by line, as the service has just booked it."""
    rejected = form.rejected()
    for line in packed:
        units, reason = rejected.get(line.order_line_id, (0, ""))
        values = {"goods": _line_label(line), "back": line.quantity - units, "units": units}
        if units:
            values["reason"] = str(services.RETURN_REJECT_REASONS[reason])
            text = _("%(goods)s: %(back)d back in stock, %(units)d not restocked (%(reason)s)")
        else:
            text = _("%(goods)s: %(back)d back in stock")
        messages.success(request, text % values)


@login_required
@require_http_methods(["GET", "POST"])
def return_receive(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """One parcel back at the warehouse: what was packed in it, and the form that puts the
    goods back into stock, less the units the warehouse person finds unfit to sell."""
    allow(request, WAREHOUSE_ROLES)
    parcel = selectors.parcel_return_get(parcel_id=parcel_id)
    packed = selectors.packed_lines_of_parcel(parcel=parcel)
    form = ReturnReceiveForm(request.POST or None, line_ids=[line.order_line_id for line in packed])
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, fields=form.error_fields()) as outcome:
            services.parcel_return_receive(
                actor=request.user,
                parcel_id=parcel.pk,
                rejected=form.rejected(),
                note=form.cleaned_data["note"],
            )
        if outcome.done:
            messages.success(
                request,
                _("Parcel %(number)s received at the warehouse.") % {"number": parcel.number},
            )
            _received_messages(request, packed, form)
            return redirect("logistics:return_receive", parcel_id=parcel.pk)
    context = {
        "parcel": parcel,
        "lines": packed,
        "rows": [
            {"line": line, "units": form[units], "reason": form[reason]}
            for line, (_line_id, units, reason) in zip(packed, form.line_fields, strict=True)
        ],
        "form": form,
        "steps": selectors.parcel_timeline(parcel=parcel),
        "receiving": parcel.status == Parcel.Status.RETURNING,
    }
    return render(request, "logistics/return_receive.html", context)
