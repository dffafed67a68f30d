"""The EPCIS 2.0 events the platform writes itself as goods move (commissioning at harvest,
packing the harvest into sale units, receiving, inspecting, packing, shipping, delivery,
destruction)."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiangcun.traceability.epcis.standards import EPCIS_CONTEXT_URL
from xiangcun.traceability.epcis.vocab import lot_class_epc, sgln, station_sgln, village_sgln
from xiangcun.traceability.identifiers import resolver_base
from xiangcun.traceability.models import Event, Lot

# Our extension fields (order line, tracking number, inspection details) live here.
EXTENSION_NAMESPACE = "https://ns.xiangcun.example/epcis/"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# Lot units as UN/CEFACT Rec 20 codes; counted units (jar, box, ...) carry no uom.
_UOM = {"kg": ("KGM", Decimal(1)), "jin": ("KGM", Decimal("0.5")), "g": ("GRM", Decimal(1))}


def platform_context() -> list[Any]:
    return [EPCIS_CONTEXT_URL, {"xiangcun": EXTENSION_NAMESPACE}]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _time(moment: datetime.datetime | None = None) -> dict[str, str]:
    local = (moment or timezone.now()).astimezone(SHANGHAI)
    return {"eventTime": local.isoformat(timespec="milliseconds"), "eventTimeZoneOffset": "+08:00"}


def _quantity(lot: Lot, quantity: Decimal | int | str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": lot_class_epc(gtin=lot.gtin, lot_code=lot.code)}
    if quantity is not None:
        uom = _UOM.get(lot.unit)
        amount = Decimal(str(quantity))
        if uom:
            element["quantity"] = _number(amount * uom[1])
            element["uom"] = uom[0]
        else:
            element["quantity"] = _number(amount)
    return element


def _where(location: str) -> dict[str, Any]:
    return {"readPoint": {"id": location}, "bizLocation": {"id": location}}


def last_location(lot: Lot) -> str:
    """Where the lot was last seen (an SGLN), else the county programme's own GLN."""
    row = (
        Event.objects.filter(lot=lot)
        .exclude(biz_location="")
        .order_by("-id")
        .values_list("biz_location", flat=True)
        .first()
    )
    return row or sgln()


def order_uri(order_number: str) -> str:
    return f"{resolver_base()}/orders/{order_number}"


def commission(lot: Lot, *, at: datetime.datetime | None = None) -> dict[str, Any]:
    village = getattr(lot, "village", None)
    location = village_sgln(village.code) if village is not None else sgln()
    ilmd: dict[str, Any] = {
        "cbvmda:lotNumber": lot.code,
        "cbvmda:harvestStartDate": lot.harvested_on.isoformat(),
        "cbvmda:countryOfOrigin": "CN",
    }
    shelf_life = getattr(lot.product, "shelf_life_days", None)
    if shelf_life:
        expires = lot.harvested_on + datetime.timedelta(days=shelf_life)
        ilmd["cbvmda:itemExpirationDate"] = expires.isoformat()
    if lot.grade:
        ilmd["xiangcun:grade"] = lot.grade
    return {
        "type": "ObjectEvent",
        **_time(at),
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "quantityList": [_quantity(lot, lot.quantity)],
        **_where(location),
        "ilmd": ilmd,
    }


def pack_from_lot(
    lot: Lot,
    *,
    lot_quantity: Decimal | None,
    packs: list[tuple[str, int]],
    location: str,
    at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """A harvest packed into sale units: a TransformationEvent from the lot's class (with
    the amount taken, when it converts to the lot's unit) to each pack size's class under the
    same lot number, counted in packs. A transformation rather than an aggregation: loose
    rice becomes bags of a new trade item (another GTIN), not a container of identified
    things."""
    return {
        "type": "TransformationEvent",
        **_time(at),
        "bizStep": "creating_class_instance",
        "disposition": "active",
        "inputQuantityList": [_quantity(lot, lot_quantity)],
        "outputQuantityList": [
            {"epcClass": lot_class_epc(gtin=gtin, lot_code=lot.code), "quantity": count}
            for gtin, count in packs
        ],
        **_where(location),
        "ilmd": {
            "cbvmda:lotNumber": lot.code,
            "cbvmda:harvestStartDate": lot.harvested_on.isoformat(),
        },
    }


def receive(
    lot: Lot,
    *,
    station_id: int,
    quantity: Decimal | None,
    at: datetime.datetime | None = None,
    damaged: bool = False,
) -> dict[str, Any]:
    """Received at a station; `damaged`: units that came back unfit to sell again."""
    return {
        "type": "ObjectEvent",
        **_time(at),
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "damaged" if damaged else "in_progress",
        "quantityList": [_quantity(lot, quantity)],
        **_where(station_sgln(station_id)),
    }


def inspect(lot: Lot, *, inspection: Any) -> dict[str, Any]:
    passed = inspection.result == "pass"
    details = {
        "xiangcun:test": inspection.kind,
        "xiangcun:method": inspection.method,
        "xiangcun:result": inspection.result,
        "xiangcun:inspector": inspection.inspector,
    }
    if inspection.measured:
        details["xiangcun:measured"] = inspection.measured
    return {
        "type": "ObjectEvent",
        **_time(inspection.inspected_at),
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "conformant" if passed else "non_conformant",
        "quantityList": [_quantity(lot, None)],
        **_where(last_location(lot)),
        "xiangcun:inspection": details,
    }


def pack(
    lot: Lot,
    *,
    order_line_id: int,
    order_number: str,
    quantity: Any,
    pack_gtin: str | None = None,
    at: datetime.datetime | None = None,
) -> dict[str, Any]:
    # Packs of a size: their own class under the lot number, counted; else the lot's unit.
    if pack_gtin is not None:
        element = {
            "epcClass": lot_class_epc(gtin=pack_gtin, lot_code=lot.code),
            "quantity": _number(Decimal(str(quantity))),
        }
    else:
        element = _quantity(lot, quantity)
    return {
        "type": "ObjectEvent",
        **_time(at),
        "action": "OBSERVE",
        "bizStep": "packing",
        "disposition": "in_progress",
        "quantityList": [element],
        **_where(last_location(lot)),
        "bizTransactionList": [
            {"type": "https://ref.gs1.org/cbv/BTT-po", "bizTransaction": order_uri(order_number)}
        ],
        "xiangcun:orderLineId": order_line_id,
    }


def ship(
    lot: Lot,
    *,
    order_number: str,
    tracking_number: str,
    carrier: str,
    at: datetime.datetime | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        **_time(at),
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "quantityList": [_quantity(lot, None)],
        **_where(last_location(lot)),
        "bizTransactionList": [
            {"type": "https://ref.gs1.org/cbv/BTT-po", "bizTransaction": order_uri(order_number)}
        ],
    }
    if tracking_number:
        event["xiangcun:trackingNumber"] = tracking_number
    if carrier:
        event["xiangcun:carrier"] = carrier
    return event


def deliver(
    lot: Lot, *, order_number: str, station_id: int | None, at: datetime.datetime | None = None
) -> dict[str, Any]:
    at_station = station_id is not None
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        **_time(at),
        "action": "OBSERVE",
        # At a village station the parcel is received; by the buyer it is accepted.
        "bizStep": "receiving" if at_station else "accepting",
        "disposition": "in_progress" if at_station else "retail_sold",
        "quantityList": [_quantity(lot, None)],
        "bizTransactionList": [
            {"type": "https://ref.gs1.org/cbv/BTT-po", "bizTransaction": order_uri(order_number)}
        ],
    }
    if station_id is not None:
        event.update(_where(station_sgln(station_id)))
    return event


def destroy(lot: Lot, *, reason: str, at: datetime.datetime | None = None) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        **_time(at),
        "action": "DELETE",
        "bizStep": "destroying",
        "disposition": "destroyed",
        "quantityList": [_quantity(lot, None)],
        **_where(last_location(lot)),
        "xiangcun:reason": reason,
    }
