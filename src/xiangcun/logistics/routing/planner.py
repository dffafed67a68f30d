"""The planner interface and its PyVRP implementation.

PyVRP works in integers, so the model is built conservatively: travel and service times are
rounded UP to whole seconds and loads UP to whole grams, capacities DOWN. A route PyVRP finds
feasible is therefore feasible in the caller's exact numbers, which is what `plan_check` tests.

Stops that need the cold chain are kept off ambient vans with a third load dimension, present
only when some stop needs it: such a stop delivers and picks up one "cold" unit, a cold-chain
van has room for every cold stop of the day and an ambient van for none.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Protocol

import pyvrp
from pyvrp.constants import MAX_VALUE
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime

from xiangcun.logistics.routing.errors import RoutingInputError
from xiangcun.logistics.routing.types import (
    Depot,
    Matrix,
    Plan,
    PlannedStop,
    RoutePlan,
    Stop,
    VehicleSpec,
)

FEN = Decimal("0.01")
# Below this a float error, not a real violation (minutes, kilograms).
EPSILON = 1e-6


class Planner(Protocol):
    def plan(
        self,
        depot: Depot,
        stops: Sequence[Stop],
        vehicles: Sequence[VehicleSpec],
        matrix: Matrix,
        seconds: float,
    ) -> Plan:
        """Routes from `depot` visiting `stops` with `vehicles`; `matrix` indexes the depot as 0
        and `stops[i]` as i + 1. Stops that cannot be served are listed in `Plan.unassigned`."""
        ...


def _up(value: float) -> int:
    return math.ceil(value - EPSILON)


def _down(value: float) -> int:
    return math.floor(value + EPSILON)


@dataclass(frozen=True)
class _Fleet:
    """Vehicles sharing one PyVRP vehicle type (identical capacities, shift and costs)."""

    vehicles: list[VehicleSpec]
    weight: int  # objective units per metre: fen per km / the fleet-wide gcd
    fixed: int  # fixed cost in objective units


class PyVrpPlanner:
    """Solves with PyVRP's iterated local search for `seconds`, reproducibly (fixed seed).

    With `allow_unassigned` (the default) every stop carries a prize far above any detour, so
    the solver leaves out only stops it cannot fit (capacity, window, shift); without it every
    stop is required, as in the benchmarks, and a route the solver could not make feasible is
    trimmed stop by stop until it is. Either way the plan returned is feasible.
    """

    def __init__(self, *, seed: int = 1, allow_unassigned: bool = True, kg_scale: int = 1000):
        self.seed = seed
        self.allow_unassigned = allow_unassigned
        self.kg_scale = kg_scale  # loads go to PyVRP in grams

    def plan(
        self,
        depot: Depot,
        stops: Sequence[Stop],
        vehicles: Sequence[VehicleSpec],
        matrix: Matrix,
        seconds: float,
    ) -> Plan:
        _validate(depot, stops, vehicles, matrix)
        if not stops:
            return Plan(routes=[], unassigned=[], cost=Decimal("0.00"))
        if not vehicles:
            return Plan(routes=[], unassigned=[s.id for s in stops], cost=Decimal("0.00"))

        fleets = self._fleets(vehicles)
        model = self._model(depot, stops, fleets, matrix)
        data = model.data()
        with warnings.catch_warnings():
            # An infeasible day is expected input here: what cannot be served is reported.
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            result = model.solve(
                MaxRuntime(seconds), seed=self.seed, collect_stats=False, display=False
            )
        routes: list[tuple[int, list[int]]] = []
        for route in result.best.routes():
            visits = [a.idx for a in route.schedule() if a.is_client()]
            if not route.is_feasible():
                visits = _trim(data, visits, route.vehicle_type())
            if visits:
                routes.append((route.vehicle_type(), visits))
        return self._plan(data, stops, fleets, matrix, routes)

    def _fleets(self, vehicles: Sequence[VehicleSpec]) -> list[_Fleet]:
        fen_per_km = [max(0, int(v.cost_per_km * 100)) for v in vehicles]
        divisor = reduce(math.gcd, fen_per_km) or 1
        groups: dict[tuple[object, ...], list[VehicleSpec]] = {}
        weights: dict[tuple[object, ...], int] = {}
        for vehicle, fen in zip(vehicles, fen_per_km, strict=True):
            weight = fen // divisor if any(fen_per_km) else 1
            key = (
                vehicle.cold_chain,
                _down(vehicle.capacity_kg * self.kg_scale),
                vehicle.capacity_crates,
                vehicle.shift_start_min,
                vehicle.shift_end_min,
                weight,
                vehicle.fixed_cost,
            )
            groups.setdefault(key, []).append(vehicle)
            weights[key] = weight
        # One objective unit is divisor / 1000 fen (a metre at the cheapest fen-per-km step).
        return [
            _Fleet(group, weights[key], _up(float(group[0].fixed_cost) * 100 * 1000 / divisor))
            for key, group in groups.items()
        ]

    def _model(
        self, depot: Depot, stops: Sequence[Stop], fleets: list[_Fleet], matrix: Matrix
    ) -> pyvrp.Model:
        model = pyvrp.Model()
        starts = [f.vehicles[0].shift_start_min for f in fleets]
        ends = [f.vehicles[0].shift_end_min for f in fleets]
        locations = [model.add_location(depot.lng, depot.lat, name=str(depot.id))]
        pyvrp_depot = model.add_depot(
            locations[0], tw_early=min(starts) * 60, tw_late=max(ends) * 60
        )
        max_weight = max(f.weight for f in fleets)
        max_fixed = max(f.fixed for f in fleets)
        max_distance = max(max(row) for row in matrix.distance_m)
        # Far above the cost of any detour or of sending one more van: dropped only if unfit.
        prize = min(
            MAX_VALUE // (len(stops) + 1),
            10 * (2 * max_distance * max_weight + max_fixed) + 1,
        )
        cold_stops = sum(stop.cold_chain for stop in stops)
        cold = [[int(stop.cold_chain)] if cold_stops else [] for stop in stops]
        for stop, cold_unit in zip(stops, cold, strict=True):
            location = model.add_location(stop.lng, stop.lat, name=str(stop.id))
            locations.append(location)
            model.add_client(
                location,
                delivery=[_up(stop.delivery_kg * self.kg_scale), stop.delivery_crates, *cold_unit],
                pickup=[_up(stop.pickup_kg * self.kg_scale), stop.pickup_crates, *cold_unit],
                service_duration=stop.service_min * 60,
                tw_early=stop.window_start_min * 60,
                tw_late=stop.window_end_min * 60,
                prize=prize if self.allow_unassigned else 0,
                required=not self.allow_unassigned,
                name=str(stop.id),
            )
        for fleet in fleets:
            spec = fleet.vehicles[0]
            model.add_vehicle_type(
                num_available=len(fleet.vehicles),
                capacity=[
                    _down(spec.capacity_kg * self.kg_scale),
                    spec.capacity_crates,
                    *([cold_stops if spec.cold_chain else 0] if cold_stops else []),
                ],
                start_depot=pyvrp_depot,
                end_depot=pyvrp_depot,
                fixed_cost=fleet.fixed,
                tw_early=spec.shift_start_min * 60,
                tw_late=spec.shift_end_min * 60,
                unit_distance_cost=fleet.weight,
                name=str(spec.id),
            )
        for i, frm in enumerate(locations):
            for j, to in enumerate(locations):
                if i != j:
                    model.add_edge(
                        frm,
                        to,
                        distance=int(matrix.distance_m[i][j]),
                        duration=_up(matrix.duration_min[i][j] * 60),
                    )
        return model

    def _plan(
        self,
        data: pyvrp.ProblemData,
        stops: Sequence[Stop],
        fleets: list[_Fleet],
        matrix: Matrix,
        routes: list[tuple[int, list[int]]],
    ) -> Plan:
        free = [list(f.vehicles) for f in fleets]
        planned: list[RoutePlan] = []
        visited: set[int] = set()
        cost = Decimal(0)
        for vehicle_type, visits in routes:
            vehicle = free[vehicle_type].pop(0)
            # Leave when PyVRP would (it avoids needless waiting); our exact times are never
            # later than its rounded-up ones, so the windows still hold.
            start_min = pyvrp.Route(data, visits, vehicle_type).start_time() / 60
            nodes = [k + 1 for k in visits]
            planned.append(
                route_schedule(vehicle, [stops[k] for k in visits], nodes, matrix, start_min)
            )
            visited.update(visits)
            metres = Decimal(planned[-1].distance_m)
            cost += metres / 1000 * vehicle.cost_per_km + vehicle.fixed_cost
        unassigned = [s.id for k, s in enumerate(stops) if k not in visited]
        return Plan(
            routes=planned,
            unassigned=unassigned,
            cost=cost.quantize(FEN, rounding=ROUND_HALF_UP),
        )


def route_schedule(
    vehicle: VehicleSpec, stops: list[Stop], nodes: list[int], matrix: Matrix, start_min: float
) -> RoutePlan:
    """Times and loads along the route `stops` (matrix indices `nodes`) leaving the depot at
    `start_min`: drive, wait for the window to open, serve; the van leaves loaded with every
    delivery of the route."""
    distance_m, duration = matrix
    load_kg = sum(s.delivery_kg for s in stops)
    load_crates = sum(s.delivery_crates for s in stops)
    start_min = max(start_min, vehicle.shift_start_min)
    time, prev, metres = start_min, 0, 0
    planned = []
    for stop, node in zip(stops, nodes, strict=True):
        time += duration[prev][node]
        metres += distance_m[prev][node]
        arrive = time
        time = max(time, stop.window_start_min) + stop.service_min
        load_kg += stop.pickup_kg - stop.delivery_kg
        load_crates += stop.pickup_crates - stop.delivery_crates
        planned.append(PlannedStop(stop.id, arrive, time, load_kg, load_crates))
        prev = node
    time += duration[prev][0]
    metres += distance_m[prev][0]
    return RoutePlan(
        vehicle_id=vehicle.id,
        stops=planned,
        distance_m=metres,
        duration_min=time - start_min,
        start_min=start_min,
        end_min=time,
        load_start_kg=sum(s.delivery_kg for s in stops),
        load_start_crates=sum(s.delivery_crates for s in stops),
    )


def _trim(data: pyvrp.ProblemData, visits: list[int], vehicle_type: int) -> list[int]:
    """Drop stops from an infeasible route, each time the one whose removal helps most."""
    visits = list(visits)
    while visits:
        route = pyvrp.Route(data, visits, vehicle_type)
        if route.is_feasible():
            break

        def badness(i: int) -> tuple[int, int, int]:
            r = pyvrp.Route(data, visits[:i] + visits[i + 1 :], vehicle_type)
            return (sum(r.excess_load()), r.time_warp(), r.distance())

        worst = min(range(len(visits)), key=badness)
        visits.pop(worst)
    return visits


def _validate(
    depot: Depot, stops: Sequence[Stop], vehicles: Sequence[VehicleSpec], matrix: Matrix
) -> None:
    n = len(stops) + 1
    if len(matrix.distance_m) != n or len(matrix.duration_min) != n:
        raise RoutingInputError(field="matrix")
    rows: list[Sequence[float]] = [*matrix.distance_m, *matrix.duration_min]
    if any(len(row) != n for row in rows):
        raise RoutingInputError(field="matrix")
    if len({s.id for s in stops}) != len(stops):
        raise RoutingInputError(field="stops")
    if len({v.id for v in vehicles}) != len(vehicles):
        raise RoutingInputError(field="vehicles")
    for stop in stops:
        if min(stop.delivery_kg, stop.pickup_kg, stop.delivery_crates, stop.pickup_crates) < 0:
            raise RoutingInputError(field="stops")
        if stop.window_end_min < stop.window_start_min or stop.service_min < 0:
            raise RoutingInputError(field="stops")
    for vehicle in vehicles:
        if vehicle.depot is not None and vehicle.depot.id != depot.id:
            raise RoutingInputError(field="vehicles")
        if vehicle.shift_end_min < vehicle.shift_start_min or vehicle.capacity_kg < 0:
            raise RoutingInputError(field="vehicles")
