"""What a day's route plan is made from: the open work (station drops and returns, homes,
farm pickups), the vans with a driver on shift, and the facts a recorded plan must still match."""

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from xiangcun.logistics.errors import (
    PlanInputsChangedError,
    RoutePlanConflictError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Parcel,
    Route,
    RoutePlan,
    RouteStop,
    Shift,
    Vehicle,
)
from xiangcun.logistics.services._common import DISPATCHABLE, Status
from xiangcun.logistics.types import OpenStop
from xiangcun.regions.selectors import stations_list
from xiangcun.regions.types import StationSummary

STATION_SERVICE_MIN = 10
HOME_SERVICE_MIN = 5
FARM_SERVICE_MIN = 15
HOME_WINDOW = (9 * 60, 19 * 60)
STATION_WINDOW_DEFAULT = (9 * 60, 17 * 60 + 30)
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-\u2013~至]\s*(\d{1,2}):(\d{2})")


def _window_of(station: StationSummary) -> tuple[int, int]:
    match = _HOURS.search(station.opening_hours or "")
    if not match:
        return STATION_WINDOW_DEFAULT
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return (start, end) if start < end <= 24 * 60 else STATION_WINDOW_DEFAULT


def _kg(grams: int) -> int:
    return max(1, math.ceil(grams / 1000)) if grams else 0


def _open_work(day: date, *, lock: bool = False) -> list[OpenStop]:
    """Every stop the day's vans should make: stations with parcels to drop or returns to
    collect, homes in the county, and farm pickups. Stops already done stay done. With `lock`
    (inside a transaction) the parcels and pickups read are locked, in primary-key order."""
    stations = {station.id: station for station in stations_list()}
    drops: dict[int, list[Parcel]] = defaultdict(list)
    homes: list[tuple[Parcel, Decimal, Decimal]] = []
    parcels = Parcel.objects.filter(
        status__in=(*DISPATCHABLE, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
    )
    returning = Parcel.objects.filter(status=Status.RETURNING, station__isnull=False)
    pickups = FarmPickup.objects.filter(
        day=day, status__in=(FarmPickup.Status.REQUESTED, FarmPickup.Status.PLANNED)
    ).select_related("seller")
    if lock:
        parcels = parcels.select_for_update()
        returning = returning.select_for_update()
        # Only the pickup rows: the joined shop is read, not locked.
        pickups = pickups.select_for_update(of=("self",))
    for parcel in parcels.exclude(destination=Parcel.Destination.CARRIER).order_by("pk"):
        if parcel.destination == Parcel.Destination.STATION and parcel.station_id in stations:
            drops[int(parcel.station_id)].append(parcel)
        elif (
            parcel.destination == Parcel.Destination.HOME
            and parcel.latitude is not None
            and parcel.longitude is not None
        ):
            homes.append((parcel, parcel.latitude, parcel.longitude))
    returns: dict[int, list[Parcel]] = defaultdict(list)
    for parcel in returning.order_by("pk"):
        if parcel.station_id is not None:  # always: filtered on station__isnull=False
            returns[parcel.station_id].append(parcel)
    work: list[OpenStop] = []
    for station_id in sorted(set(drops) | set(returns)):
        station = stations.get(station_id)
        if station is None or station.latitude is None or station.longitude is None:
            continue
        if station.kind == "warehouse":
            continue
        window = _window_of(station)
        down, up = drops.get(station_id, []), returns.get(station_id, [])
        work.append(
            OpenStop(
                key=f"station:{station_id}",
                kind=RouteStop.Kind.STATION,
                label=station.name,
                address=station.address,
                phone=station.phone,
                station_id=station_id,
                pickup_id=None,
                lat=station.latitude,
                lng=station.longitude,
                window=window,
                service=STATION_SERVICE_MIN + len(down) + len(up),
                delivery_kg=_kg(sum(p.weight_g for p in down)),
                pickup_kg=_kg(sum(p.weight_g for p in up)),
                delivery_crates=sum(p.crates for p in down),
                pickup_crates=sum(p.crates for p in up),
                cold_chain=any(p.needs_cold_chain for p in (*down, *up)),
                parcels=down,
                returns=up,
                pickup=None,
            )
        )
    for parcel, latitude, longitude in homes:
        work.append(
            OpenStop(
                key=f"home:{parcel.pk}",
                kind=RouteStop.Kind.HOME,
                label=parcel.recipient,
                address=parcel.address_text,
                phone=parcel.phone,
                station_id=None,
                pickup_id=None,
                lat=latitude,
                lng=longitude,
                window=HOME_WINDOW,
                service=HOME_SERVICE_MIN,
                delivery_kg=_kg(parcel.weight_g),
                pickup_kg=0,
                delivery_crates=parcel.crates,
                pickup_crates=0,
                cold_chain=parcel.needs_cold_chain,
                parcels=[parcel],
                returns=[],
                pickup=None,
            )
        )
    for pickup in pickups.order_by("pk"):
        work.append(
            OpenStop(
                key=f"pickup:{pickup.pk}",
                kind=RouteStop.Kind.FARM,
                label=pickup.seller.name,
                address=pickup.place,
                phone=pickup.contact_phone,
                station_id=None,
                pickup_id=pickup.pk,
                lat=pickup.latitude,
                lng=pickup.longitude,
                window=(pickup.window_start_min, pickup.window_end_min),
                service=FARM_SERVICE_MIN,
                delivery_kg=0,
                pickup_kg=pickup.expected_kg,
                delivery_crates=0,
                pickup_crates=pickup.crates,
                cold_chain=pickup.needs_cold_chain,
                parcels=[],
                returns=[],
                pickup=pickup,
            )
        )
    return work


def _fleet(day: date, *, not_before: int) -> list[tuple[Vehicle, Shift]]:
    """Vans in service with a driver on shift that day (one van per shift)."""
    shifts = (
        Shift.objects.filter(
            day=day,
            vehicle__isnull=False,
            vehicle__status=Vehicle.Status.ACTIVE,
            staff__is_active=True,
        )
        .select_related("vehicle", "staff")
        .order_by("vehicle_id", "pk")
    )
    fleet: list[tuple[Vehicle, Shift]] = []
    seen: set[int] = set()
    for shift in shifts:
        assert shift.vehicle is not None  # noqa: S101 - filtered above
        if shift.vehicle.pk in seen or shift.end_min <= not_before + 30:
            continue
        seen.add(shift.vehicle.pk)
        fleet.append((shift.vehicle, shift))
    return fleet


@dataclass
class _PlanInputs:
    """What a day's plan is made from, read in one transaction: the day's active plan, the
    routes already on the road (carried into the new plan as they are), the open work, the
    vans, and `facts`, everything the plan rests on, to compare when it is recorded."""

    previous: RoutePlan | None
    carried: list[Route]
    carried_stops: list[RouteStop]
    work: list[OpenStop]
    fleet: list[tuple[Vehicle, Shift]]
    facts: dict[str, Any]


def _plan_inputs(day: date, *, not_before_min: int, lock: bool) -> _PlanInputs:
    """The day's planning inputs. With `lock` (to record a plan) the active plan, its routes,
    and the parcels and pickups of the work are locked first, in that order, so drivers, the
    station and a second planner wait for the few milliseconds the recording takes."""
    previous_rows = RoutePlan.objects.filter(day=day, status=RoutePlan.Status.ACTIVE)
    if lock:
        previous_rows = previous_rows.select_for_update()
    previous = previous_rows.first()
    done_keys: set[str] = set()
    # Vans already on the road keep their route (their parcels are on board): it moves to the
    # new plan as it is, and the planner works with the other vans.
    carried: list[Route] = []
    if previous is not None:
        routes = Route.objects.filter(plan=previous).order_by("pk")
        if lock:
            routes = routes.select_for_update()
        carried = [route for route in routes if route.status == Route.Status.STARTED]
        done_keys = set(
            RouteStop.objects.filter(
                route__plan=previous, status__in=(RouteStop.Status.DONE, RouteStop.Status.ARRIVED)
            ).values_list("key", flat=True)
        )
    carried_stops = list(
        RouteStop.objects.filter(route__in=carried).order_by("route_id", "sequence")
    )
    done_keys |= {stop.key for stop in carried_stops}
    work = [item for item in _open_work(day, lock=lock) if item["key"] not in done_keys]
    busy = {route.vehicle_id for route in carried}
    fleet = [pair for pair in _fleet(day, not_before=not_before_min) if pair[0].pk not in busy]
    facts: dict[str, Any] = {
        "previous": previous.pk if previous is not None else None,
        "carried": tuple(route.pk for route in carried),
        "done": tuple(sorted(done_keys)),
    }
    for item in work:
        for parcel in item["parcels"]:
            facts[f"parcel:{parcel.pk}"] = (
                "drop",
                parcel.destination,
                parcel.station_id,
                parcel.latitude,
                parcel.longitude,
                parcel.weight_g,
                parcel.crates,
                parcel.needs_cold_chain,
            )
        for parcel in item["returns"]:
            facts[f"parcel:{parcel.pk}"] = (
                "return",
                parcel.station_id,
                parcel.weight_g,
                parcel.crates,
                parcel.needs_cold_chain,
            )
        pickup = item["pickup"]
        if pickup is not None:
            facts[f"pickup:{pickup.pk}"] = (
                pickup.latitude,
                pickup.longitude,
                pickup.window_start_min,
                pickup.window_end_min,
                pickup.expected_kg,
                pickup.crates,
                pickup.needs_cold_chain,
            )
    for vehicle, shift in fleet:
        facts[f"vehicle:{vehicle.pk}"] = (
            vehicle.capacity_kg,
            vehicle.capacity_crates,
            vehicle.cost_per_km,
            vehicle.cold_chain,
            shift.pk,
            shift.staff_id,
            shift.start_min,
            shift.end_min,
        )
    return _PlanInputs(
        previous=previous,
        carried=carried,
        carried_stops=carried_stops,
        work=work,
        fleet=fleet,
        facts=facts,
    )


def _plan_still_holds(planned: Mapping[str, Any], now: Mapping[str, Any]) -> None:
    """The plan was solved from `planned`; `now` is the state under lock. Another plan
    recorded meanwhile (or one recorded where there was none) is a concurrent planning run:
    RoutePlanConflictError. A parcel, pickup, van or route the plan rests on that changed or
    went away: PlanInputsChangedError. Work that appeared meanwhile waits for the next plan,
    like anything packed a minute after planning."""
    if now["previous"] != planned["previous"]:
        raise RoutePlanConflictError
    for key, value in planned.items():
        if now.get(key) != value:
            raise PlanInputsChangedError
