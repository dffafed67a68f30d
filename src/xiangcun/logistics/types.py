"""Plain values the logistics app hands to pages, the API and other apps."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from xiangcun.accounts.types import Role

if TYPE_CHECKING:
    from xiangcun.logistics.models import FarmPickup, Parcel

# Who does what: the roles each kind of work needs (administrators may do everything).
WAREHOUSE_ROLES = frozenset({Role.WAREHOUSE, Role.ADMIN})
PACKING_ROLES = frozenset({Role.PACKER, Role.WAREHOUSE, Role.ADMIN})
ROAD_ROLES = frozenset({Role.DRIVER, Role.COURIER, Role.WAREHOUSE, Role.ADMIN})
HANDOVER_ROLES = frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
PICKUP_REQUEST_ROLES = frozenset({Role.SELLER, Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
LOGISTICS_ROLES = WAREHOUSE_ROLES | PACKING_ROLES | ROAD_ROLES | HANDOVER_ROLES

# A parcel nobody has collected for this long may go back to the warehouse: station shelves
# are small and much of what we sell is food that will not keep.
UNCOLLECTED_AFTER = datetime.timedelta(days=7)


@dataclass(frozen=True)
class TimelineStep:
    status: str
    label: str
    place: str
    note: str
    at: datetime.datetime
    # A carrier's step: its code (models.carriers.TrackingCode) and the carrier's own words.
    code: str = ""
    carrier_text: str = ""


@dataclass(frozen=True)
class WaitingParcel:
    """A parcel at a station counter as the station sees it (`selectors.parcels_at_station`,
    `selectors.parcel_waiting_get`): since when it has waited there, and whether it may go back
    to the warehouse now."""

    id: int
    number: str
    recipient: str
    station_id: int | None
    station_name: str
    at_station: bool  # still waiting there (not collected, not on its way back)
    arrived_at: datetime.datetime  # its last "at station" step
    days_waiting: int
    overdue: bool  # nobody collected it for UNCOLLECTED_AFTER

    @property
    def may_go_back(self) -> bool:
        """Whether the station may send it back now: still waiting and overdue, the rule
        `services.parcel_return_start` holds a parcel nobody collected to."""
        return self.at_station and self.overdue


class OpenStop(TypedDict):
    """One stop the day's vans should make, as the route planner reads it: a station (parcels
    to drop, returns to collect), a home, or a farm pickup. `key` names the stop across plans
    ("station:<id>", "home:<parcel id>", "pickup:<id>"); weights in whole kg, times in minutes
    after midnight. A home parcel without both coordinates is not a stop."""

    key: str
    kind: str
    label: str
    address: str
    phone: str
    station_id: int | None
    pickup_id: int | None
    lat: Decimal
    lng: Decimal
    window: tuple[int, int]
    service: int
    delivery_kg: int
    pickup_kg: int
    delivery_crates: int
    pickup_crates: int
    cold_chain: bool
    parcels: list["Parcel"]
    returns: list["Parcel"]
    pickup: "FarmPickup | None"


@dataclass(frozen=True)
class HandoverResult:
    parcel_id: int
    parcel_number: str
    order_number: str
    recipient: str


@dataclass(frozen=True)
class DemoPickupCode:
    order_number: str
    station: str
    code: str


@dataclass(frozen=True)
class LogisticsDemoResult:
    day: datetime.date
    vehicles: int
    staff: int
    orders: int
    parcels_at_stations: int
    farm_pickups: int
    routes: int
    unassigned: int
    violations: list[str] = field(default_factory=list)
    codes: list[DemoPickupCode] = field(default_factory=list)


def hhmm(minutes: float) -> str:
    """Minutes after midnight (how routes and shifts count time) as a time of day, "08:30"."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"
