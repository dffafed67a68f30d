"""An independent check of a plan: no solver code, just the rules, recomputed from the matrix.

Used by the tests on every plan the solver returns and by the services before a plan is stored.
Rules: each stop is visited once or reported unassigned; a van leaves loaded with all its
deliveries and, stop by stop, drops deliveries and takes pickups, never over capacity in kg or
crates; a stop that needs the cold chain is served by a cold-chain van; service starts inside
the stop's window (waiting for it to open is allowed); the van leaves no earlier than its shift
start and is back by its shift end.
"""

from __future__ import annotations

from collections.abc import Sequence

from xiangcun.logistics.routing.types import Key, Matrix, Plan, RoutePlan, Stop, VehicleSpec

TOLERANCE = 1e-6  # minutes and kilograms: float noise, not a violation
CLAIM_TOLERANCE_MIN = 0.01  # a plan's stated times may be rounded for display


def plan_check(
    plan: Plan, stops: Sequence[Stop], vehicles: Sequence[VehicleSpec], matrix: Matrix
) -> list[str]:
    """Violations found in `plan` (empty when feasible). `matrix` indexes the depot as 0 and
    `stops[i]` as i + 1, as given to the planner."""
    problems: list[str] = []
    node = {stop.id: i + 1 for i, stop in enumerate(stops)}
    by_id = {stop.id: stop for stop in stops}
    fleet = {vehicle.id: vehicle for vehicle in vehicles}

    seen: dict[object, int] = {}
    for stop_id in plan.unassigned:
        if stop_id not in by_id:
            problems.append(f"unassigned stop {stop_id} is not a stop of this plan")
        seen[stop_id] = seen.get(stop_id, 0) + 1

    used_vehicles: set[object] = set()
    for route in plan.routes:
        vehicle = fleet.get(route.vehicle_id)
        label = f"vehicle {route.vehicle_id}"
        if vehicle is None:
            problems.append(f"{label} is not in the fleet")
            continue
        if route.vehicle_id in used_vehicles:
            problems.append(f"{label} has more than one route")
        used_vehicles.add(route.vehicle_id)

        route_stops = []
        for planned in route.stops:
            seen[planned.stop_id] = seen.get(planned.stop_id, 0) + 1
            if planned.stop_id not in by_id:
                problems.append(f"{label} visits unknown stop {planned.stop_id}")
            else:
                route_stops.append(by_id[planned.stop_id])
        if len(route_stops) != len(route.stops):
            continue
        problems.extend(_cold_chain_problems(label, vehicle, route_stops))
        problems.extend(_drive_problems(label, route, vehicle, route_stops, node, matrix))

    for stop in stops:
        count = seen.get(stop.id, 0)
        if count == 0:
            problems.append(f"stop {stop.id} is neither visited nor reported unassigned")
        elif count > 1:
            problems.append(f"stop {stop.id} appears {count} times")
    return problems


def _cold_chain_problems(label: str, vehicle: VehicleSpec, route_stops: list[Stop]) -> list[str]:
    """Stops that need the cold chain on a van without one."""
    if vehicle.cold_chain:
        return []
    return [
        f"{label} has no cold chain but serves stop {stop.id}, which needs it"
        for stop in route_stops
        if stop.cold_chain
    ]


def _drive_problems(
    label: str,
    route: RoutePlan,
    vehicle: VehicleSpec,
    route_stops: list[Stop],
    node: dict[Key, int],
    matrix: Matrix,
) -> list[str]:
    """Loads and times along one van's route, whose stops are all stops of the plan: leave
    loaded, drive, wait for the window, serve, drop and take, and be back by the shift's end."""
    problems: list[str] = []
    distance, duration = matrix

    # Loads: everything to deliver is on board when the van leaves.
    kg = sum(s.delivery_kg for s in route_stops)
    crates = sum(s.delivery_crates for s in route_stops)
    if kg > vehicle.capacity_kg + TOLERANCE or crates > vehicle.capacity_crates:
        problems.append(
            f"{label} leaves the depot with {kg:g} kg / {crates} crates, over its "
            f"capacity {vehicle.capacity_kg:g} kg / {vehicle.capacity_crates} crates"
        )

    # Times: drive, wait for the window, serve.
    if route.start_min < vehicle.shift_start_min - TOLERANCE:
        problems.append(
            f"{label} leaves at {route.start_min:.1f}, before its shift starts at "
            f"{vehicle.shift_start_min}"
        )
    time = max(route.start_min, vehicle.shift_start_min)
    prev, metres = 0, 0
    for stop, planned in zip(route_stops, route.stops, strict=True):
        here = node[stop.id]
        time += duration[prev][here]
        metres += distance[prev][here]
        if abs(planned.arrive_min - time) > CLAIM_TOLERANCE_MIN:
            problems.append(
                f"{label} is said to reach stop {stop.id} at {planned.arrive_min:.2f}, "
                f"but the matrix gives {time:.2f}"
            )
        begin = max(time, stop.window_start_min)
        if begin > stop.window_end_min + TOLERANCE:
            problems.append(
                f"{label} reaches stop {stop.id} at {time:.1f}, after its window closes "
                f"at {stop.window_end_min}"
            )
        time = begin + stop.service_min
        kg += stop.pickup_kg - stop.delivery_kg
        crates += stop.pickup_crates - stop.delivery_crates
        if kg > vehicle.capacity_kg + TOLERANCE or crates > vehicle.capacity_crates:
            problems.append(
                f"{label} leaves stop {stop.id} with {kg:g} kg / {crates} crates, over its "
                f"capacity {vehicle.capacity_kg:g} kg / {vehicle.capacity_crates} crates"
            )
        prev = here
    if route_stops:
        time += duration[prev][0]
        metres += distance[prev][0]
    if time > vehicle.shift_end_min + TOLERANCE:
        problems.append(
            f"{label} is back at {time:.1f}, after its shift ends at {vehicle.shift_end_min}"
        )
    if metres != route.distance_m:
        problems.append(f"{label} is said to drive {route.distance_m} m, the matrix gives {metres}")
    return problems
