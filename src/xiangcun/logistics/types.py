"""Plain values the logistics app hands to pages, the API and other apps."""

import datetime
from dataclasses import dataclass, field

from xiangcun.accounts.types import Role

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
