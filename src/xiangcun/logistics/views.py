"""Logistics pages: the driver's route, the station's hand-over counter (and sending back what
nobody collected), packing with its slip and label, intake grading, receiving returned parcels,
the dispatch board that plans the day's routes, the fleet, staff and shifts, and farm pickup
requests (by sellers, and by agents for farmers).

Views parse and show; the services decide. Expected refusals are shown next to the form; any
other service error reaches the error middleware (403/404/400 page).
"""

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import products_for_seller
from xiangcun.core.errors import PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.core.validators import mobile_mask
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import LogisticsPermissionDeniedError
from xiangcun.logistics.forms import (
    CarrierHandoffForm,
    DayForm,
    DeliveryProofForm,
    IntakeForm,
    PackingCompleteForm,
    PickupCodeForm,
    PickupRequestForm,
    ReplanForm,
    ReturnReceiveForm,
    ReturnStartForm,
    ShiftForm,
    StaffAddForm,
    StopFailForm,
    VehicleForm,
    VehicleStatusForm,
    minutes_of,
)
from xiangcun.logistics.labels import parcel_label_pdf, parcel_trace_links
from xiangcun.logistics.models import FarmPickup, Parcel, RouteStop, Vehicle
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    PACKING_ROLES,
    PICKUP_REQUEST_ROLES,
    ROAD_ROLES,
    UNCOLLECTED_AFTER,
    WAREHOUSE_ROLES,
)
from xiangcun.orders.selectors import order_get
from xiangcun.regions.selectors import stations_list, townships_list, villages_for_township
from xiangcun.sellers.selectors import sellers_managed_by
from xiangcun.traceability.selectors import lots_for_seller

STATION_SESSION_KEY = "logistics_station_id"


def _allow(request: HttpRequest, roles: frozenset[Role]) -> None:
    if not selectors.user_has_any_role(user=request.user, roles=roles):
        raise LogisticsPermissionDeniedError


def _hhmm(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


# The logistics home: every page, with the jobs that open it, in the order people need them.
HOME_LINKS: tuple[tuple[str, Any, Any, frozenset[Role]], ...] = (
    ("logistics:dispatch", "🗺️", gettext_lazy("Dispatch: today's routes"), WAREHOUSE_ROLES),
    ("logistics:route", "🚚", gettext_lazy("Today's route"), ROAD_ROLES - WAREHOUSE_ROLES),
    ("logistics:packing", "📦", gettext_lazy("Packing"), PACKING_ROLES),
    ("logistics:intake", "⚖️", gettext_lazy("Intake and grading"), WAREHOUSE_ROLES),
    ("logistics:returns", "↩️", gettext_lazy("Returned parcels"), WAREHOUSE_ROLES),
    ("logistics:pickups", "🌾", gettext_lazy("Farm pickups"), PICKUP_REQUEST_ROLES),
    ("logistics:handover", "🤝", gettext_lazy("Hand over a parcel"), HANDOVER_ROLES),
    ("logistics:fleet", "🚐", gettext_lazy("Fleet"), WAREHOUSE_ROLES),
    ("logistics:staff", "👷", gettext_lazy("Staff and shifts"), WAREHOUSE_ROLES),
)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The logistics home: the pages of the user's jobs."""
    roles = user_roles(user=request.user)
    superuser = request.user.is_superuser
    links = [
        {"url": reverse(name), "icon": icon, "label": label}
        for name, icon, label, allowed in HOME_LINKS
        if superuser or roles & allowed
    ]
    if not links:
        raise LogisticsPermissionDeniedError
    return render(request, "logistics/home.html", {"links": links})


# --- Driver ------------------------------------------------------------------------------------


def _stop_rows(route: Any) -> list[dict[str, Any]]:
    stops = list(route.stops.all())
    returns = selectors.returns_at_stations(
        station_ids=[stop.station_id for stop in stops if stop.station_id]
    )
    rows = []
    for stop in stops:
        parcels = list(stop.parcels.all())
        collect: list[str] = []
        if stop.kind == RouteStop.Kind.FARM and stop.pickup is not None:
            collect.append(
                _("%(product)s, about %(kg)d kg in %(crates)d crates")
                % {
                    "product": stop.pickup.variant.product.name,
                    "kg": stop.pickup_kg,
                    "crates": stop.pickup_crates,
                }
            )
        back = returns.get(stop.station_id or 0, [])
        if back:
            collect.append(_("%(count)d returned parcels") % {"count": len(back)})
        rows.append(
            {
                "stop": stop,
                "window": f"{_hhmm(stop.window_start_min)}\u2013{_hhmm(stop.window_end_min)}",
                "arrive": _hhmm(stop.arrive_min),
                "drop": parcels,
                "collect": collect,
                "open": stop.status in (RouteStop.Status.PENDING, RouteStop.Status.ARRIVED),
            }
        )
    return rows


@login_required
@require_safe
def driver_route(request: HttpRequest) -> HttpResponse:
    """Today's route on the driver's phone: stops in order, arrival windows, what to drop and
    collect, and a button for each step."""
    _allow(request, ROAD_ROLES)
    route = None
    route_id = request.GET.get("route", "")
    if route_id.isdigit() and selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        route = selectors.route_get(route_id=int(route_id))
    else:
        route = selectors.route_for_driver(user=request.user)
    context = {
        "route": route,
        "rows": _stop_rows(route) if route else [],
        "start": _hhmm(route.start_min) if route else "",
        "end": _hhmm(route.end_min) if route else "",
        "today": timezone.localdate(),
        "fail_form": StopFailForm(),
        "proof_form": DeliveryProofForm(),
    }
    return render(request, "logistics/driver_route.html", context)


def _back_to_route(request: HttpRequest) -> HttpResponse:
    return redirect(request.POST.get("next") or "logistics:route")


@login_required
@require_POST
def stop_action(request: HttpRequest, stop_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "arrive":
            services.stop_arrive(actor=request.user, stop_id=stop_id)
            messages.success(request, _("Arrival recorded."))
        elif action == "done":
            services.stop_complete(actor=request.user, stop_id=stop_id)
            messages.success(request, _("Stop done."))
        elif action == "fail":
            form = StopFailForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose why the stop failed."))
            else:
                services.stop_fail(
                    actor=request.user,
                    stop_id=stop_id,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
                messages.warning(request, _("Recorded: the parcels go into the next plan."))
    except XiangcunError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    return _back_to_route(request)


@login_required
@require_POST
def parcel_deliver(request: HttpRequest, parcel_id: int) -> HttpResponse:
    form = DeliveryProofForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write the name of the person who took the parcel."))
        return _back_to_route(request)
    try:
        services.parcel_deliver(
            actor=request.user,
            parcel_id=parcel_id,
            recipient_name=form.cleaned_data["recipient_name"],
            photo=form.cleaned_data.get("photo"),
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Delivered."))
    except XiangcunError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    return _back_to_route(request)


@login_required
@require_POST
def parcel_fail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    form = StopFailForm(request.POST)
    if form.is_valid():
        try:
            services.parcel_delivery_fail(
                actor=request.user,
                parcel_id=parcel_id,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.warning(request, _("Recorded: the parcel goes into the next plan."))
        except XiangcunError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, str(error.message))
    return _back_to_route(request)


# --- Station hand-over -------------------------------------------------------------------------


def _station_choices(user: Any) -> list[tuple[int, str]]:
    """The counters the user may work at: an agent their own station only."""
    mine = services.stations_acted_at(user=user, roles=HANDOVER_ROLES)
    return [
        (station.id, station.name)
        for station in stations_list()
        if station.kind in ("village_station", "service_centre")
        and (mine is None or station.id in mine)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """The station counter: type the customer's pickup code, see the parcel and recipient,
    confirm the hand-over. Wrong codes are counted; five lock the counter for 15 minutes."""
    _allow(request, HANDOVER_ROLES)
    choices = _station_choices(request.user)
    member = selectors.staff_member_for(user=request.user)
    allowed = {station_id for station_id, _name in choices}
    default_station = next(
        (
            station_id
            for station_id in (
                request.session.get(STATION_SESSION_KEY),
                member.station_id if member else None,
            )
            if station_id in allowed
        ),
        None,
    )
    found = None
    done = None
    if request.method == "POST":
        form = PickupCodeForm(request.POST, stations=choices)
        if form.is_valid():
            station_id = form.cleaned_data["station"]
            request.session[STATION_SESSION_KEY] = station_id
            code = form.cleaned_data["code"]
            try:
                if request.POST.get("confirm") == "1":
                    done = services.parcel_handover(
                        actor=request.user, station_id=station_id, code=code
                    )
                    form = PickupCodeForm(initial={"station": station_id}, stations=choices)
                else:
                    found = services.parcel_code_check(
                        actor=request.user, station_id=station_id, code=code
                    )
            except XiangcunError as error:
                if error.status in (403, 404) and error.code != "parcel_not_found":
                    raise
                form.add_error("code", str(error.message))
    else:
        form = PickupCodeForm(initial={"station": default_station}, stations=choices)
    station_id = request.session.get(STATION_SESSION_KEY)
    if station_id not in allowed:
        station_id = default_station
    waiting = selectors.parcels_at_station(station_id=station_id) if station_id else []
    context = {
        "form": form,
        "found": found,
        "found_order": order_get(order_id=found.order_id, for_user=request.user) if found else None,
        "done": done,
        "waiting": waiting,
        "uncollected_days": UNCOLLECTED_AFTER.days,
    }
    return render(request, "logistics/handover.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def parcel_return_start(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """Send back a parcel nobody collected: this page says what happens (the buyer's money goes
    back, the van takes the parcel to the warehouse) and asks to confirm. Whether it may go
    back yet is the service's rule (`parcel_return_start`); the page only offers the button
    for parcels the selector marks overdue."""
    _allow(request, HANDOVER_ROLES)
    parcel = selectors.parcel_waiting_get(parcel_id=parcel_id, for_user=request.user)
    days = UNCOLLECTED_AFTER.days
    if parcel.status != Parcel.Status.AT_STATION:
        messages.error(
            request,
            _("Parcel %(number)s is not waiting at a station any more.")
            % {"number": parcel.number},
        )
        return redirect("logistics:handover")
    if request.method == "GET" and not parcel.overdue:  # type: ignore[attr-defined]
        messages.error(
            request,
            _("Parcel %(number)s has waited less than %(days)d days: keep it for its buyer.")
            % {"number": parcel.number, "days": days},
        )
        return redirect("logistics:handover")
    form = ReturnStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"] or _("Not collected in %(days)d days") % {
            "days": parcel.days_waiting  # type: ignore[attr-defined]
        }
        try:
            services.parcel_return_start(actor=request.user, parcel_id=parcel.pk, note=note)
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            # Too early or no longer waiting: nothing to confirm here any more.
            messages.error(request, str(error.message))
            return redirect("logistics:handover")
        else:
            messages.success(
                request,
                _("Parcel %(number)s goes back to the warehouse with the next van.")
                % {"number": parcel.number},
            )
            return redirect("logistics:handover")
    return render(
        request, "logistics/return_start.html", {"parcel": parcel, "form": form, "days": days}
    )


# --- Packing -----------------------------------------------------------------------------------


@login_required
@require_safe
def packing_list(request: HttpRequest) -> HttpResponse:
    _allow(request, PACKING_ROLES)
    context = {
        "waiting": selectors.orders_waiting_for_packing(),
        "open_tasks": selectors.packing_tasks_open(),
        "recent": selectors.packing_tasks_recent(),
    }
    return render(request, "logistics/packing_list.html", context)


@login_required
@require_POST
def packing_open(request: HttpRequest, order_id: int) -> HttpResponse:
    task = services.packing_task_open(actor=request.user, order_id=order_id)
    return redirect("logistics:packing_task", task_id=task.pk)


def _lot_choices(order: Any) -> list[tuple[int, str, list[tuple[str, str]]]]:
    lots_by_seller: dict[int, list[Any]] = {}
    lines = []
    for line in order.lines.all():
        if line.seller_id not in lots_by_seller:
            lots_by_seller[line.seller_id] = lots_for_seller(seller_id=line.seller_id)
        lots = [
            (str(lot.pk), f"{lot.code} · {lot.harvested_on:%Y-%m-%d}")
            for lot in lots_by_seller[line.seller_id]
            if services.lot_packable_for_line(lot=lot, line=line)
        ]
        lines.append((line.pk, f"{line.product_name} {line.variant_name}", lots))
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def packing_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """The pick list and packing slip of one order, and the form that closes the box."""
    _allow(request, PACKING_ROLES)
    task = selectors.packing_task_get(task_id=task_id)
    order = order_get(order_id=task.order_id, for_user=request.user)
    form = PackingCompleteForm(
        request.POST or None, lines=_lot_choices(order) if task.status == "open" else []
    )
    if request.method == "POST" and task.status == "open" and form.is_valid():
        try:
            services.packing_complete(
                actor=request.user,
                task_id=task.pk,
                weight_g=int(form.cleaned_data["weight_kg"] * Decimal(1000)),
                crates=form.cleaned_data["crates"],
                lots=form.lots(),
                needs_cold_chain=form.cleaned_data["needs_cold_chain"],
            )
            messages.success(request, _("Packed. Print the label and stick it on the box."))
            return redirect("logistics:packing_task", task_id=task.pk)
        except XiangcunError as error:
            if error.status in (403, 404):
                raise
            # The service names a lot's field `lots.<line id>`; here it is `lot_<line id>`.
            fields = {str(line_id): name for line_id, name in form.line_fields}
            form_add_service_error(form, error, fields=fields)
    parcel = getattr(task, "parcel", None) if task.status == "packed" else None
    context = {
        "task": task,
        "order": order,
        "lines": list(order.lines.all()),
        "form": form,
        "parcel": parcel,
        "handoff_form": CarrierHandoffForm()
        if parcel
        and parcel.destination == Parcel.Destination.CARRIER
        and parcel.status == Parcel.Status.PACKED
        else None,
        "trace_links": parcel_trace_links(parcel=parcel) if parcel else [],
    }
    return render(request, "logistics/packing_task.html", context)


@login_required
@require_safe
def packing_label(request: HttpRequest, task_id: int) -> HttpResponse:
    _allow(request, PACKING_ROLES)
    task = selectors.packing_task_get(task_id=task_id)
    parcel = getattr(task, "parcel", None)
    if parcel is None:
        messages.error(request, _("Pack the order first."))
        return redirect("logistics:packing_task", task_id=task.pk)
    order = order_get(order_id=task.order_id, for_user=request.user)
    lines = [
        f"{line.product_name} {line.variant_name} x{line.quantity}" for line in order.lines.all()
    ]
    pdf = parcel_label_pdf(parcel=parcel, order_number=order.number, lines=lines)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{parcel.number}.pdf"'
    return response


@login_required
@require_POST
def carrier_handoff(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.packing_task_get(task_id=task_id)
    form = CarrierHandoffForm(request.POST)
    parcel = getattr(task, "parcel", None)
    if parcel is None or not form.is_valid():
        messages.error(request, _("Choose the carrier and type its tracking number."))
    else:
        try:
            services.carrier_handoff(
                actor=request.user,
                parcel_id=parcel.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
            messages.success(request, _("Handed to the carrier."))
        except XiangcunError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, str(error.message))
    return redirect("logistics:packing_task", task_id=task.pk)


# --- Intake ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Grade what a farm pickup brought in: accepted units go into warehouse stock."""
    _allow(request, WAREHOUSE_ROLES)
    pickups = selectors.farm_pickups_to_receive()
    choices = [
        (
            pickup.pk,
            f"{pickup.seller.name} · {pickup.variant.product.name} · {pickup.day:%m-%d}",
        )
        for pickup in pickups
    ]
    by_id = {pickup.pk: pickup for pickup in pickups}
    form = IntakeForm(request.POST or None, pickups=choices)
    if request.method == "POST" and form.is_valid():
        pickup = by_id[form.cleaned_data["pickup"]]
        try:
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
            messages.success(request, _("Received into the warehouse stock."))
            return redirect("logistics:intake")
        except XiangcunError as error:
            if error.status in (403, 404):
                raise
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
    context = {"form": form, "recent": selectors.intakes_recent()}
    return render(request, "logistics/intake.html", context)


# --- Parcels coming back -----------------------------------------------------------------------


@login_required
@require_safe
def returns(request: HttpRequest) -> HttpResponse:
    """Parcels on their way back to the warehouse, to be checked and put back into stock, and
    the ones received lately."""
    _allow(request, WAREHOUSE_ROLES)
    context = {
        "coming": selectors.parcels_returning(),
        "received": selectors.parcels_returned_recent(),
    }
    return render(request, "logistics/returns.html", context)


def _line_label(line: Any) -> str:
    return f"{line.order_line.product_name} {line.order_line.variant_name}".strip()


def _received_messages(request: HttpRequest, packed: list[Any], form: ReturnReceiveForm) -> None:
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
    _allow(request, WAREHOUSE_ROLES)
    parcel = selectors.parcel_return_get(parcel_id=parcel_id)
    packed = selectors.packed_lines_of_parcel(parcel=parcel)
    form = ReturnReceiveForm(request.POST or None, line_ids=[line.order_line_id for line in packed])
    if request.method == "POST" and form.is_valid():
        try:
            services.parcel_return_receive(
                actor=request.user,
                parcel_id=parcel.pk,
                rejected=form.rejected(),
                note=form.cleaned_data["note"],
            )
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            form_add_service_error(form, error, fields=form.error_fields())
        else:
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


# --- Dispatch ----------------------------------------------------------------------------------


@login_required
@require_safe
def dispatch(request: HttpRequest) -> HttpResponse:
    """Today's plan: routes per van with their stops, anything the planner left out and any
    violation the independent checker found; buttons to plan and re-plan."""
    _allow(request, WAREHOUSE_ROLES)
    today = timezone.localdate()
    plan = selectors.plan_active(day=today)
    routes = selectors.routes_for_plan(plan=plan) if plan else []
    vehicles = selectors.vehicles_list()
    context = {
        "today": today,
        "plan": plan,
        "routes": [
            {
                "route": route,
                "start": _hhmm(route.start_min),
                "end": _hhmm(route.end_min),
                "km": route.distance_m / 1000,
                "stops": [
                    {"stop": stop, "arrive": _hhmm(stop.arrive_min)} for stop in route.stops.all()
                ],
            }
            for route in routes
        ],
        "vehicles": vehicles,
        "to_dispatch": len(selectors.parcels_to_dispatch()),
        "pickups": selectors.farm_pickups_for_day(day=today),
        "replan_form": ReplanForm(
            vehicles=[(v.pk, v.plate) for v in vehicles if v.status == "active"]
        ),
    }
    return render(request, "logistics/dispatch.html", context)


@login_required
@require_POST
def dispatch_plan(request: HttpRequest) -> HttpResponse:
    _allow(request, WAREHOUSE_ROLES)
    today = timezone.localdate()
    vehicles = [(v.pk, v.plate) for v in selectors.vehicles_list()]
    form = ReplanForm(request.POST, vehicles=vehicles)
    broken = form.cleaned_data.get("broken_vehicle") if form.is_valid() else None
    try:
        if request.POST.get("mode") == "replan":
            plan = services.route_replan(actor=request.user, day=today, broken_vehicle_id=broken)
        else:
            plan = services.route_plan_day(
                actor=request.user, day=today, reason=_("Planned from the dispatch page")
            )
        if plan.violations:
            messages.warning(request, _("The plan breaks some limits: see below."))
        else:
            messages.success(request, _("Routes planned."))
    except XiangcunError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    return redirect("logistics:dispatch")


# --- Fleet -------------------------------------------------------------------------------------

# Service field names and error codes -> the fields of the fleet and staff forms.
FLEET_ERROR_FIELDS = {"station_not_found": "home_station"}
STAFF_ERROR_FIELDS = {"station_not_found": "station", "invalid_phone": "phone"}
SHIFT_ERROR_FIELDS = {"vehicle_not_found": "vehicle"}


def _depot_choices() -> list[tuple[int, str]]:
    """Sites a van or a person can work from: the county sites first, then the stations."""
    return [(station.id, station.name) for station in stations_list()]


def _service_refusal(error: XiangcunError) -> bool:
    """Whether a service error belongs next to the form (not a 403 or a missing record)."""
    return not isinstance(error, PermissionDeniedError)


@login_required
@require_http_methods(["GET", "POST"])
def fleet(request: HttpRequest) -> HttpResponse:
    """The county's vans: what each carries, where it lives, whether it is on the road; add a
    van and mark one broken down, repaired or retired."""
    _allow(request, WAREHOUSE_ROLES)
    stations = _depot_choices()
    warehouse = next((s.id for s in stations_list(kind="warehouse")), None)
    form = VehicleForm(request.POST or None, stations=stations, initial={"home_station": warehouse})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            form_add_service_error(form, error, fields=FLEET_ERROR_FIELDS)
        else:
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
    _allow(request, WAREHOUSE_ROLES)
    form = VehicleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the van's status."))
        return redirect("logistics:fleet")
    try:
        vehicle = services.vehicle_status_set(
            actor=request.user, vehicle_id=vehicle_id, status=form.cleaned_data["status"]
        )
    except XiangcunError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(plate)s: %(status)s.")
            % {"plate": vehicle.plate, "status": vehicle.get_status_display()},
        )
    return redirect("logistics:fleet")


# --- Staff and shifts --------------------------------------------------------------------------


def _chosen_day(request: HttpRequest) -> tuple[DayForm, datetime.date]:
    """The day a page shows: ?day=YYYY-MM-DD, else today in Asia/Shanghai."""
    today = timezone.localdate()
    if "day" not in request.GET:
        return DayForm(initial={"day": today}), today
    form = DayForm(request.GET)
    return form, form.cleaned_data["day"] if form.is_valid() else today


def _with_day(name: str, day: datetime.date) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'day': day.isoformat()})}")


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    """Who works in logistics and where, and the shifts of a day: add someone by the phone
    number of their account, let someone go, set a shift (and a driver's van)."""
    _allow(request, WAREHOUSE_ROLES)
    day_form, day = _chosen_day(request)
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
        data = add_form.cleaned_data
        try:
            person = user_by_phone(phone=data["phone"])
            if person is None:
                add_form.add_error(
                    "phone", _("Nobody has registered with this number. Ask them to register.")
                )
            else:
                services.staff_member_set(
                    actor=request.user, user=person, job=data["job"], station_id=data["station"]
                )
                messages.success(
                    request, _("%(name)s added to the staff.") % {"name": person.get_short_name()}
                )
                return _with_day("logistics:staff", day)
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            form_add_service_error(add_form, error, fields=STAFF_ERROR_FIELDS)
    elif action == "shift" and shift_form.is_valid():
        data = shift_form.cleaned_data
        try:
            services.shift_set(
                actor=request.user,
                staff_id=data["staff"],
                day=data["day"],
                start_min=minutes_of(data["start"]),
                end_min=minutes_of(data["end"]),
                vehicle_id=data["vehicle"],
            )
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            form_add_service_error(shift_form, error, fields=SHIFT_ERROR_FIELDS)
        else:
            messages.success(request, _("Shift saved."))
            return _with_day("logistics:staff", data["day"])
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
            {"shift": s, "start": _hhmm(s.start_min), "end": _hhmm(s.end_min)}
            for s in selectors.shifts_for_day(day=day)
        ],
    }
    return render(request, "logistics/staff.html", context)


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    _allow(request, WAREHOUSE_ROLES)
    member = services.staff_member_deactivate(actor=request.user, staff_id=staff_id)
    messages.success(
        request,
        _("%(name)s no longer works in logistics.") % {"name": member.user.get_short_name()},
    )
    return redirect("logistics:staff")


# --- Farm pickups ------------------------------------------------------------------------------

PICKUP_SELLER_KEY = "logistics_pickup_seller_id"
# The service's names for the fields of the pickup form.
PICKUP_ERROR_FIELDS = {"phone": "contact_phone", "invalid_phone": "contact_phone"}


def _pickup_farm(request: HttpRequest, managed: list[Any]) -> Any | None:
    """The farm the seller or agent works for: ?seller=, else the one kept in the session,
    else the only one they manage; None when an agent must still choose."""
    if request.GET.get("seller") == "":
        request.session.pop(PICKUP_SELLER_KEY, None)
    wanted = request.GET.get("seller") or request.session.get(PICKUP_SELLER_KEY)
    for seller in managed:
        if wanted and str(seller.pk) == str(wanted):
            request.session[PICKUP_SELLER_KEY] = seller.pk
            return seller
    return managed[0] if len(managed) == 1 else None


def _pickup_rows(pickups: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "pickup": pickup,
            "window": f"{_hhmm(pickup.window_start_min)}\u2013{_hhmm(pickup.window_end_min)}",
            "can_cancel": pickup.status == FarmPickup.Status.REQUESTED,
        }
        for pickup in pickups
    ]


def _pick_farm(request: HttpRequest, managed: list[Any]) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    shops = [s for s in managed if not query or query in s.name or query in s.name_en][:50]
    context = {"shops": shops, "query": query, "managed": managed}
    return render(request, "logistics/pickup_pick_farm.html", context)


@login_required
@require_safe
def pickups(request: HttpRequest) -> HttpResponse:
    """Farm pickups: the warehouse sees every pickup of a day; a seller sees their own farm's
    requests, and an agent those of the farmer they help."""
    _allow(request, PICKUP_REQUEST_ROLES)
    if selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        day_form, day = _chosen_day(request)
        context = {
            "day": day,
            "day_form": day_form,
            "rows": _pickup_rows(selectors.farm_pickups_for_day(day=day, include_cancelled=True)),
        }
        return render(request, "logistics/pickups_day.html", context)
    managed = sellers_managed_by(user=request.user)
    seller = _pickup_farm(request, managed)
    if seller is None:
        return _pick_farm(request, managed)
    context = {
        "seller": seller,
        "managed_count": len(managed),
        "rows": _pickup_rows(selectors.farm_pickups_for_seller(seller_id=seller.pk)),
    }
    return render(request, "logistics/pickups.html", context)


def _village_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    groups = []
    for township in townships_list():
        rows = villages_for_township(township_code=township.code)
        if rows:
            groups.append((township.name, [(row.id, row.name) for row in rows]))
    return groups


def _pickup_form(request: HttpRequest, seller: Any) -> PickupRequestForm:
    variants = [
        (variant.pk, f"{product.name} · {variant.name}".strip(" ·"))
        for product in products_for_seller(seller_id=seller.pk)
        for variant in product.variants.all()
        if variant.is_active
    ]
    lots = [
        (lot.pk, f"{lot.code} · {lot.product.name} · {lot.harvested_on:%Y-%m-%d}")
        for lot in lots_for_seller(seller_id=seller.pk)
        if lot.status == "active"
    ][:30]
    owner = request.user if seller.owner_id == request.user.pk else None
    initial = {
        "day": timezone.localdate() + datetime.timedelta(days=1),
        "window_start": datetime.time(9),
        "window_end": datetime.time(12),
        "crates": 1,
        "village": seller.village_id,
        "contact_phone": seller.phone or (owner.phone if owner is not None else ""),
    }
    return PickupRequestForm(
        request.POST or None,
        variants=variants,
        villages=_village_choices(),
        lots=lots,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pickup_new(request: HttpRequest) -> HttpResponse:
    """Ask for goods to be collected from the farm: what, which day and hours, about how much,
    where (the village is enough; the driver calls the phone for the rest)."""
    _allow(request, PICKUP_REQUEST_ROLES)
    managed = sellers_managed_by(user=request.user)
    seller = _pickup_farm(request, managed)
    if seller is None:
        return _pick_farm(request, managed)
    form = _pickup_form(request, seller)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.farm_pickup_request(
                actor=request.user,
                seller_id=seller.pk,
                variant_id=data["variant"],
                day=data["day"],
                window_start_min=minutes_of(data["window_start"]),
                window_end_min=minutes_of(data["window_end"]),
                expected_kg=data["expected_kg"],
                crates=data["crates"],
                village_id=data["village"],
                place=data["place"],
                contact_phone=data["contact_phone"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                needs_cold_chain=data["needs_cold_chain"],
                lot_id=data.get("lot"),
                note=data["note"],
            )
        except XiangcunError as error:
            if not _service_refusal(error):
                raise
            form_add_service_error(form, error, fields=PICKUP_ERROR_FIELDS)
        else:
            messages.success(
                request, _("Pickup requested. The warehouse plans it into a route and calls you.")
            )
            return redirect("logistics:pickups")
    context = {
        "form": form,
        "seller": seller,
        "managed_count": len(managed),
        "position_open": bool(form["latitude"].errors or form["longitude"].errors),
    }
    return render(request, "logistics/pickup_form.html", context)


@login_required
@require_POST
def pickup_cancel(request: HttpRequest, pickup_id: int) -> HttpResponse:
    _allow(request, PICKUP_REQUEST_ROLES)
    try:
        services.farm_pickup_cancel(actor=request.user, pickup_id=pickup_id)
    except XiangcunError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Pickup cancelled."))
    day = request.POST.get("day", "")
    if day and selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        return redirect(f"{reverse('logistics:pickups')}?{urlencode({'day': day})}")
    return redirect("logistics:pickups")
