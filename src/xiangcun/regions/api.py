"""Regions API: townships, their villages and programme sites. Public: no login needed.

Coordinates are WGS-84 decimal degrees as numbers; `coordinates_approximate` says when a
position is an estimate (all demo data is).
"""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from xiangcun.core.api import ErrorOut
from xiangcun.regions import selectors
from xiangcun.regions.models import Station
from xiangcun.regions.types import StationSummary

router = Router()


class TownshipOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    latitude: float | None
    longitude: float | None
    coordinates_approximate: bool
    village_count: int


class TownshipListOut(Schema):
    items: list[TownshipOut]
    count: int


class VillageOut(Schema):
    code: str
    name: str
    name_en: str
    township_code: str
    latitude: float | None
    longitude: float | None
    coordinates_approximate: bool
    is_sample: bool


class VillageListOut(Schema):
    items: list[VillageOut]
    count: int


class StationOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    township: str
    township_code: str
    village: str
    village_code: str
    address: str
    phone: str
    opening_hours: str
    latitude: float | None
    longitude: float | None
    coordinates_approximate: bool


class StationListOut(Schema):
    items: list[StationOut]
    count: int


def _number(value: Decimal | None) -> float | None:
    # Six decimals are about 0.1 m: a float holds that exactly enough for any map.
    return float(value) if value is not None else None


def _station_out(station: StationSummary) -> StationOut:
    return StationOut(
        id=station.id,
        code=station.code,
        name=station.name,
        name_en=station.name_en,
        kind=station.kind,
        township=station.township,
        township_code=station.township_code,
        village=station.village,
        village_code=station.village_code,
        address=station.address,
        phone=station.phone,
        opening_hours=station.opening_hours,
        latitude=_number(station.latitude),
        longitude=_number(station.longitude),
        coordinates_approximate=station.coordinates_approximate,
    )


@router.get("/townships", response=TownshipListOut, summary="List the county's townships")
def townships(request: HttpRequest) -> TownshipListOut:
    items = [
        TownshipOut(
            code=township.code,
            name=township.name,
            name_en=township.name_en,
            kind=township.kind,
            latitude=_number(township.latitude),
            longitude=_number(township.longitude),
            coordinates_approximate=township.coordinates_approximate,
            village_count=township.village_count,
        )
        for township in selectors.townships_list()
    ]
    return TownshipListOut(items=items, count=len(items))


@router.get(
    "/townships/{code}/villages",
    response={200: VillageListOut, 404: ErrorOut},
    summary="List the villages of one township",
)
def township_villages(request: HttpRequest, code: str) -> VillageListOut:
    items = [
        VillageOut(
            code=village.code,
            name=village.name,
            name_en=village.name_en,
            township_code=village.township_code,
            latitude=_number(village.latitude),
            longitude=_number(village.longitude),
            coordinates_approximate=village.coordinates_approximate,
            is_sample=village.is_sample,
        )
        for village in selectors.villages_for_township(township_code=code)
    ]
    return VillageListOut(items=items, count=len(items))


@router.get(
    "/stations",
    response={200: StationListOut, 422: ErrorOut},
    summary="List programme sites: warehouse, service centre and village stations",
)
def stations(
    request: HttpRequest, kind: Station.Kind | None = None, township: str | None = None
) -> StationListOut:
    items = [
        _station_out(station)
        for station in selectors.stations_list(
            kind=kind.value if kind else None, township_code=township or None
        )
    ]
    return StationListOut(items=items, count=len(items))


@router.get(
    "/stations/{station_id}",
    response={200: StationOut, 404: ErrorOut},
    summary="One programme site",
)
def station(request: HttpRequest, station_id: int) -> StationOut:
    return _station_out(selectors.station_get(station_id=station_id))
