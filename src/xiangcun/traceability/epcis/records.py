"""What the database indexes of an event: its columns and the identifiers it names."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from xiangcun.traceability.epcis.vocab import TradeItem, cbv_uri, trade_item

# Field -> index role, for identifiers given as plain lists.
_EPC_LISTS = {
    "epcList": "epc",
    "childEPCs": "child",
    "inputEPCList": "input",
    "outputEPCList": "output",
}
_QUANTITY_LISTS = {
    "quantityList": "quantity",
    "childQuantityList": "child_qty",
    "inputQuantityList": "input_qty",
    "outputQuantityList": "output_qty",
}
_FRACTION = re.compile(r"(\.\d{6})\d+")

COMMISSIONING = cbv_uri("bizStep", "commissioning")
DESTROYING = cbv_uri("bizStep", "destroying")
DESTROYED = cbv_uri("disposition", "destroyed")
# Business steps that need one of our lots to have been commissioned first.
NEEDS_COMMISSIONING = frozenset(cbv_uri("bizStep", step) for step in ("packing", "shipping"))


def parse_time(value: str) -> datetime.datetime:
    """An RFC 3339 timestamp (already schema-checked) as an aware datetime."""
    return datetime.datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("z", "Z")))


@dataclass
class EventRecord:
    data: dict[str, Any]
    event_type: str
    event_time: datetime.datetime
    event_time_zone_offset: str
    action: str
    biz_step: str
    disposition: str
    read_point: str
    biz_location: str
    epcs: list[tuple[str, str]] = field(default_factory=list)

    def trade_items(self) -> list[TradeItem]:
        items = []
        for _role, value in self.epcs:
            item = trade_item(value)
            if item is not None:
                items.append(item)
        return items


def _location(value: object) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def event_record(event: dict[str, Any]) -> EventRecord:
    epcs: list[tuple[str, str]] = []
    for key, role in _EPC_LISTS.items():
        epcs.extend((role, value) for value in event.get(key) or [])
    if isinstance(event.get("parentID"), str):
        epcs.append(("parent", event["parentID"]))
    for key, role in _QUANTITY_LISTS.items():
        epcs.extend((role, entry["epcClass"]) for entry in event.get(key) or [])
    return EventRecord(
        data=event,
        event_type=event["type"],
        event_time=parse_time(event["eventTime"]),
        event_time_zone_offset=event["eventTimeZoneOffset"],
        action=event.get("action", ""),
        biz_step=cbv_uri("bizStep", event["bizStep"]) if "bizStep" in event else "",
        disposition=(
            cbv_uri("disposition", event["disposition"]) if "disposition" in event else ""
        ),
        read_point=_location(event.get("readPoint")),
        biz_location=_location(event.get("bizLocation")),
        epcs=epcs,
    )
