"""The demo day's stored plan respects every capacity, time window and shift, checked here
from the stored stops, the vans' capacities, the drivers' shifts and the stored travel matrix,
without the planner's own checker."""

import datetime

from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, Shift
from xiangcun.logistics.types import LogisticsDemoResult

EPS = 1e-6


def independent_violations(plan: RoutePlan) -> list[str]:
    """Recompute every route: load leaving the depot = all its deliveries; at each stop load
    minus delivery plus pickup never above the van's kg or crates; arrival = departure from the
    previous place + travel time from the stored matrix; service starts within the window;
    leaving the depot no earlier than the driver's shift and the van back by its end; every
    open stop key served once or reported unassigned."""
    problems: list[str] = []
    keys = plan.matrix["keys"]
    index = {key: i for i, key in enumerate(keys)}
    duration = plan.matrix["duration_min"]
    distance = plan.matrix["distance_m"]
    seen: list[str] = []
    for route in plan.routes.select_related("vehicle", "driver").all():
        van = route.vehicle
        stops = list(route.stops.order_by("sequence"))
        shift = Shift.objects.get(staff=route.driver, day=plan.day)
        if shift.vehicle_id != van.pk:
            problems.append(f"{van.plate}: driven by someone not on shift with it")
        if route.start_min + EPS < max(shift.start_min, route.shift_start_min):
            problems.append(f"{van.plate}: leaves before the shift starts")
        kg = sum(stop.delivery_kg for stop in stops)
        crates = sum(stop.delivery_crates for stop in stops)
        if kg > van.capacity_kg + EPS or crates > van.capacity_crates:
            problems.append(f"{van.plate}: overloaded leaving the depot ({kg} kg, {crates})")
        clock = route.start_min
        where = index["depot"]
        metres = 0
        for stop in stops:
            seen.append(stop.key)
            here = index[stop.key]
            arrive = clock + duration[where][here]
            metres += distance[where][here]
            if abs(arrive - stop.arrive_min) > 1e-3 and stop.arrive_min + 1e-3 < arrive:
                problems.append(f"{stop.key}: stored arrival before it can get there")
            arrive = max(arrive, stop.arrive_min)
            start = max(arrive, stop.window_start_min)
            if start > stop.window_end_min + EPS:
                problems.append(
                    f"{stop.key}: starts {start:.1f} after window {stop.window_end_min}"
                )
            clock = start + stop.service_min
            if stop.depart_min + 1e-3 < clock:
                problems.append(f"{stop.key}: leaves before its service is done")
            clock = max(clock, stop.depart_min)
            kg = kg - stop.delivery_kg + stop.pickup_kg
            crates = crates - stop.delivery_crates + stop.pickup_crates
            if kg > van.capacity_kg + EPS or crates > van.capacity_crates:
                problems.append(f"{van.plate}: overloaded after {stop.key} ({kg} kg, {crates})")
            where = here
        back = clock + duration[where][index["depot"]]
        metres += distance[where][index["depot"]]
        if back > min(shift.end_min, route.shift_end_min) + EPS:
            problems.append(f"{van.plate}: back at {back:.1f}, after the shift ends")
        if metres != route.distance_m:
            problems.append(f"{van.plate}: stored distance {route.distance_m} != {metres}")
    if len(seen) != len(set(seen)):
        problems.append("a stop is visited twice")
    missing = set(keys[1:]) - set(seen) - set(plan.unassigned)
    if missing:
        problems.append(f"stops neither planned nor reported unassigned: {sorted(missing)}")
    return problems


def test_demo_day_plan_respects_every_capacity_window_and_shift(
    demo: LogisticsDemoResult, day: datetime.date
) -> None:
    plan = RoutePlan.objects.get(day=day, status="active")
    assert plan.routes.count() >= 2
    assert plan.routes.filter(driver__user__phone="13800000007").exists()
    assert plan.unassigned == []
    assert plan.violations == []
    assert independent_violations(plan) == []


def test_demo_day_has_what_the_issue_asks_for(demo: LogisticsDemoResult) -> None:
    assert demo.vehicles == 4
    assert demo.orders >= 10
    assert demo.parcels_at_stations >= 3
    assert demo.farm_pickups == 3
    assert FarmPickup.objects.filter(status="planned").count() == 3
    assert Parcel.objects.filter(status="at_station").count() == demo.parcels_at_stations
    assert all(len(item.code) == 6 and item.code.isdigit() for item in demo.codes)


def test_the_checker_catches_an_overloaded_route(
    demo: LogisticsDemoResult, day: datetime.date
) -> None:
    plan = RoutePlan.objects.get(day=day, status="active")
    route = plan.routes.first()
    assert route is not None
    route.vehicle.capacity_kg = 1
    route.vehicle.save()
    assert any("overloaded" in problem for problem in independent_violations(plan))


def test_the_checker_catches_a_missed_window(demo: LogisticsDemoResult, day: datetime.date) -> None:
    plan = RoutePlan.objects.get(day=day, status="active")
    route = plan.routes.first()
    assert route is not None
    stop = route.stops.order_by("sequence").last()
    stop.window_end_min = 1
    stop.window_start_min = 0
    stop.save()
    assert any("after window" in problem for problem in independent_violations(plan))


def test_loading_the_demo_again_changes_nothing(
    demo: LogisticsDemoResult, day: datetime.date
) -> None:
    from xiangcun.logistics.services import logistics_demo_load

    plans = RoutePlan.objects.count()
    parcels = Parcel.objects.count()
    again = logistics_demo_load(day=day)
    assert RoutePlan.objects.count() == plans
    assert Parcel.objects.count() == parcels
    assert again.orders == demo.orders
    assert {c.code for c in again.codes} == {c.code for c in demo.codes}
