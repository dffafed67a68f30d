"""Where a checkout's order goes: the recipient and address copied onto the order, for pickup,
the county's own home delivery, or a carrier anywhere in mainland China."""

from decimal import Decimal
from typing import Any, NamedTuple

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import mobile_normalize
from xiangcun.orders.errors import InvalidAddressError, InvalidRecipientError
from xiangcun.orders.services.shipment import Shipment, is_nationwide, local_names, shipment_for
from xiangcun.regions.services import address_create


class _Destination(NamedTuple):
    """Who receives a checkout's order and where, as copied onto the order."""

    recipient: str
    phone: str
    address_text: str
    township_id: int | None
    village_id: int | None


def _home_destination(clean_address: dict[str, Any]) -> _Destination:
    """Home delivery: the address is saved with regions (which names its township and
    village) and written out whole for the parcel."""
    try:
        saved = address_create(
            province=clean_address["province"],
            city=clean_address["city"],
            county=clean_address["county"],
            detail=clean_address["detail"],
            recipient=clean_address["recipient"],
            phone=clean_address["phone"],
            township_id=clean_address["township"],
            village_id=clean_address["village"],
        )
    except XiangcunError as error:
        raise InvalidAddressError(
            error.message, field=f"address.{error.field or 'detail'}"
        ) from error
    address_text = "".join(
        part
        for part in (
            saved.province,
            saved.city,
            saved.county,
            saved.township_name,
            saved.village_name,
            saved.detail,
        )
        if part
    )
    return _Destination(
        recipient=saved.recipient,
        phone=saved.phone,
        address_text=address_text,
        township_id=saved.township_id,
        village_id=saved.village_id,
    )


def destination_for(
    clean_address: dict[str, Any] | None,
    *,
    buyer: AnyUser | None,
    recipient: str,
    phone: str,
    normalized: list[tuple[int, int]],
    variants: dict[int, dict[str, Any]],
    choice: tuple[str, str] | None,
) -> tuple[_Destination, Shipment | None]:
    """Who receives the order and where, and for an address outside the county the carrier
    service priced now. An address naming the county's own code is the county's delivery."""
    if clean_address is None:
        return _pickup_destination(buyer=buyer, recipient=recipient, phone=phone), None
    if not is_nationwide(clean_address):
        if "county_code" in clean_address:
            clean_address = _county_own_address(clean_address)
        return _home_destination(clean_address), None
    seller_goods: dict[int, Decimal] = {}
    for variant_id, quantity in normalized:
        seller_id = variants[variant_id]["product__seller_id"]
        amount = variants[variant_id]["price"] * quantity
        seller_goods[seller_id] = seller_goods.get(seller_id, Decimal("0.00")) + amount
    shipment = shipment_for(
        clean_address, lines=normalized, seller_goods=seller_goods, choice=choice
    )
    destination = _Destination(
        recipient=shipment.recipient,
        phone=shipment.phone,
        address_text=shipment.address_text,
        township_id=None,
        village_id=None,
    )
    return destination, shipment


def _county_own_address(clean_address: dict[str, Any]) -> dict[str, Any]:
    """An address by the county's own code, as the county's delivery takes it: the division
    names, and the township and village when given."""
    province, city, county = local_names(clean_address["county_code"])
    return {
        "province": province,
        "city": city,
        "county": county,
        "detail": "".join((clean_address.get("street", ""), clean_address["detail"])),
        "recipient": clean_address["recipient"],
        "phone": clean_address["phone"],
        "township": clean_address.get("township"),
        "village": clean_address.get("village"),
    }


def shipment_fields(shipment: Shipment | None) -> dict[str, Any]:
    """The order's carrier fields: the destination county, the service and what it costs."""
    if shipment is None:
        return {}
    option = shipment.option
    return {
        "county_code": shipment.county_code,
        "shipping_carrier": option.carrier,
        "shipping_service": option.service,
        "shipping_cost": option.cost,
        "promised_days_min": option.days_min,
        "promised_days_max": option.days_max,
    }


def _pickup_destination(*, buyer: AnyUser | None, recipient: str, phone: str) -> _Destination:
    """Pickup at a station or the shop: the recipient named in the request, else the buyer."""
    recipient_phone = phone.strip() or str(getattr(buyer, "phone", "") or "")
    # A buyer who never gave a name collects the order by their phone number.
    recipient_name = recipient.strip() or str(getattr(buyer, "name", "") or "") or recipient_phone
    if not recipient_name or len(recipient_name) > 64:
        raise InvalidRecipientError(field="recipient")
    recipient_phone = mobile_normalize(recipient_phone)
    return _Destination(
        recipient=recipient_name,
        phone=recipient_phone,
        address_text="",
        township_id=None,
        village_id=None,
    )
