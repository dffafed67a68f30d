"""Reads about national carriers, shaped for pages and the API: a parcel found by its number
for its tracking page, its waybill, the day's outbound parcels per carrier for the warehouse,
the waybills still waiting, open carrier problems, pickup times and hand-over lists.
(`selectors` re-exports these; other apps import from there.)"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from xiangcun.accounts.types import AnyUser
from xiangcun.logistics.carriers import CARRIER_NAMES, carrier_name
from xiangcun.logistics.errors import (
    HandoverNotFoundError,
    ParcelNotFoundError,
    WaybillNotFoundError,
)
from xiangcun.logistics.models import (
    CarrierException,
    CarrierHandover,
    CarrierPickupSlot,
    Parcel,
    ParcelEvent,
    Waybill,
)
from xiangcun.logistics.types import hhmm

PARCEL_NUMBER_MAX = 20


@dataclass
class CarrierOutbound:
    """One carrier's parcels waiting at the warehouse for its courier."""

    carrier: str
    name: str
    slot: CarrierPickupSlot | None
    waybills: list[Waybill] = field(default_factory=list)

    @property
    def window(self) -> str:
        """The pickup window as "15:00-17:00" ("" when none is set)."""
        if self.slot is None:
            return ""
        return f"{hhmm(self.slot.window_start_min)}-{hhmm(self.slot.window_end_min)}"

    @property
    def count(self) -> int:
        return len(self.waybills)

    @property
    def weight_kg(self) -> float:
        return sum(waybill.parcel.weight_g for waybill in self.waybills) / 1000


def _parcels_with_events() -> QuerySet[Parcel]:
    return Parcel.objects.select_related("station", "order").prefetch_related(
        Prefetch("events", queryset=ParcelEvent.objects.order_by("id")),
        Prefetch("waybills", queryset=Waybill.objects.order_by("-id")),
    )


def parcel_by_number(*, number: str, for_user: AnyUser) -> Parcel:
    """A parcel by its number with its timeline and waybills, for logistics staff or the
    order's buyer; anyone else, and a number that is no parcel's, gets ParcelNotFoundError."""
    from xiangcun.logistics.selectors import parcel_visible_to

    if not isinstance(number, str) or not 0 < len(number) <= PARCEL_NUMBER_MAX:
        raise ParcelNotFoundError
    parcel = _parcels_with_events().filter(number=number.upper()).first()
    if parcel is None or not parcel_visible_to(parcel=parcel, user=for_user):
        raise ParcelNotFoundError
    return parcel


def parcel_waybill(*, parcel: Parcel) -> Waybill | None:
    """The parcel's live waybill (pending or made), else its latest (failed, cancelled)."""
    waybills = sorted(parcel.waybills.all(), key=lambda waybill: -waybill.pk)
    for waybill in waybills:
        if waybill.status in (Waybill.Status.PENDING, Waybill.Status.CREATED):
            return waybill
    return waybills[0] if waybills else None


def waybill_get(*, waybill_id: int) -> Waybill:
    waybill = Waybill.objects.select_related("parcel").filter(pk=waybill_id).first()
    if waybill is None:
        raise WaybillNotFoundError
    return waybill


def outbound_by_carrier() -> list[CarrierOutbound]:
    """Per carrier (in pickup-time order), the packed parcels with a made waybill not yet
    handed over: what its courier takes at the next pickup."""
    slots = {slot.carrier: slot for slot in CarrierPickupSlot.objects.all()}
    waybills = (
        Waybill.objects.filter(
            status=Waybill.Status.CREATED,
            handover__isnull=True,
            parcel__status=Parcel.Status.PACKED,
        )
        .select_related("parcel", "parcel__order")
        .order_by("carrier", "parcel_id")
    )
    groups: dict[str, CarrierOutbound] = {}
    for waybill in waybills:
        group = groups.get(waybill.carrier)
        if group is None:
            group = groups[waybill.carrier] = CarrierOutbound(
                carrier=waybill.carrier,
                name=carrier_name(waybill.carrier),
                slot=slots.get(waybill.carrier),
            )
        group.waybills.append(waybill)
    return sorted(
        groups.values(),
        key=lambda group: (group.slot.window_start_min if group.slot else 24 * 60, group.carrier),
    )


def waybills_waiting(*, limit: int = 100) -> list[Waybill]:
    """Waybills not made yet (the carrier is being asked, or staff must type the number) and
    those that could not be made, for packed parcels."""
    return list(
        Waybill.objects.filter(
            status__in=(Waybill.Status.PENDING, Waybill.Status.FAILED),
            parcel__status=Parcel.Status.PACKED,
        )
        .select_related("parcel")
        .order_by("status", "pk")[:limit]
    )


def carrier_exceptions_open(*, limit: int = 100) -> list[CarrierException]:
    return list(
        CarrierException.objects.filter(status=CarrierException.Status.OPEN)
        .select_related("parcel", "waybill", "event")
        .order_by("created_at", "pk")[:limit]
    )


def pickup_slots() -> list[CarrierPickupSlot]:
    return list(CarrierPickupSlot.objects.all())


def handovers_recent(*, limit: int = 20) -> list[CarrierHandover]:
    return list(CarrierHandover.objects.order_by("-signed_at", "-id")[:limit])


def handover_get(*, handover_id: int) -> CarrierHandover:
    handover = (
        CarrierHandover.objects.filter(pk=handover_id)
        .prefetch_related(
            Prefetch(
                "waybills",
                queryset=Waybill.objects.select_related("parcel").order_by("parcel_id"),
            )
        )
        .first()
    )
    if handover is None:
        raise HandoverNotFoundError
    return handover


def carrier_options() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in CARRIER_NAMES.items()]


def tracking_summary(*, parcel: Parcel) -> dict[str, Any]:
    """The carrier, its name and the tracking number of a parcel ("" when it has none)."""
    waybill = parcel_waybill(parcel=parcel)
    return {
        "carrier": waybill.carrier if waybill else "",
        "carrier_name": carrier_name(waybill.carrier) if waybill else "",
        "tracking_number": waybill.tracking_number if waybill else "",
        "waybill_status": waybill.status if waybill else "",
    }
