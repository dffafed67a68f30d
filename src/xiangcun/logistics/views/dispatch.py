"""The dispatch board: today's plan, routes per van with their stops, and the buttons that plan
the day and re-plan it (a van broke down, a late order came in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.pages import refusal_as_message
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import ReplanForm
from xiangcun.logistics.models import Vehicle
from xiangcun.logistics.types import WAREHOUSE_ROLES, hhmm
from xiangcun.logistics.views._common import allow


@login_required
@require_safe
def dispatch(request: HttpRequest) -> HttpResponse:
    """Today's plan: routes per van with their stops, anything the planner left out and any
    violation the independent checker found; buttons to plan and re-plan."""
    allow(request, WAREHOUSE_ROLES)
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
                "start": hhmm(route.start_min),
                "end": hhmm(route.end_min),
                "km": route.distance_m / 1000,
                "stops": [
                    {"stop": stop, "arrive": hhmm(stop.arrive_min)} for stop in route.stops.all()
                ],
            }
            for route in routes
        ],
        "vehicles": vehicles,
        "to_dispatch": len(selectors.parcels_to_dispatch()),
        "pickups": selectors.farm_pickups_for_day(day=today),
        "replan_form": ReplanForm(
            vehicles=[(v.pk, v.plate) for v in vehicles if v.status == Vehicle.Status.ACTIVE]
        ),
    }
    return render(request, "logistics/dispatch.html", context)


@login_required
@require_POST
def dispatch_plan(request: HttpRequest) -> HttpResponse:
    """Plan today's routes, or re-plan the rest of the day (without a broken-down van)."""
    allow(request, WAREHOUSE_ROLES)
    today = timezone.localdate()
    vehicles = [(v.pk, v.plate) for v in selectors.vehicles_list()]
    form = ReplanForm(request.POST, vehicles=vehicles)
    broken = form.cleaned_data.get("broken_vehicle") if form.is_valid() else None
    with refusal_as_message(request):
        if request.POST.get("mode") == "replan":
            plan = services.route_replan(actor=request.user, day=today, broken_vehicle_id=broken)
        else:
            plan = services.route_plan_day(actor=request.user, day=today, reason="dispatch_page")
        if plan.violations:
            messages.warning(request, _("The plan breaks some limits: see below."))
        else:
            messages.success(request, _("Routes planned."))
    return redirect("logistics:dispatch")
