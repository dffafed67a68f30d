"""The driver's pages: today's route on the phone, stop by stop, and the buttons for each step
(arrived, done, could not do it; a home parcel delivered with proof, or not)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import DeliveryProofForm, StopFailForm
from xiangcun.logistics.models import Parcel, Route, RouteStop
from xiangcun.logistics.types import ROAD_ROLES, WAREHOUSE_ROLES, hhmm
from xiangcun.logistics.views._common import allow


@dataclass(frozen=True)
class StopRow:
    """One stop as the driver's page shows it."""

    stop: RouteStop
    window: str  # opening hours, "09:00-17:30"
    arrive: str
    drop: list[Parcel]
    collect: list[str]  # what to take on board, in words
    open: bool  # still to be done: the page offers its buttons


def _stop_rows(route: Route) -> list[StopRow]:
    stops = list(route.stops.all())
    returns = selectors.returns_at_stations(
        station_ids=[stop.station_id for stop in stops if stop.station_id]
    )
    rows = []
    for stop in stops:
        collect: list[str] = []
        if stop.kind == RouteStop.Kind.FARM and stop.pickup is not None:
            collect.append(
                _("%(product)s, about %(kg)d kg in %(crates)d crates")
                % {
                    "product": localized(stop.pickup.variant.product),
                    "kg": stop.pickup_kg,
                    "crates": stop.pickup_crates,
                }
            )
        back = returns.get(stop.station_id or 0, [])
        if back:
            collect.append(_("%(count)d returned parcels") % {"count": len(back)})
        rows.append(
            StopRow(
                stop=stop,
                window=f"{hhmm(stop.window_start_min)}\u2013{hhmm(stop.window_end_min)}",
                arrive=hhmm(stop.arrive_min),
                drop=list(stop.parcels.all()),
                collect=collect,
                open=stop.status in (RouteStop.Status.PENDING, RouteStop.Status.ARRIVED),
            )
        )
    return rows


@login_required
@require_safe
def driver_route(request: HttpRequest) -> HttpResponse:
    """Today's route on the driver's phone: stops in order, arrival windows, what to drop and
    collect, and a button for each step."""
    allow(request, ROAD_ROLES)
    route = None
    route_id = request.GET.get("route", "")
    if route_id.isdigit() and selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        route = selectors.route_get(route_id=int(route_id))
    else:
        route = selectors.route_for_driver(user=request.user)
    context = {
        "route": route,
        "rows": _stop_rows(route) if route else [],
        "start": hhmm(route.start_min) if route else "",
        "end": hhmm(route.end_min) if route else "",
        "today": timezone.localdate(),
        "fail_form": StopFailForm(),
        "proof_form": DeliveryProofForm(),
    }
    return render(request, "logistics/driver_route.html", context)


def _back_to_route(request: HttpRequest) -> HttpResponse:
    """Back to the route at the stop just acted on (`next` ends in #stop-<id>, so a phone without
    JavaScript keeps its place); only to a page of this site."""
    wanted = request.POST.get("next", "")[:500]
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(wanted)
    return redirect("logistics:route")


@login_required
@require_POST
def stop_action(request: HttpRequest, stop_id: int) -> HttpResponse:
    """Arrived at a stop, done with it, or could not do it (with the reason)."""
    allow(request, ROAD_ROLES)
    selectors.route_stop_get(stop_id=stop_id)
    action = request.POST.get("action", "")
    with refusal_as_message(request):
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
    return _back_to_route(request)


@login_required
@require_POST
def parcel_deliver(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """A home parcel handed over at the door, with the name of who took it (and a photo)."""
    allow(request, ROAD_ROLES)
    selectors.parcel_get(parcel_id=parcel_id, for_user=request.user)
    form = DeliveryProofForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write the name of the person who took the parcel."))
        return _back_to_route(request)
    with refusal_as_message(request) as outcome:
        services.parcel_deliver(
            actor=request.user,
            parcel_id=parcel_id,
            recipient_name=form.cleaned_data["recipient_name"],
            photo=form.cleaned_data.get("photo"),
            note=form.cleaned_data["note"],
        )
    if outcome.done:
        messages.success(request, _("Delivered."))
    return _back_to_route(request)


@login_required
@require_POST
def parcel_fail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """A home parcel that could not be delivered, and why."""
    allow(request, ROAD_ROLES)
    selectors.parcel_get(parcel_id=parcel_id, for_user=request.user)
    form = StopFailForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request) as outcome:
            services.parcel_delivery_fail(
                actor=request.user,
                parcel_id=parcel_id,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        if outcome.done:
            messages.warning(request, _("Recorded: the parcel goes into the next plan."))
    return _back_to_route(request)
