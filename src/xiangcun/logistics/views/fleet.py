"""The county's vans (add one; broken down, repaired, retired) and the people who work in
logistics with their shifts."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xiangcun.accounts.selectors import user_by_phone
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.core.validators import mobile_mask
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import (
    ShiftForm,
    StaffAddForm,
    VehicleForm,
    VehicleStatusForm,
    minutes_of,
)
from xiangcun.logistics.models import Vehicle
from xiangcun.logistics.types import WAREHOUSE_ROLES, hhmm
from xiangcun.logistics.views._common import allow, chosen_day
from xiangcun.regions.selectors import stations_list

# Service field names and error codes -> the fields of the fleet and staff forms.
FLEET_ERROR_FIELDS = {"station_not_found": "home_station"}
STAFF_ERROR_FIELDS = {"station_not_found": "station", "invalid_phone": "phone"}
SHIFT_ERROR_FIELDS = {"vehicle_not_found": "vehicle"}


def _depot_choices() -> list[tuple[int, str]]:
    """Sites a van or a person can work from: the county sites first, then the stations."""
    return [(station.id, localized(station)) for station in stations_list()]


def _with_day(name: str, day: datetime.date) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'day': day.isoformat()})}")


@login_required
@require_http_methods(["GET", "POST"])
def fleet(request: HttpRequest) -> HttpResponse:
    """The county's vans: what each carries, where it lives, whether it is on the road; add a
    van and mark one broken down, repaired or retired."""
    allow(request, WAREHOUSE_ROLES)
    stations = _depot_choices()
    warehouse = next((s.id for s in stations_list(kind="warehouse")), None)
    form = VehicleForm(request.POST or None, stations=stations, initial={"home_station": warehouse})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form, fields=FLEET_ERROR_FIELDS) as outcome:
            vehicle = services.vehicle_create(
                actor=request.user,
                plate=data["plate"],
                name=data["name"],
                capacity_kg=data["capacity_kg"],
                capacity_crates=data["capacity_crates"],
                cost_per_km=data["cost_per_km"],
                cold_chain=data["cold_chain"],
                home_station_id=data["home_station"],
            )
        if outcome.done:
            messages.success(request, _("Van %(plate)s added.") % {"plate": vehicle.plate})
            return redirect("logistics:fleet")
    context = {
        "form": form,
        "vehicles": selectors.vehicles_list(),
        "statuses": Vehicle.Status.choices,
    }
    return render(request, "logistics/fleet.html", context)


@login_required
@require_POST
def vehicle_status(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    """A van broke down, was repaired or retired."""
    allow(request, WAREHOUSE_ROLES)
    form = VehicleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the van's status."))
        return redirect("logistics:fleet")
    selectors.vehicle_get(vehicle_id=vehicle_id)
    with refusal_as_message(request):
        vehicle = services.vehicle_status_set(
            actor=request.user, vehicle_id=vehicle_id, status=form.cleaned_data["status"]
        )
        messages.success(
            request,
            _("%(plate)s: %(status)s.")
            % {"plate": vehicle.plate, "status": vehicle.get_status_display()},
        )
    return redirect("logistics:fleet")


def _staff_add(request: HttpRequest, form: StaffAddForm) -> bool:
    """Add the person with the form's phone number to the staff; False when refused (the form
    says why)."""
    data = form.cleaned_data
    with refusal_on_form(form, fields=STAFF_ERROR_FIELDS) as outcome:
        person = user_by_phone(phone=data["phone"])
        if person is not None:
            services.staff_member_set(
                actor=request.user, user=person, job=data["job"], station_id=data["station"]
            )
    if outcome.refused:
        return False
    if person is None:
        form.add_error("phone", _("Nobody has registered with this number. Ask them to register."))
        return False
    messages.success(request, _("%(name)s added to the staff.") % {"name": person.get_short_name()})
    return True


def _shift_set(request: HttpRequest, form: ShiftForm) -> bool:
    """Set the form's shift; False when refused (the form says why)."""
    data = form.cleaned_data
    with refusal_on_form(form, fields=SHIFT_ERROR_FIELDS) as outcome:
        services.shift_set(
            actor=request.user,
            staff_id=data["staff"],
            day=data["day"],
            start_min=minutes_of(data["start"]),
            end_min=minutes_of(data["end"]),
            vehicle_id=data["vehicle"],
        )
    if outcome.done:
        messages.success(request, _("Shift saved."))
    return outcome.done


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    """Who works in logistics and where, and the shifts of a day: add someone by the phone
    number of their account, let someone go, set a shift (and a driver's van)."""
    allow(request, WAREHOUSE_ROLES)
    day_form, day = chosen_day(request)
    stations = _depot_choices()
    members = selectors.staff_list()
    vehicles = [(v.pk, f"{v.plate} {v.name}".strip()) for v in selectors.vehicles_list()]
    active = [
        (m.pk, f"{m.user.get_short_name()} · {m.get_job_display()}") for m in members if m.is_active
    ]
    action = request.POST.get("action") if request.method == "POST" else None
    add_form = StaffAddForm(
        request.POST if action == "add" else None,
        stations=stations,
        initial={"station": stations[0][0] if stations else None},
    )
    shift_form = ShiftForm(
        request.POST if action == "shift" else None,
        staff=active,
        vehicles=vehicles,
        initial={"day": day, "start": datetime.time(8), "end": datetime.time(17)},
    )
    if action == "add" and add_form.is_valid():
        if _staff_add(request, add_form):
            return _with_day("logistics:staff", day)
    elif action == "shift" and shift_form.is_valid():
        if _shift_set(request, shift_form):
            return _with_day("logistics:staff", shift_form.cleaned_data["day"])
    elif action is not None and action not in ("add", "shift"):
        messages.error(request, _("Choose what to do."))
    context = {
        "day": day,
        "day_form": day_form,
        "add_form": add_form,
        "shift_form": shift_form,
        "members": [
            {"member": m, "phone": mobile_mask(m.user.phone), "name": m.user.get_short_name()}
            for m in members
        ],
        "shifts": [
            {"shift": s, "start": hhmm(s.start_min), "end": hhmm(s.end_min)}
            for s in selectors.shifts_for_day(day=day)
        ],
    }
    return render(request, "logistics/staff.html", context)


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Someone no longer works in logistics."""
    allow(request, WAREHOUSE_ROLES)
    member = services.staff_member_deactivate(actor=request.user, staff_id=staff_id)
    messages.success(
        request,
        _("%(name)s no longer works in logistics.") % {"name": member.user.get_short_name()},
    )
    return redirect("logistics:staff")
