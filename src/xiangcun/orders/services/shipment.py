"""Home delivery outside the county: the address checked by regions against the national
division table, and the carrier service priced again by shipping at the moment of ordering
(the fee a client sends is never read)."""

import re
from decimal import Decimal
from typing import Any, NamedTuple

from xiangcun.core.errors import XiangcunError
from xiangcun.orders.errors import InvalidShippingServiceError, ShippingServiceUnavailableError
from xiangcun.regions.selectors import county_is_local, division_path
from xiangcun.regions.services import address_check
from xiangcun.shipping.selectors import rate_quote
from xiangcun.shipping.types import ShippingOption

# "<carrier>:<service>", as the quote names an option (`sf:cold_chain`).
SERVICE_CHOICE = re.compile(r"^([a-z0-9_]{1,16}):([a-z0-9_]{1,32})$")


class Shipment(NamedTuple):
    """Where a nationwide order goes and how: the address as checked, and the option priced."""

    county_code: str
    province: str
    city: str
    county: str
    street: str
    detail: str
    recipient: str
    phone: str
    option: ShippingOption

    @property
    def address_text(self) -> str:
        """As on the parcel: a municipality's name once (上海市浦东新区, not 上海市上海市)."""
        city = "" if self.city in (self.province, self.county) else self.city
        return "".join(
            part for part in (self.province, city, self.county, self.street, self.detail) if part
        )


def service_choice(value: object) -> tuple[str, str] | None:
    """The buyer's chosen service as (carrier, service); None for "the cheapest that can".
    Anything but "<carrier>:<service>" is InvalidShippingServiceError."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidShippingServiceError(field="delivery.service")
    match = SERVICE_CHOICE.match(value.strip())
    if match is None:
        raise InvalidShippingServiceError(field="delivery.service")
    return match.group(1), match.group(2)


def is_nationwide(clean_address: dict[str, Any] | None) -> bool:
    """Whether a checked home address lies outside the programme's county."""
    return (
        clean_address is not None
        and "county_code" in clean_address
        and not county_is_local(clean_address["county_code"])
    )


def local_names(county_code: str) -> tuple[str, str, str]:
    """The province, prefecture and county names of the programme's own county."""
    province, prefecture, county = division_path(county_code)
    return province.name, prefecture.name, county.name


def address_checked(clean_address: dict[str, Any]) -> dict[str, str]:
    """The address as regions checks it (names filled from the code, a name that contradicts
    the code refused), with the field at fault named under `address.`."""
    data = {
        "county_code": clean_address["county_code"],
        "province": clean_address.get("province", ""),
        "city": clean_address.get("city", ""),
        "county": clean_address.get("county", ""),
        "township": clean_address.get("street", ""),
        "detail": clean_address["detail"],
        "recipient": clean_address["recipient"],
        "phone": clean_address["phone"],
    }
    try:
        checked = address_check(data)
    except XiangcunError as error:
        error.field = f"address.{error.field or 'county_code'}"
        raise
    return {
        "county_code": checked.county_code,
        "province": checked.province,
        "city": checked.city,
        "county": checked.county,
        "street": checked.township,
        "detail": checked.detail,
        "recipient": checked.recipient,
        "phone": checked.phone,
    }


def option_chosen(options: list[ShippingOption], choice: tuple[str, str] | None) -> ShippingOption:
    """The option the buyer chose, or the cheapest (then fastest) when they chose none."""
    if choice is None:
        return min(options, key=lambda option: (option.fee, option.days_max, option.cost))
    for option in options:
        if (option.carrier, option.service) == choice:
            return option
    raise ShippingServiceUnavailableError(
        field="delivery.service", carrier=choice[0], service=choice[1]
    )


def shipment_for(
    clean_address: dict[str, Any],
    *,
    lines: list[tuple[int, int]],
    seller_goods: dict[int, Decimal],
    choice: tuple[str, str] | None,
) -> Shipment:
    """Check the address and price the service now. Raises regions' address errors (the field
    under `address.`), shipping's CannotShipFreshError (409, why in the message) and
    NoShippingError, or ShippingServiceUnavailableError for a service that cannot do it."""
    checked = address_checked(clean_address)
    options = rate_quote(lines=lines, county_code=checked["county_code"], seller_goods=seller_goods)
    return Shipment(**checked, option=option_chosen(options, choice))
