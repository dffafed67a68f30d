"""The home address of a checkout: its fields checked, and the spot the buyer shared checked
against the county. An address anywhere in mainland China names its county by its GB/T 2260
code (`county_code`); one without a code is the county's own, by township and village."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from xiangcun.core.validators import InvalidPhoneError, mobile_normalize
from xiangcun.orders.errors import (
    AddressPointOutOfAreaError,
    AddressRequiredError,
    InvalidAddressError,
    InvalidAddressPointError,
)
from xiangcun.orders.services._common import _is_id
from xiangcun.orders.services.config import address_point_max_km
from xiangcun.regions.errors import CountyNotConfiguredError
from xiangcun.regions.selectors import county_get_default

_ADDRESS_FIELDS = ("province", "city", "county", "detail", "recipient", "phone")
COUNTY_CODE = re.compile(r"^[0-9]{6}$")
# Bounds of the text a nationwide address may carry; regions' address check judges the rest.
_NATIONWIDE_TEXT = {
    "province": 32,
    "city": 64,
    "county": 64,
    "street": 64,
    "detail": 200,
    "recipient": 64,
    "phone": 20,
}
_NATIONWIDE_REQUIRED = ("detail", "recipient", "phone")


def _nationwide_normalized(address: dict[str, Any]) -> dict[str, Any]:
    """An address by county code, its shape checked: the code six digits, the text fields
    strings within bounds, detail, recipient and phone given, the phone a mainland mobile."""
    code = address.get("county_code")
    if not isinstance(code, str) or not COUNTY_CODE.match(code.strip()):
        raise InvalidAddressError(field="address.county_code")
    clean: dict[str, Any] = {"county_code": code.strip()}
    for name, limit in _NATIONWIDE_TEXT.items():
        value = address.get(name) or ""
        if not isinstance(value, str) or len(value.strip()) > limit:
            raise InvalidAddressError(field=f"address.{name}")
        if name in _NATIONWIDE_REQUIRED and not value.strip():
            raise InvalidAddressError(field=f"address.{name}")
        clean[name] = value.strip()
    try:
        clean["phone"] = mobile_normalize(clean["phone"])
    except InvalidPhoneError:
        raise InvalidPhoneError(field="address.phone") from None
    # Kept for an address in the county's own code, which the county's vans deliver.
    for name in ("township", "village"):
        value = address.get(name)
        if value is not None:
            if not _is_id(value):
                raise InvalidAddressError(field=f"address.{name}")
            clean[name] = value
    return clean


def _address_normalized(address: object) -> dict[str, Any]:
    if not isinstance(address, dict):
        raise AddressRequiredError(field="address")
    if address.get("county_code") not in (None, ""):
        return _nationwide_normalized(address)
    clean: dict[str, Any] = {}
    for name in _ADDRESS_FIELDS:
        value = address.get(name, "")
        if not isinstance(value, str) or not value.strip():
            raise InvalidAddressError(field=f"address.{name}")
        clean[name] = value.strip()
    for name in ("township", "village"):
        value = address.get(name)
        if value is not None and not _is_id(value):
            raise InvalidAddressError(field=f"address.{name}")
        clean[name] = value
    clean["phone"] = mobile_normalize(clean["phone"])
    point = _address_point(address)
    # Only when given, so a request without a point keeps the fingerprint it always had.
    if point is not None:
        clean["latitude"], clean["longitude"] = point
    return clean


# Six places, as stored: about 0.1 m, far finer than any phone's fix.
POINT_PLACES = Decimal("0.000001")

EARTH_RADIUS_KM = 6371.0088


def _coordinate(value: object, *, field: str, limit: int) -> Decimal:
    """A latitude or longitude as sent (a JSON number, or the text of a form field), rounded
    to the stored six places; anything else is InvalidAddressPointError."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidAddressPointError(field=field)
    if isinstance(value, str) and len(value) > 32:
        raise InvalidAddressPointError(field=field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidAddressPointError(field=field) from None
    if not number.is_finite() or abs(number) > limit:
        raise InvalidAddressPointError(field=field)
    return number.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def _address_point(address: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    """The spot the buyer shared (`latitude`, `longitude`: both or neither), or None."""
    latitude, longitude = address.get("latitude"), address.get("longitude")
    if latitude in (None, "") and longitude in (None, ""):
        return None
    if latitude in (None, ""):
        raise InvalidAddressPointError(field="address.latitude")
    if longitude in (None, ""):
        raise InvalidAddressPointError(field="address.longitude")
    return (
        _coordinate(latitude, field="address.latitude", limit=90),
        _coordinate(longitude, field="address.longitude", limit=180),
    )


def _distance_km(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> float:
    """Great-circle (haversine) distance: plenty for "is this near the county at all"."""
    lat1, lng1, lat2, lng2 = (math.radians(float(v)) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _address_point_check_area(point: tuple[Decimal, Decimal]) -> None:
    """Refuse a point absurdly far from the county centre (when the county has one)."""
    try:
        county = county_get_default()
    except CountyNotConfiguredError:
        return
    if county.latitude is None or county.longitude is None:
        return
    distance = _distance_km(point, (county.latitude, county.longitude))
    limit = address_point_max_km()
    if distance > limit:
        raise AddressPointOutOfAreaError(
            field="address.latitude", distance_km=round(distance), max_km=int(limit)
        )
