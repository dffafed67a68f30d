"""The planner's vocabulary: plain dataclasses shared by the solver, the checker and the services.

Times are minutes from midnight of the planning day, loads are kilograms and crates, distances
metres. Travel matrices index the depot as 0 and the stops as 1..n in the order given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

# Stops and vehicles are named by whatever the caller stores (a primary key or "farm:12").
Key = int | str

DAY_MIN = 24 * 60


@dataclass(frozen=True)
class Depot:
    id: Key
    lat: float
    lng: float
    name: str = ""
    altitude_m: float | None = None
    road_class: str = ""  # "" = the matrix provider's default


@dataclass(frozen=True)
class Stop:
    """A place to visit once: what is dropped there, what is collected, and when it is open.

    Delivery and pickup happen on the same visit (a station takes parcels and hands back
    returns; a farm may receive crates and give produce). The window bounds the START of service.
    """

    id: Key
    lat: float
    lng: float
    delivery_kg: float = 0.0
    pickup_kg: float = 0.0
    delivery_crates: int = 0
    pickup_crates: int = 0
    window_start_min: int = 0
    window_end_min: int = DAY_MIN
    service_min: int = 0
    name: str = ""
    altitude_m: float | None = None
    road_class: str = ""
    cold_chain: bool = False  # only a cold-chain van may serve it (chilled goods either way)


@dataclass(frozen=True)
class VehicleSpec:
    """One van for the day: it leaves `depot` no earlier than the shift start and is back by
    its end, never carrying more than its capacities."""

    id: Key
    capacity_kg: float
    capacity_crates: int
    shift_start_min: int
    shift_end_min: int
    cost_per_km: Decimal = Decimal("1")
    depot: Depot | None = None  # None = the plan's depot
    fixed_cost: Decimal = Decimal("0")  # paid once if the van goes out at all
    cold_chain: bool = False  # refrigerated: may serve stops that need the cold chain


class Matrix(NamedTuple):
    """Travel between points: `distance_m[i][j]` metres and `duration_min[i][j]` minutes."""

    distance_m: list[list[int]]
    duration_min: list[list[float]]


@dataclass(frozen=True)
class PlannedStop:
    stop_id: Key
    arrive_min: float
    depart_min: float  # arrival, any wait for the window, then service
    load_after_kg: float  # on board when leaving the stop
    load_after_crates: int = 0


@dataclass(frozen=True)
class RoutePlan:
    vehicle_id: Key
    stops: list[PlannedStop]
    distance_m: int
    duration_min: float  # leaving the depot to coming back, waits included
    start_min: float = 0.0  # leaves the depot
    end_min: float = 0.0  # back at the depot
    load_start_kg: float = 0.0  # loaded at the depot: every delivery of the route
    load_start_crates: int = 0


@dataclass(frozen=True)
class Plan:
    routes: list[RoutePlan]
    unassigned: list[Key] = field(default_factory=list)
    cost: Decimal = Decimal("0")  # CNY: distance x cost per km + fixed costs, to the fen

    @property
    def distance_m(self) -> int:
        return sum(route.distance_m for route in self.routes)
