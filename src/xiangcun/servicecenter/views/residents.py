"""Residents at the counter: find one (mobile number, name and village, or ID card number),
register one with their consent (the village select narrowed by township), and the resident's
page (their assisted orders here, the consent record, "order for this resident")."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.forms import choices_set
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.regions.types import StationSummary
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.forms import FindForm, ResidentForm
from xiangcun.servicecenter.selectors.desk import resident_consents, resident_orders
from xiangcun.servicecenter.selectors.residents import resident_consented, resident_row
from xiangcun.servicecenter.views._common import page_context, station_page

# Which form field a registration refusal belongs beside (by the error's field).
RESIDENT_ERROR_FIELDS = {
    "name": "name",
    "phone": "phone",
    "village": "village",
    "village_id": "village",
    "id_number": "id_number",
    "consent": "consent",
}


@login_required
@require_safe
@station_page
def residents(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    form = FindForm(request.GET or None)
    found: list[Any] | None = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        with refusal_on_form(form, fields={"q": "q", "id_number": "q", "phone": "q"}):
            found = list(
                selectors.residents_find(
                    actor=request.user,
                    q=form.cleaned_data["q"].strip(),
                    station_id=station.id,
                    limit=20,
                )
            )
    context = page_context(request, station, form=form, found=found)
    return render(request, "servicecenter/residents.html", context)


def _township_code(raw: str, townships: list[Any], station: StationSummary) -> str:
    codes = {township.code for township in townships}
    if raw in codes:
        return raw
    return station.township_code if station.township_code in codes else ""


def _narrow(form: ResidentForm, station: StationSummary, asked: str) -> str:
    """Fill the township select and the village select of that township (the station's own
    township first). Returns the township shown."""
    townships = townships_list()
    code = _township_code(asked, townships, station)
    choices_set(form, "township", [(t.code, localized(t)) for t in townships])
    villages = villages_for_township(township_code=code) if code else []
    choices_set(form, "village", [("", _("Choose")), *((v.id, localized(v)) for v in villages)])
    form.fields["township"].initial = code
    return code


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@station_page
def resident_new(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    """Register a resident: name, optional phone and ID card number, the village, and the
    consent box (the service refuses without it)."""
    if request.method == "POST":
        form = ResidentForm(request.POST)
        _narrow(form, station, request.POST.get("township", "")[:12])
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form, fields=RESIDENT_ERROR_FIELDS) as outcome:
                resident = services.resident_register_assisted(
                    actor=request.user,
                    name=data["name"],
                    village_id=data["village"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    consent=data["consent"],
                    station_id=station.id,
                )
            if outcome.done:
                messages.success(request, _("The resident is registered with their consent."))
                url = reverse("servicecenter:resident", kwargs={"resident_id": resident.pk})
                query = page_context(request, station)["station_query"]
                return redirect(url + query)
    else:
        # GET: a new form, or the township changed (htmx swaps the village select; without
        # JavaScript the whole form comes back with what was typed).
        form = ResidentForm(initial=request.GET.dict() if request.GET else None)
        _narrow(form, station, request.GET.get("township", "")[:12])
    return render(
        request, "servicecenter/resident_new.html", page_context(request, station, form=form)
    )


@login_required
@require_safe
@station_page
def resident(request: HttpRequest, resident_id: int, *, station: StationSummary) -> HttpResponse:
    # The station the page acts for (a supervisor names it): the resident must have consented
    # there.
    row = resident_row(
        resident_consented(actor=request.user, resident_id=resident_id, station_id=station.id)
    )
    context = page_context(
        request,
        station,
        resident=row,
        orders=resident_orders(actor=request.user, resident_id=row.id, station_id=station.id),
        consents=resident_consents(actor=request.user, resident_id=row.id),
    )
    return render(request, "servicecenter/resident.html", context)


@login_required
@require_POST
@station_page
def consent_withdraw(
    request: HttpRequest, resident_id: int, *, station: StationSummary
) -> HttpResponse:
    """The resident no longer wants this station to act for them: recorded, and their page
    closes to the station."""
    with refusal_as_message(request) as outcome:
        services.consent_withdraw(
            actor=request.user, resident_id=resident_id, station_id=station.id
        )
    query = page_context(request, station)["station_query"]
    if outcome.done:
        messages.success(
            request, _("The consent is withdrawn. This station no longer acts for them.")
        )
        return redirect(reverse("servicecenter:residents") + query)
    return redirect(reverse("servicecenter:resident", kwargs={"resident_id": resident_id}) + query)
