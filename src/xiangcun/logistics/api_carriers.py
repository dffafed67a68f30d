"""Logistics API for national carriers, on the logistics router (/api/v1/logistics): a
parcel's carrier, tracking number and events; making and cancelling a waybill (staff); the
waybill label PDF; hand-over lists. Errors are {"code", "message"} in the caller's language."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema, Status

from xiangcun.accounts.auth import api_user
from xiangcun.core.api import ErrorOut
from xiangcun.logistics import selectors, services
from xiangcun.logistics.api import router
from xiangcun.logistics.carriers import carrier_name
from xiangcun.logistics.errors import (
    InvalidHandoverError,
    LogisticsPermissionDeniedError,
    ParcelNotFoundError,
)
from xiangcun.logistics.models import CarrierHandover, Parcel, Waybill
from xiangcun.logistics.types import PACKING_ROLES
from xiangcun.logistics.views.carriers import waybill_label_response

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
           422: ErrorOut, 503: ErrorOut}  # fmt: skip


class TrackingEventOut(Schema):
    code: str = Field(
        description="collected, in_transit, out_for_delivery, delivered, exception, "
        "waybill_created, handed_over, waybill_cancelled; empty for the county's own steps"
    )
    status: str
    label: str = Field(description="The step in the caller's language.")
    place: str
    note: str
    carrier_text: str = Field(description="The carrier's own words (often Chinese), as sent.")
    at: datetime


class TrackingOut(Schema):
    parcel: str
    status: str
    status_label: str
    carrier: str
    carrier_name: str
    tracking_number: str
    events: list[TrackingEventOut]


class WaybillIn(Schema):
    """A new waybill for a packed parcel: made at the carrier after the commit, or, with
    `tracking_number`, the number the courier wrote (typed by staff)."""

    carrier: str = Field(max_length=16, examples=["sf"])
    service: str = Field("", max_length=32)
    tracking_number: str = Field("", max_length=40)


class WaybillOut(Schema):
    id: int
    parcel: str
    carrier: str
    carrier_name: str
    service: str
    status: str
    tracking_number: str
    attempts: int
    last_error: str


class CarrierHandoverIn(Schema):
    carrier: str = Field(max_length=16)
    parcels: list[str] = Field(max_length=500, description="Parcel numbers.")
    courier_name: str = Field("", max_length=64)
    signature: str = Field(
        "", max_length=300_000, description="The courier's signature: data:image/png;base64,..."
    )


class CarrierHandoverOut(Schema):
    id: int
    carrier: str
    day: str
    courier_name: str
    parcel_count: int
    total_weight_g: int
    signed_at: datetime
    parcels: list[str]
    tracking_numbers: list[str]


def _staff(request: HttpRequest) -> None:
    if not selectors.user_has_any_role(user=api_user(request), roles=PACKING_ROLES):
        raise LogisticsPermissionDeniedError


def _waybill_out(waybill: Waybill, parcel: Parcel) -> WaybillOut:
    return WaybillOut(
        id=waybill.pk,
        parcel=parcel.number,
        carrier=waybill.carrier,
        carrier_name=carrier_name(waybill.carrier),
        service=waybill.service,
        status=waybill.status,
        tracking_number=waybill.tracking_number,
        attempts=waybill.attempts,
        last_error=waybill.last_error,
    )


def _handover_out(handover: CarrierHandover) -> CarrierHandoverOut:
    waybills = list(handover.waybills.select_related("parcel").order_by("parcel_id"))
    return CarrierHandoverOut(
        id=handover.pk,
        carrier=handover.carrier,
        day=handover.day.isoformat(),
        courier_name=handover.courier_name,
        parcel_count=handover.parcel_count,
        total_weight_g=handover.total_weight_g,
        signed_at=handover.signed_at,
        parcels=[waybill.parcel.number for waybill in waybills],
        tracking_numbers=[waybill.tracking_number for waybill in waybills],
    )


@router.get("/parcels/{number}/tracking", response={200: TrackingOut, **_ERRORS})
def parcel_tracking(request: HttpRequest, number: str) -> TrackingOut:
    """Where a parcel is: its carrier, tracking number and steps (oldest first), for the
    order's buyer or logistics staff; anyone else gets 404 parcel_not_found."""
    parcel = selectors.parcel_by_number(number=number, for_user=api_user(request))
    summary = selectors.tracking_summary(parcel=parcel)
    return TrackingOut(
        parcel=parcel.number,
        status=parcel.status,
        status_label=str(parcel.get_status_display()),
        carrier=summary["carrier"],
        carrier_name=summary["carrier_name"],
        tracking_number=summary["tracking_number"],
        events=[
            TrackingEventOut(
                code=step.code,
                status=step.status,
                label=step.label,
                place=step.place,
                note=step.note,
                carrier_text=step.carrier_text,
                at=step.at,
            )
            for step in selectors.parcel_timeline(parcel=parcel)
        ],
    )


@router.post("/parcels/{number}/waybill", response={201: WaybillOut, **_ERRORS})
def waybill_create(request: HttpRequest, number: str, payload: WaybillIn) -> Status[WaybillOut]:
    """Staff: a waybill for a packed parcel leaving the county (409 waybill_state when it has
    a live one). With `tracking_number` the waybill is made at once with that number."""
    user = api_user(request)
    _staff(request)
    parcel = selectors.parcel_by_number(number=number, for_user=user)
    if payload.tracking_number:
        waybill = services.waybill_record(
            actor=user,
            parcel_id=parcel.pk,
            tracking_number=payload.tracking_number,
            carrier=payload.carrier,
        )
    else:
        waybill = services.waybill_new(
            actor=user, parcel_id=parcel.pk, carrier=payload.carrier, service=payload.service
        )
    waybill.refresh_from_db()
    return Status(201, _waybill_out(waybill, parcel))


@router.post("/waybills/{int:waybill_id}/cancel", response={200: WaybillOut, **_ERRORS})
def waybill_cancel(request: HttpRequest, waybill_id: int) -> WaybillOut:
    """Staff: cancel a waybill not yet handed over (at the carrier first; 503
    carrier_unavailable when it cannot be reached, nothing changed)."""
    waybill = services.waybill_cancel(actor=api_user(request), waybill_id=waybill_id)
    return _waybill_out(waybill, selectors.waybill_get(waybill_id=waybill.pk).parcel)


@router.get(
    "/parcels/{number}/label",
    response={200: None, **_ERRORS},
    openapi_extra={
        "responses": {200: {"description": "The label PDF", "content": {"application/pdf": {}}}}
    },
)
def waybill_label(request: HttpRequest, number: str, size: str = "100x150") -> HttpResponse:
    """Staff: the electronic waybill label as a PDF, `size` 76x130 or 100x150 (mm). 409
    waybill_state while the waybill is not made."""
    _staff(request)
    if size not in ("76x130", "100x150"):
        raise InvalidHandoverError(field="size")
    parcel = selectors.parcel_by_number(number=number, for_user=api_user(request))
    return waybill_label_response(parcel, selectors.parcel_waybill(parcel=parcel), size)


@router.post("/handovers", response={201: CarrierHandoverOut, **_ERRORS})
def handover_create(request: HttpRequest, payload: CarrierHandoverIn) -> Status[CarrierHandoverOut]:
    """Staff: the carrier's courier takes these parcels and signs (a PNG data URL, or their
    typed name)."""
    user = api_user(request)
    _staff(request)
    ids = []
    for number in payload.parcels:
        try:
            ids.append(selectors.parcel_by_number(number=number, for_user=user).pk)
        except ParcelNotFoundError as error:
            raise InvalidHandoverError(field="parcels") from error
    handover = services.carrier_handover(
        actor=user,
        carrier=payload.carrier,
        parcel_ids=ids,
        courier_name=payload.courier_name,
        signature=services.signature_png(payload.signature),
    )
    return Status(201, _handover_out(handover))


@router.get("/handovers/{int:handover_id}", response={200: CarrierHandoverOut, **_ERRORS})
def handover_detail(request: HttpRequest, handover_id: int) -> CarrierHandoverOut:
    """Staff: one hand-over list (who, when, which parcels, count and weight)."""
    _staff(request)
    return _handover_out(selectors.handover_get(handover_id=handover_id))
