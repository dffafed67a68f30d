"""The shipping API, mounted at /api/v1/logistics/rates/: a quote of the carrier services that
can carry some goods to a county, with the fee, the carrier's days and whether it is cold chain.

Public: a visitor prices a basket before logging in. Errors answer `{"code", "message"}`:
unknown_variant / unknown_county / unknown_division / invalid_input 400, the body's shape 422,
no_shipping_to_destination / cannot_ship_fresh 409 (the message names the product and why).
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.shipping import selectors
from xiangcun.shipping.types import ShippingOption

router = Router()


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Fallback for public routes: a visitor without a (valid) token reads as anonymous."""
    return AnonymousUser()


PUBLIC = [ApiTokenAuth(), _anonymous]
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 404, 409, 422), ErrorOut)


class ShippingQuoteLineIn(Schema):
    variant: Id
    quantity: int = Field(ge=1, le=selectors.QUANTITY_MAX)


class ShippingQuoteAddressIn(Schema):
    """Where the goods go: the county's GB/T 2260 code decides; other address fields (detail,
    recipient, phone) may be sent along and are not needed for a quote."""

    county_code: Text = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")
    province: Text = Field("", max_length=40)
    city: Text = Field("", max_length=40)
    county: Text = Field("", max_length=40)
    detail: Text = Field("", max_length=200)
    recipient: Text = Field("", max_length=64)
    phone: Text = Field("", max_length=20)


class ShippingQuoteIn(Schema):
    lines: list[ShippingQuoteLineIn] = Field(min_length=1, max_length=selectors.LINES_MAX)
    address: ShippingQuoteAddressIn


class ShippingOptionOut(Schema):
    carrier: str = Field(description="The carrier's code, e.g. sf")
    carrier_name: str
    service: str = Field(description="The service's code, e.g. cold_chain")
    service_name: str
    fee: Decimal = Field(description="What the buyer pays, CNY, after free shipping")
    days_min: int
    days_max: int
    cold_chain: bool
    free_shipping: bool = Field(description="True when free shipping waived the rate")


class ShippingQuoteOut(Schema):
    options: list[ShippingOptionOut]


def _option_out(option: ShippingOption) -> ShippingOptionOut:
    return ShippingOptionOut(
        carrier=option.carrier,
        carrier_name=option.carrier_name,
        service=option.service,
        service_name=option.service_name,
        fee=option.fee,
        days_min=option.days_min,
        days_max=option.days_max,
        cold_chain=option.cold_chain,
        free_shipping=option.free_shipping,
    )


@router.post(
    "/quote",
    auth=PUBLIC,
    response={200: ShippingQuoteOut, **ERRORS},
    summary="Shipping options for some goods to a county",
)
def quote(request: HttpRequest, payload: ShippingQuoteIn) -> ShippingQuoteOut:
    """Every carrier service that can carry these goods to the county, cheapest first, with the
    fee the buyer pays (after free shipping) and the promised days. Chilled, frozen and
    perishable goods are offered only the services that keep them and arrive in time; if none
    can, 409 `cannot_ship_fresh` names the product and why."""
    options = selectors.rate_quote(
        lines=[(line.variant, line.quantity) for line in payload.lines],
        county_code=payload.address.county_code,
    )
    return ShippingQuoteOut(options=[_option_out(option) for option in options])
