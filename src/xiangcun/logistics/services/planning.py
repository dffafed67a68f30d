"""Route planning: a day's routes from the open work and the vans on shift (the solver runs
with no transaction open), recorded if nothing they rest on changed; re-planning after a
breakdown or a late order."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_check
from xiangcun.logistics.errors import (
    NothingToPlanError,
    NoVehiclesError,
    RoutePlanConflictError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Parcel,
    Route,
    RoutePlan,
    RouteStop,
    Vehicle,
)
from xiangcun.logistics.services._common import (
    Status,
    _actor_id,
    _event,
    _local_minutes,
    _require,
    _today,
)
from xiangcun.logistics.services.fleet import vehicle_status_set
from xiangcun.logistics.services.planning_inputs import _plan_inputs, _plan_still_holds, _PlanInputs
from xiangcun.logistics.types import WAREHOUSE_ROLES, LogisticsDemoResult
from xiangcun.regions.selectors import stations_list

if TYPE_CHECKING:
    from xiangcun.logistics.routing import Depot, Matrix, Stop, VehicleSpec

PLANNER_SECONDS = 2.0  # default search time; settings.LOGISTICS_PLANNER_SECONDS overrides it


def route_plan_day(
    *,
    actor: AnyUser | None,
    day: date,
    reason: str = "",
    seconds: float | None = None,
    not_before_min: int | None = None,
) -> RoutePlan:
    """Plan (or re-plan) a day: every open stop, every van with a driver on shift, through the
    route planner; the new plan replaces the day's active one. Stops already done stay in the
    old plan's record. `not_before_min` (minutes after midnight) keeps vans in the depot until
    then: re-planning at noon cannot send a van out at eight. `actor` None is the platform.

    The solver takes seconds and holds no lock: the inputs are read in one short transaction
    and committed, the travel matrix and the solver run with no transaction open (on SQLite an
    open write transaction would stop every other writer), and the plan is recorded in a second
    short transaction that locks the day's active plan, its routes and the work again and
    checks that nothing the plan rests on changed (`_plan_still_holds`). Of two dispatchers
    planning the same day at once, the first to record wins; the other gets
    RoutePlanConflictError and records nothing. Call it outside a transaction: inside one it
    still works, but whatever that transaction locked stays locked while the solver runs."""
    text_check(reason=reason)
    # The planner is imported here so that pages and services that never plan do not load the
    # solver (PyVRP and numpy) at start-up.
    from xiangcun.logistics.routing import Depot, PyVrpPlanner, plan_check

    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    if seconds is None:
        seconds = float(getattr(settings, "LOGISTICS_PLANNER_SECONDS", PLANNER_SECONDS))
    if not_before_min is None:
        not_before_min = _local_minutes(timezone.now()) if day == _today() else 0
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    if warehouse is None or warehouse.latitude is None or warehouse.longitude is None:
        raise NoVehiclesError(_("The county warehouse has no position to plan from."))
    with transaction.atomic():
        inputs = _plan_inputs(day, not_before_min=not_before_min, lock=False)
    if not inputs.work:
        raise NothingToPlanError
    if not inputs.fleet:
        raise NoVehiclesError
    depot = Depot(
        id="depot",
        lat=float(warehouse.latitude),
        lng=float(warehouse.longitude),
        name=warehouse.name,
    )
    stops, vehicles = _solver_inputs(inputs, not_before_min=not_before_min)
    # No transaction is open from here to the recording: the matrix may come from a routing
    # server over HTTP, and the solver runs for `seconds`.
    matrix, stored_matrix = _travel(depot, stops, inputs.carried_stops)
    plan = PyVrpPlanner().plan(depot, stops, vehicles, matrix, seconds)
    violations = plan_check(plan, stops, vehicles, matrix)
    return _route_plan_record(
        actor=actor,
        day=day,
        reason=reason,
        not_before_min=not_before_min,
        inputs=inputs,
        plan=plan,
        violations=list(violations),
        matrix=stored_matrix,
        shift_starts={spec.id: spec.shift_start_min for spec in vehicles},
    )


def _solver_inputs(
    inputs: _PlanInputs, *, not_before_min: int
) -> tuple[list["Stop"], list["VehicleSpec"]]:
    """The open work and the vans as the planner takes them; a van leaves no earlier than its
    shift start and `not_before_min`."""
    from xiangcun.logistics.routing import Stop, VehicleSpec

    stops = [
        Stop(
            id=item["key"],
            lat=float(item["lat"]),
            lng=float(item["lng"]),
            delivery_kg=float(item["delivery_kg"]),
            pickup_kg=float(item["pickup_kg"]),
            delivery_crates=int(item["delivery_crates"]),
            pickup_crates=int(item["pickup_crates"]),
            window_start_min=int(item["window"][0]),
            window_end_min=int(item["window"][1]),
            service_min=int(item["service"]),
            name=str(item["label"]),
            cold_chain=bool(item["cold_chain"]),
        )
        for item in inputs.work
    ]
    vehicles = [
        VehicleSpec(
            id=vehicle.pk,
            capacity_kg=float(vehicle.capacity_kg),
            capacity_crates=vehicle.capacity_crates,
            shift_start_min=max(shift.start_min, not_before_min),
            shift_end_min=shift.end_min,
            cost_per_km=vehicle.cost_per_km,
            cold_chain=vehicle.cold_chain,
        )
        for vehicle, shift in inputs.fleet
    ]
    return stops, vehicles


def _travel(
    depot: "Depot", stops: list["Stop"], carried_stops: list[RouteStop]
) -> tuple["Matrix", dict[str, Any]]:
    """The travel matrix the planner works with, and the one stored with the plan: it also
    covers the carried routes' stops, so every route of the plan can be checked against it
    (its first rows are the planner's matrix)."""
    from xiangcun.logistics.routing import Stop
    from xiangcun.logistics.routing.matrix import matrix_provider_default

    provider = matrix_provider_default()
    matrix = provider.matrix([depot, *stops])
    extra = [
        Stop(id=stop.key, lat=float(stop.latitude), lng=float(stop.longitude))
        for stop in carried_stops
        if stop.key not in {s.id for s in stops}
    ]
    stored_matrix = provider.matrix([depot, *stops, *extra]) if extra else matrix
    return matrix, {
        "keys": ["depot", *[str(stop.id) for stop in [*stops, *extra]]],
        "points": [
            [depot.lat, depot.lng],
            *[[stop.lat, stop.lng] for stop in [*stops, *extra]],
        ],
        "distance_m": [list(row) for row in stored_matrix.distance_m],
        "duration_min": [list(row) for row in stored_matrix.duration_min],
    }


@transaction.atomic
def _route_plan_record(
    *,
    actor: AnyUser | None,
    day: date,
    reason: str,
    not_before_min: int,
    inputs: _PlanInputs,
    plan: Any,
    violations: list[str],
    matrix: dict[str, Any],
    shift_starts: Mapping[int | str, int],
) -> RoutePlan:
    """Store a solved plan, if it still holds: the day's active plan, its routes, the parcels
    and pickups are locked and read again, and compared with what the plan was solved from.
    Recording the same solved plan twice stores it once (the second finds its own plan active
    and gets RoutePlanConflictError)."""
    now = _plan_inputs(day, not_before_min=not_before_min, lock=True)
    _plan_still_holds(inputs.facts, now.facts)
    if now.previous is not None:
        now.previous.status = RoutePlan.Status.SUPERSEDED
        now.previous.save(update_fields=["status", "updated_at"])
    try:
        # A plan recorded meanwhile where there was none: the unique "one active plan a day"
        # constraint refuses the second (on PostgreSQL it waits for the first to commit).
        with transaction.atomic():
            stored = RoutePlan.objects.create(
                day=day,
                reason=(reason or "")[:200],
                cost=Decimal(str(plan.cost)).quantize(Decimal("0.01")),
                unassigned=[str(key) for key in plan.unassigned],
                matrix=matrix,
                violations=violations,
                planned_by_id=_actor_id(actor),
            )
    except IntegrityError as error:
        raise RoutePlanConflictError from error
    work, fleet = inputs.work, inputs.fleet
    Route.objects.filter(pk__in=[route.pk for route in inputs.carried]).update(plan=stored)
    by_key = {item["key"]: item for item in work}
    by_vehicle = {vehicle.pk: (vehicle, shift) for vehicle, shift in fleet}
    planned_parcels: set[int] = set()
    for route_plan in plan.routes:
        if not route_plan.stops:
            continue
        vehicle, shift = by_vehicle[int(route_plan.vehicle_id)]
        route = Route.objects.create(
            plan=stored,
            vehicle=vehicle,
            driver=shift.staff,
            shift_start_min=shift_starts[route_plan.vehicle_id],
            shift_end_min=shift.end_min,
            start_min=route_plan.start_min,
            end_min=route_plan.end_min,
            distance_m=route_plan.distance_m,
        )
        for sequence, planned in enumerate(route_plan.stops, start=1):
            item = by_key[str(planned.stop_id)]
            stop = RouteStop.objects.create(
                route=route,
                sequence=sequence,
                key=item["key"],
                kind=item["kind"],
                label=str(item["label"])[:80],
                address=str(item["address"])[:300],
                phone=str(item["phone"])[:20],
                station_id=item["station_id"],
                pickup_id=item["pickup_id"],
                latitude=item["lat"],
                longitude=item["lng"],
                window_start_min=item["window"][0],
                window_end_min=item["window"][1],
                service_min=item["service"],
                delivery_kg=item["delivery_kg"],
                pickup_kg=item["pickup_kg"],
                delivery_crates=item["delivery_crates"],
                pickup_crates=item["pickup_crates"],
                arrive_min=planned.arrive_min,
                depart_min=planned.depart_min,
                load_after_kg=planned.load_after_kg,
            )
            parcel_ids = [parcel.pk for parcel in item["parcels"]]
            Parcel.objects.filter(pk__in=parcel_ids).update(route_stop=stop)
            planned_parcels.update(parcel_ids)
            if item["pickup_id"] is not None:
                FarmPickup.objects.filter(pk=item["pickup_id"]).update(
                    status=FarmPickup.Status.PLANNED
                )
    # Parcels left out of the plan wait for the next one.
    left_out = [p.pk for item in work for p in item["parcels"] if p.pk not in planned_parcels]
    Parcel.objects.filter(pk__in=left_out).update(route_stop=None)
    return stored


def route_replan(
    *,
    actor: AnyUser,
    day: date,
    broken_vehicle_id: int | None = None,
    reason: str = "",
    seconds: float | None = None,
    not_before_min: int | None = None,
) -> RoutePlan:
    """Re-plan the rest of a day: when a van breaks down (it leaves the fleet, and whatever it
    still had to deliver goes to the others) or a late order arrives. The planner runs again on
    the stops not yet done; vans start from the depot no earlier than now. The breakdown is
    recorded and committed first (the van did break down, whatever the planner makes of it),
    then `route_plan_day` plans with no transaction open."""
    text_check(reason=reason)
    _require(actor, WAREHOUSE_ROLES)
    if broken_vehicle_id is not None:
        with transaction.atomic():
            vehicle_status_set(
                actor=actor, vehicle_id=broken_vehicle_id, status=Vehicle.Status.BROKEN_DOWN
            )
            # Its undelivered parcels come back to the warehouse to be re-loaded.
            stuck = Parcel.objects.select_for_update().filter(
                route_stop__route__vehicle_id=broken_vehicle_id,
                route_stop__route__plan__day=day,
                status__in=(Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY),
            )
            for parcel in stuck.order_by("pk"):
                parcel.status = Status.PACKED
                parcel.save(update_fields=["status", "updated_at"])
                _event(parcel, actor=actor, note=gettext("Van broke down: moved to another van."))
            Route.objects.filter(vehicle_id=broken_vehicle_id, plan__day=day).exclude(
                status=Route.Status.FINISHED
            ).update(status=Route.Status.FINISHED)
    text = reason or ("van_broke_down" if broken_vehicle_id else "replanned")
    return route_plan_day(
        actor=actor, day=day, reason=text, seconds=seconds, not_before_min=not_before_min
    )


# --- Demo ---------------------------------------------------------------------------------------


def logistics_demo_load(*, day: date | None = None, password: str = "") -> LogisticsDemoResult:
    """The demo's logistics day (vans, staff and shifts, paid orders packed into parcels, some
    waiting at stations with pickup codes, farm pickups: `logistics.demo.demo_day`), then the
    day's route plan when there is none yet. Safe to run again for the same day. The day's rows
    are committed before the planner runs, so the solver runs with no transaction open."""
    # Imported here: the demo module builds its day with these services.
    from xiangcun.logistics import demo

    day = day or _today()
    loaded = demo.demo_day(day=day, password=password)
    plan = RoutePlan.objects.filter(day=day, status=RoutePlan.Status.ACTIVE).first()
    if plan is None:
        # Planned as at the start of the day, whatever the time the demo is loaded.
        plan = route_plan_day(
            actor=None,
            day=day,
            reason="demo_day",
            not_before_min=0,
        )
    return replace(
        loaded,
        routes=plan.routes.count(),
        unassigned=len(plan.unassigned),
        violations=list(plan.violations),
    )
