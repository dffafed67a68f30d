"""Regions API: mainland China's divisions, "paste an address", the county's townships, their
villages and programme sites. Public: no login needed.

Coordinates are WGS-84 decimal degrees as numbers; `coordinates_approximate` says when a
position is an estimate (all demo data is).
"""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from xiangcun.core.api import ErrorOut, Text
from xiangcun.regions import selectors, services
from xiangcun.regions.models import Station
from xiangcun.regions.types import DivisionOut, StationSummary

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


class DivisionItemOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    has_children: bool


class DivisionListOut(Schema):
    items: list[DivisionItemOut]
    count: int


class AddressParseIn(Schema):
    text: Text


class ParsedAddressOut(Schema):
    province: str
    city: str
    county: str
    county_code: str
    detail: str
    recipient: str
    phone: str


def _division_item(division: DivisionOut) -> DivisionItemOut:
    return DivisionItemOut(
        code=division.code,
        name=division.name,
        name_en=division.name_en,
        level=division.level.value,
        has_children=division.has_children,
    )


@router.get(
    "/divisions",
    response={200: DivisionListOut, 400: ErrorOut},
    summary="Mainland China's provinces, or the divisions under one (GB/T 2260 codes)",
    description=(
        "Without `parent`: the 31 provinces. With `parent` (a six-digit code): the prefectures "
        "of a province, or the counties and districts of a prefecture, in code order. A "
        "municipality (110000 北京市) has one prefecture named after it holding every "
        "district; a prefecture with no counties (441900 东莞市) has none and is itself the "
        "county of an address. `name` is the official Chinese name, `name_en` an English "
        "rendering (pinyin and the kind of division). An unknown `parent` answers 400 "
        "`unknown_division`."
    ),
)
def divisions(request: HttpRequest, parent: str | None = None) -> DivisionListOut:
    items = [_division_item(division) for division in selectors.division_children(parent)]
    return DivisionListOut(items=items, count=len(items))


@router.post(
    "/addresses/parse",
    response={200: ParsedAddressOut, 400: ErrorOut, 422: ErrorOut},
    summary="Read a pasted address (收货地址智能识别)",
    description=(
        "Reads a line such as `广东省广州市天河区体育西路 123 号 张三 13912345678` into its "
        "fields. Short names (广东, 广州), labels (收货人：), +86 and full-width characters are "
        'understood. A field it cannot find is "": nothing is guessed, and a place name '
        "that could be two places fills none. `text` holds at most 300 characters (400 "
        "`invalid_field` beyond). Nothing is stored."
    ),
)
def address_parse(request: HttpRequest, payload: AddressParseIn) -> ParsedAddressOut:
    parsed = services.address_parse(payload.text)
    return ParsedAddressOut(
        province=parsed.province,
        city=parsed.city,
        county=parsed.county,
        county_code=parsed.county_code,
        detail=parsed.detail,
        recipient=parsed.recipient,
        phone=parsed.phone,
    )
