"""Reads of regions shaped for callers: divisions of mainland China, townships, villages and
programme sites as plain values.

Each function runs a fixed number of queries, whatever the number of rows; the division reads
run none once the process has read the table (see `division_index`).
"""

from django.db.models import Count, QuerySet

from xiangcun.core.language import localized, reader_reads_english
from xiangcun.regions.division_index import division_index
from xiangcun.regions.errors import (
    CountyNotConfiguredError,
    CountyRequiredError,
    InvalidStationKindError,
    StationNotFoundError,
    TownshipNotFoundError,
    UnknownDivisionError,
)
from xiangcun.regions.models import County, Station, Township, Village
from xiangcun.regions.types import (
    CountySummary,
    DivisionLevel,
    DivisionOut,
    DivisionPath,
    StationSummary,
    TownshipSummary,
    VillageSummary,
)

# --- divisions of mainland China (GB/T 2260) ----------------------------------------------------


def division_children(
    parent_code: str | None = None, *, field: str = "parent"
) -> list[DivisionOut]:
    """The divisions directly under `parent_code` in code order; None (or "") for the provinces.

    UnknownDivisionError (naming `field`) if there is no such division. A county has no
    children: its answer is an empty list.
    """
    index = division_index()
    if not parent_code:
        return list(index.children.get("", []))
    if parent_code not in index.by_code:
        raise UnknownDivisionError(field=field)
    return list(index.children.get(parent_code, []))


def division_get(code: str, *, field: str = "code") -> DivisionOut:
    """One division by its six-digit code; UnknownDivisionError (naming `field`) if none."""
    division = division_index().by_code.get(code) if isinstance(code, str) else None
    if division is None:
        raise UnknownDivisionError(field=field)
    return division


def division_path(county_code: str, *, field: str = "county_code") -> DivisionPath:
    """The province, prefecture and county of a county-level code.

    A prefecture without counties (东莞市 441900) is its own county. UnknownDivisionError for
    an unknown code, CountyRequiredError for a province or a prefecture that has counties.
    """
    county = division_get(county_code, field=field)
    if county.level == DivisionLevel.PROVINCE or county.has_children:
        raise CountyRequiredError(field=field)
    by_code = division_index().by_code
    prefecture = county if county.level == DivisionLevel.PREFECTURE else by_code[county.parent_code]
    province = by_code[prefecture.parent_code]
    return DivisionPath(province=province, prefecture=prefecture, county=county)


def county_is_local(county_code: str) -> bool:
    """Whether a county code is the programme's own county (the one with a `County` row)."""
    if not isinstance(county_code, str) or not county_code:
        return False
    return County.objects.filter(code=county_code).exists()


# --- the programme's county, townships, villages and sites --------------------------------------


def county_get_default() -> CountySummary:
    """The county this installation serves (the one with the lowest code if there are several)."""
    county = County.objects.order_by("code").first()
    if county is None:
        raise CountyNotConfiguredError
    return CountySummary(
        id=county.id,
        code=county.code,
        name=county.name,
        name_en=county.name_en,
        province=county.province,
        city=county.city,
        latitude=county.latitude,
        longitude=county.longitude,
        coordinates_approximate=county.coordinates_approximate,
    )


def townships_list() -> list[TownshipSummary]:
    """Every township in division-code order, with how many villages it has. One query."""
    rows = Township.objects.annotate(village_count=Count("villages")).order_by("code")
    return [
        TownshipSummary(
            id=row.id,
            code=row.code,
            name=row.name,
            name_en=row.name_en,
            kind=row.kind,
            latitude=row.latitude,
            longitude=row.longitude,
            coordinates_approximate=row.coordinates_approximate,
            village_count=row.village_count,
        )
        for row in rows
    ]


def villages_for_township(*, township_code: str) -> list[VillageSummary]:
    """The villages of one township in code order; TownshipNotFoundError if there is none."""
    rows = list(Village.objects.filter(township__code=township_code).order_by("code"))
    # Only an empty answer needs the second query, to tell "no villages" from "no township".
    if not rows and not Township.objects.filter(code=township_code).exists():
        raise TownshipNotFoundError(field="township_code")
    return [
        VillageSummary(
            id=row.id,
            code=row.code,
            name=row.name,
            name_en=row.name_en,
            township_code=township_code,
            latitude=row.latitude,
            longitude=row.longitude,
            coordinates_approximate=row.coordinates_approximate,
            is_sample=row.is_sample,
        )
        for row in rows
    ]


def village_exists(*, village_id: int) -> bool:
    return Village.objects.filter(pk=village_id).exists()


def village_id_for_code(*, code: str) -> int | None:
    """The village with this division code (as /api/v1/regions/.../villages lists them)."""
    if not isinstance(code, str) or not code.isdigit() or len(code) > 15:
        return None
    return Village.objects.filter(code=code).values_list("pk", flat=True).first()


def township_id_for_code(*, code: str) -> int | None:
    """The id of the township with this division code, None if there is none (nor a query
    when the code cannot be one: digits, at most 12)."""
    if not (code.isascii() and code.isdigit() and len(code) <= 12):
        return None
    return Township.objects.filter(code=code).values_list("pk", flat=True).first()


def township_exists(*, township_id: int) -> bool:
    return Township.objects.filter(pk=township_id).exists()


def village_township_id(*, village_id: int) -> int | None:
    """The township of one village; None if there is no such village."""
    return Village.objects.filter(pk=village_id).values_list("township_id", flat=True).first()


def _station_summary(row: Station) -> StationSummary:
    village = row.village
    # Composed from the places' names in the reader's language; the detail is as typed.
    parts = [localized(row.township.county), localized(row.township), localized(village)]
    return StationSummary(
        id=row.id,
        code=row.code,
        kind=row.kind,
        name=row.name,
        name_en=row.name_en,
        township=localized(row.township),
        township_code=row.township.code,
        village=localized(village) if village else "",
        village_code=village.code if village else "",
        address=(", " if reader_reads_english() else "").join(
            part for part in [*parts, row.address_detail] if part
        ),
        phone=row.phone,
        opening_hours=row.opening_hours,
        latitude=row.latitude,
        longitude=row.longitude,
        coordinates_approximate=row.coordinates_approximate,
    )


def _stations() -> QuerySet[Station]:
    return Station.objects.select_related("township__county", "village")


def stations_list(
    *, kind: str | None = None, township_code: str | None = None
) -> list[StationSummary]:
    """Active programme sites, county sites first (warehouse, service centre), then stations.

    `kind` is one of Station.Kind's values; an unknown township code simply matches nothing.
    One query.
    """
    rows = _stations().filter(is_active=True)
    if kind:
        if kind not in Station.Kind.values:
            raise InvalidStationKindError(field="kind")
        rows = rows.filter(kind=kind)
    if township_code:
        rows = rows.filter(township__code=township_code)
    order: dict[str, int] = {Station.Kind.WAREHOUSE: 0, Station.Kind.SERVICE_CENTRE: 1}
    summaries = [_station_summary(row) for row in rows.order_by("code")]
    return sorted(summaries, key=lambda station: (order.get(station.kind, 2), station.code))


def station_get(*, station_id: int) -> StationSummary:
    """One programme site, active or not; StationNotFoundError if the id is unknown."""
    row = _stations().filter(id=station_id).first()
    if row is None:
        raise StationNotFoundError
    return _station_summary(row)
