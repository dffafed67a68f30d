"""Writes of the programme county: postal addresses, programme sites and the Danzhai demo."""

import re
from collections import Counter
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from django.db import models, transaction

from xiangcun.core.validators import InvalidPhoneError, mobile_normalize, text_field
from xiangcun.regions import demo_data
from xiangcun.regions.errors import (
    DuplicateStationCodeError,
    FieldTooLongError,
    InvalidCoordinatesError,
    InvalidPostalCodeError,
    InvalidStationKindError,
    RequiredFieldError,
    StationNeedsVillageError,
    TownshipNotInCountyError,
    UnknownTownshipError,
    UnknownVillageError,
    VillageNotInTownshipError,
)
from xiangcun.regions.models import Address, County, Station, Township, Village
from xiangcun.regions.types import DemoRegionsResult

_POSTAL_CODE = re.compile(r"^[0-9]{6}$")
# A fixed line as stations publish it: area code 0xx or 0xxx, then 7 or 8 digits.
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
# Phones and postal codes typed with a Chinese input method often come in full-width digits.
_FULL_WIDTH_DIGITS = {0xFF10 + digit: str(digit) for digit in range(10)}

_M = TypeVar("_M", bound=models.Model)


_text = partial(
    text_field, collapse_spaces=True, error=RequiredFieldError, too_long_error=FieldTooLongError
)


def _postal_code(raw: str) -> str:
    cleaned = "".join(str(raw or "").split()).translate(_FULL_WIDTH_DIGITS)
    if cleaned and not _POSTAL_CODE.match(cleaned):
        raise InvalidPostalCodeError(field="postal_code")
    return cleaned


def _station_phone(raw: str) -> str:
    """A station may publish a mobile or a fixed line; either is stored in its usual form."""
    cleaned = "".join(str(raw or "").split()).translate(_FULL_WIDTH_DIGITS)
    if not cleaned:
        return ""
    if _LANDLINE.match(cleaned):
        return cleaned
    try:
        return mobile_normalize(cleaned)
    except InvalidPhoneError:
        raise InvalidPhoneError(field="phone") from None


def _coordinates(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise InvalidCoordinatesError(field="latitude" if latitude is None else "longitude")
    lat, lon = Decimal(latitude), Decimal(longitude)
    # NaN and infinities first: comparing a NaN raises InvalidOperation.
    if not lat.is_finite():
        raise InvalidCoordinatesError(field="latitude")
    if not lon.is_finite():
        raise InvalidCoordinatesError(field="longitude")
    if not Decimal(-90) <= lat <= Decimal(90):
        raise InvalidCoordinatesError(field="latitude")
    if not Decimal(-180) <= lon <= Decimal(180):
        raise InvalidCoordinatesError(field="longitude")
    # The columns keep six decimals (about 0.1 m); quantize so the value stored is the one given.
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


def _township_and_village(
    township_id: int | None, village_id: int | None
) -> tuple[Township | None, Village | None]:
    """Resolve the ids and check the village lies in the township (the village wins if alone)."""
    township: Township | None = None
    village: Village | None = None
    if township_id is not None:
        township = Township.objects.select_related("county").filter(id=township_id).first()
        if township is None:
            raise UnknownTownshipError(field="township_id")
    if village_id is not None:
        village = Village.objects.select_related("township__county").filter(id=village_id).first()
        if village is None:
            raise UnknownVillageError(field="village_id")
        if township is None:
            township = village.township
        elif village.township_id != township.id:
            raise VillageNotInTownshipError(field="village_id")
    return township, village


@transaction.atomic
def address_create(
    *,
    province: str,
    city: str,
    county: str,
    detail: str,
    recipient: str,
    phone: str,
    township_id: int | None = None,
    village_id: int | None = None,
    postal_code: str = "",
) -> Address:
    """Record a postal address as it will be written on a parcel.

    Raises an `InvalidInputError` subclass naming the first field that is wrong. When a
    township or village is given, its name is copied onto the address (so the label still
    reads right if the division is renamed later) and it must lie in the given county.
    """
    fields = {
        "province": _text(province, field="province", max_length=32),
        "city": _text(city, field="city", max_length=64),
        "county": _text(county, field="county", max_length=64),
        "detail": _text(detail, field="detail", max_length=200),
        "recipient": _text(recipient, field="recipient", max_length=64),
    }
    phone_normalized = mobile_normalize(phone)
    postal = _postal_code(postal_code)
    township, village = _township_and_village(township_id, village_id)
    if township is not None and township.county.name != fields["county"]:
        raise TownshipNotInCountyError(field="village_id" if township_id is None else "township_id")
    return Address.objects.create(
        **fields,
        phone=phone_normalized,
        postal_code=postal,
        township=township,
        village=village,
        township_name=township.name if township else "",
        village_name=village.name if village else "",
    )


@transaction.atomic
def station_create(
    *,
    kind: str,
    code: str,
    name: str,
    township_id: int,
    village_id: int | None = None,
    name_en: str = "",
    address_detail: str = "",
    phone: str = "",
    opening_hours: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    coordinates_approximate: bool = False,
) -> Station:
    """Open a programme site: the county warehouse, a service centre or a village station."""
    if kind not in Station.Kind.values:
        raise InvalidStationKindError(field="kind")
    code_clean = _text(code, field="code", max_length=20)
    name_clean = _text(name, field="name", max_length=64)
    name_en_clean = _text(name_en, field="name_en", max_length=64, required=False)
    detail_clean = _text(address_detail, field="address_detail", max_length=200, required=False)
    hours_clean = _text(opening_hours, field="opening_hours", max_length=64, required=False)
    phone_clean = _station_phone(phone)
    lat, lon = _coordinates(latitude, longitude)
    township, village = _township_and_village(township_id, village_id)
    if township is None:  # township_id is required, so only a caller ignoring types gets here
        raise RequiredFieldError(field="township_id")
    if kind == Station.Kind.VILLAGE_STATION and village is None:
        raise StationNeedsVillageError(field="village_id")
    if Station.objects.filter(code=code_clean).exists():
        raise DuplicateStationCodeError(field="code")
    return Station.objects.create(
        kind=kind,
        code=code_clean,
        name=name_clean,
        name_en=name_en_clean,
        township=township,
        village=village,
        address_detail=detail_clean,
        phone=phone_clean,
        opening_hours=hours_clean,
        latitude=lat,
        longitude=lon,
        coordinates_approximate=coordinates_approximate,
    )


def _differs(row: models.Model, name: str, new_value: Any) -> bool:
    """Whether a stored value differs; foreign keys compare by id, so no query is made."""
    field = row._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        new_id = new_value.pk if new_value is not None else None
        return bool(getattr(row, field.attname) != new_id)
    return bool(getattr(row, name) != new_value)


def _upsert(model: type[_M], *, code: str, values: dict[str, Any]) -> tuple[_M, str]:
    """update_or_create by code, but writes nothing when every value already matches.

    Returns the row and what happened to it: "created", "updated" or "unchanged".
    """
    row = model._default_manager.select_for_update().filter(code=code).first()
    if row is None:
        return model._default_manager.create(code=code, **values), "created"
    changed = [name for name, value in values.items() if _differs(row, name, value)]
    if not changed:
        return row, "unchanged"
    for name in changed:
        setattr(row, name, values[name])
    row.save(update_fields=[*changed, "updated_at"])
    return row, "updated"


@transaction.atomic
def danzhai_demo_load() -> DemoRegionsResult:
    """Load Danzhai county, its seven divisions, sample villages and programme sites.

    Idempotent: rows are matched by code, so running it again changes nothing unless the
    demo data itself changed. Coordinates are approximate and villages are samples; see
    `regions/demo_data.py` for what is real.
    """
    outcomes: Counter[str] = Counter()
    source = demo_data.COUNTY
    county, outcome = _upsert(
        County,
        code=source.code,
        values={
            "name": source.name,
            "name_en": source.name_en,
            "province": source.province,
            "city": source.city,
            "latitude": source.latitude,
            "longitude": source.longitude,
            "coordinates_approximate": source.coordinates_approximate,
        },
    )
    outcomes[outcome] += 1

    townships: dict[str, Township] = {}
    for item in demo_data.TOWNSHIPS:
        townships[item.code], outcome = _upsert(
            Township,
            code=item.code,
            values={
                "county": county,
                "name": item.name,
                "name_en": item.name_en,
                "kind": item.kind,
                "latitude": item.latitude,
                "longitude": item.longitude,
                "coordinates_approximate": item.coordinates_approximate,
            },
        )
        outcomes[outcome] += 1

    villages: dict[str, Village] = {}
    for village_item in demo_data.VILLAGES:
        villages[village_item.code], outcome = _upsert(
            Village,
            code=village_item.code,
            values={
                "township": townships[village_item.township_code],
                "name": village_item.name,
                "name_en": village_item.name_en,
                "latitude": village_item.latitude,
                "longitude": village_item.longitude,
                "is_sample": village_item.is_sample,
                "coordinates_approximate": village_item.coordinates_approximate,
            },
        )
        outcomes[outcome] += 1

    for station_item in demo_data.STATIONS:
        _, outcome = _upsert(
            Station,
            code=station_item.code,
            values={
                "kind": station_item.kind,
                "name": station_item.name,
                "name_en": station_item.name_en,
                "township": townships[station_item.township_code],
                "village": villages[station_item.village_code]
                if station_item.village_code
                else None,
                "address_detail": station_item.address_detail,
                "phone": station_item.phone,
                "opening_hours": station_item.opening_hours,
                "latitude": station_item.latitude,
                "longitude": station_item.longitude,
                "coordinates_approximate": station_item.coordinates_approximate,
                "is_active": True,
            },
        )
        outcomes[outcome] += 1

    return DemoRegionsResult(
        county_code=county.code,
        townships=len(demo_data.TOWNSHIPS),
        villages=len(demo_data.VILLAGES),
        stations=len(demo_data.STATIONS),
        created=outcomes["created"],
        updated=outcomes["updated"],
        unchanged=outcomes["unchanged"],
    )
