"""Plain values the regions app hands to other apps: no models cross the boundary."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


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


class DivisionLevel(StrEnum):
    """The three levels of an address's division (GB/T 2260)."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


@dataclass(frozen=True)
class DivisionOut:
    """A province, prefecture or county: `name` is the official Chinese name, `name_en` its
    English name (machine pinyin with the kind of division, e.g. "Tianhe District")."""

    code: str
    name: str
    name_en: str
    level: DivisionLevel
    parent_code: str  # "" for a province
    has_children: bool


class DivisionPath(NamedTuple):
    """The province, prefecture and county of an address. For a prefecture with no counties
    (东莞市, 中山市, 儋州市, 嘉峪关市) the prefecture is its own county."""

    province: DivisionOut
    prefecture: DivisionOut
    county: DivisionOut


@dataclass(frozen=True)
class CheckedAddress:
    """An address anywhere in mainland China, checked and with its names filled from the
    county code; what checkout stores and prints on the parcel."""

    county_code: str
    province: str
    city: str
    county: str
    township: str
    detail: str
    recipient: str
    phone: str

    @property
    def full_text(self) -> str:
        # A municipality's city repeats its province (北京市北京市): print it once.
        city = "" if self.city == self.province else self.city
        city = "" if self.city == self.county else city
        parts = [self.province, city, self.county, self.township, self.detail]
        return "".join(part for part in parts if part)


@dataclass(frozen=True)
class ParsedAddress:
    """What "paste an address" found in a line of text; "" where it found nothing."""

    province: str = ""
    city: str = ""
    county: str = ""
    county_code: str = ""
    detail: str = ""
    recipient: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DivisionsLoadResult:
    """What `divisions_load` did to the divisions table."""

    total: int
    created: int
    updated: int
    removed: int
    unchanged: int
