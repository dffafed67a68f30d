"""Plain values the regions app hands to other apps: no models cross the boundary."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CountySummary:
    id: int
    code: str
    name: str
    name_en: str
    province: str
    city: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinates_approximate: bool


@dataclass(frozen=True)
class TownshipSummary:
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinates_approximate: bool
    village_count: int


@dataclass(frozen=True)
class VillageSummary:
    id: int
    code: str
    name: str
    name_en: str
    township_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinates_approximate: bool
    is_sample: bool


@dataclass(frozen=True)
class StationSummary:
    id: int
    code: str
    kind: str
    name: str
    name_en: str
    township: str
    township_code: str
    village: str
    village_code: str
    address: str
    phone: str
    opening_hours: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinates_approximate: bool


@dataclass(frozen=True)
class DemoRegionsResult:
    """What `danzhai_demo_load` did: totals loaded and how many rows it wrote."""

    county_code: str
    townships: int
    villages: int
    stations: int
    created: int
    updated: int
    unchanged: int
