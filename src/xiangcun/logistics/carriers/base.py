"""What logistics asks of an express carrier, whatever the carrier: make and cancel a waybill,
the label's data, ask where a parcel is, subscribe to pushes and read a push.

Implementations only talk to the carrier and say what it answered. Waybill rows, parcel
timelines, the ledger and idempotency are the business of `logistics.services`, which calls a
carrier only outside a database transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class CarrierError(Exception):
    """The carrier could not do it. `code` is stable and stored (Waybill.last_error); `retry`
    says whether trying again later may help (down, timed out) or not (refused the data)."""

    def __init__(self, code: str, *, retry: bool, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code[:40]
        self.retry = retry
        # What the carrier said, for the log; never holds a key or a signature.
        self.detail = detail[:200]


class CarrierNotConfiguredError(CarrierError):
    def __init__(self) -> None:
        super().__init__("carrier_not_configured", retry=False)


class InvalidPushError(Exception):
    """A push that is not from the carrier (bad or missing signature) or not readable."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Party:
    name: str
    mobile: str
    address: str


@dataclass(frozen=True)
class WaybillRequest:
    """What a carrier needs to make a waybill. `reference` is ours and the same on every
    attempt, so a carrier that already made it answers the same waybill."""

    reference: str
    carrier: str
    service: str
    recipient: Party
    sender: Party
    cargo: str
    weight_g: int
    count: int = 1


@dataclass(frozen=True)
class WaybillMade:
    tracking_number: str
    carrier_task_id: str = ""
    # What the carrier gave for the label: sorting code, destination hub ...
    label: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingUpdate:
    """One step of a parcel as the carrier tells it, normalized: `code` a TrackingCode value,
    `exception` an ExceptionKind value when `code` is "exception"."""

    carrier: str
    tracking_number: str
    code: str
    occurred_at: datetime.datetime
    text: str = ""
    place: str = ""
    exception: str = ""
    raw_status: str = ""


@dataclass(frozen=True)
class PushReceived:
    """A verified push: its updates, and the answer the carrier expects back."""

    updates: list[TrackingUpdate]
    answer: dict[str, object]


@dataclass(frozen=True)
class LabelData:
    """What our label prints for the carrier's part."""

    carrier_name: str
    tracking_number: str
    sort_code: str = ""
    service_name: str = ""
    charge: Decimal | None = None


class Carrier(Protocol):
    """An express carrier (or an aggregator that speaks for many)."""

    name: str

    def configured(self) -> bool: ...

    def create_waybill(self, request: WaybillRequest) -> WaybillMade: ...

    def cancel(self, *, carrier: str, tracking_number: str, carrier_task_id: str) -> None: ...

    def label_data(
        self, *, carrier: str, tracking_number: str, label: Mapping[str, str]
    ) -> LabelData: ...

    def track(self, *, carrier: str, tracking_number: str, phone: str) -> list[TrackingUpdate]: ...

    def subscribe(
        self, *, carrier: str, tracking_number: str, phone: str, callback_url: str
    ) -> None: ...

    def parse_push(self, form: Mapping[str, str]) -> PushReceived: ...
