"""The manual carrier: the county's small courier, or any carrier when Kuaidi100 is not
configured. Staff type the tracking number on the parcel page and type its steps as the
courier reports them; nothing is called."""

from __future__ import annotations

from collections.abc import Mapping

from xiangcun.logistics.carriers.base import (
    CarrierError,
    InvalidPushError,
    LabelData,
    PushReceived,
    TrackingUpdate,
    WaybillMade,
    WaybillRequest,
)


class ManualCarrier:
    name = "manual"

    def configured(self) -> bool:
        return True

    def create_waybill(self, request: WaybillRequest) -> WaybillMade:
        # Not an error for retrying: the waybill waits for staff to type the number.
        raise CarrierError("typed_by_staff", retry=False)

    def cancel(self, *, carrier: str, tracking_number: str, carrier_task_id: str) -> None:
        return None

    def label_data(
        self, *, carrier: str, tracking_number: str, label: Mapping[str, str]
    ) -> LabelData:
        return LabelData(carrier_name=carrier, tracking_number=tracking_number)

    def track(self, *, carrier: str, tracking_number: str, phone: str) -> list[TrackingUpdate]:
        return []

    def subscribe(
        self, *, carrier: str, tracking_number: str, phone: str, callback_url: str
    ) -> None:
        return None

    def parse_push(self, form: Mapping[str, str]) -> PushReceived:
        raise InvalidPushError("manual_carrier_has_no_pushes")
