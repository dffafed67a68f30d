"""Hand-over to the carriers: each carrier's courier comes at its pickup time, takes the day's
parcels that have a waybill and signs the list (on screen, or by typing their name); the
parcels are then with the carrier and their orders shipped."""

import base64
import binascii

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_check
from xiangcun.logistics.errors import (
    InvalidHandoverError,
    InvalidParcelStateError,
    InvalidPickupSlotError,
)
from xiangcun.logistics.models import (
    CarrierHandover,
    CarrierPickupSlot,
    Parcel,
    TrackingCode,
    Waybill,
)
from xiangcun.logistics.services._common import (
    Status,
    _lots_of,
    _minutes,
    _order_ship,
    _require,
    _uid,
)
from xiangcun.logistics.services.waybills import _carrier_code, carrier_event, waybill_record
from xiangcun.logistics.types import PACKING_ROLES, WAREHOUSE_ROLES
from xiangcun.traceability.services import event_ship

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 200_000
MAX_HANDOVER_PARCELS = 500


@transaction.atomic
def pickup_slot_set(
    *, actor: AnyUser, carrier: str, window_start_min: int, window_end_min: int
) -> CarrierPickupSlot:
    """When a carrier's courier comes each day (minutes after local midnight)."""
    _require(actor, WAREHOUSE_ROLES)
    carrier = _carrier_code(carrier)
    start = _minutes(window_start_min, field="window_start_min")
    end = _minutes(window_end_min, field="window_end_min")
    if start >= end:
        raise InvalidPickupSlotError(field="window_end_min")
    slot, _created = CarrierPickupSlot.objects.update_or_create(
        carrier=carrier, defaults={"window_start_min": start, "window_end_min": end}
    )
    return slot


def signature_png(data_url: str) -> bytes | None:
    """The PNG bytes of a canvas's `data:image/png;base64,...` (None when empty); anything
    else is refused."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix) or len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + 64:
        raise InvalidHandoverError(field="signature")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidHandoverError(field="signature") from error
    if not raw.startswith(PNG_MAGIC) or len(raw) > MAX_SIGNATURE_BYTES:
        raise InvalidHandoverError(field="signature")
    return raw


@transaction.atomic
def carrier_handover(
    *,
    actor: AnyUser,
    carrier: str,
    parcel_ids: list[int],
    courier_name: str = "",
    signature: bytes | None = None,
) -> CarrierHandover:
    """The carrier's courier takes these parcels (each packed, with a made waybill of this
    carrier) and signs: one hand-over list with its count and weight; each parcel is then with
    the carrier, its order shipped and its lots' shipping recorded."""
    text_check(carrier=carrier, courier_name=courier_name)
    _require(actor, PACKING_ROLES)
    carrier = _carrier_code(carrier)
    courier_name = (courier_name or "").strip()
    if len(courier_name) > 64:
        raise InvalidHandoverError(field="courier_name")
    if not courier_name and not signature:
        raise InvalidHandoverError(field="courier_name")
    if signature is not None and (
        not signature.startswith(PNG_MAGIC) or len(signature) > MAX_SIGNATURE_BYTES
    ):
        raise InvalidHandoverError(field="signature")
    if (
        not isinstance(parcel_ids, list)
        or not parcel_ids
        or len(parcel_ids) > MAX_HANDOVER_PARCELS
        or not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in parcel_ids)
    ):
        raise InvalidHandoverError(field="parcels")
    ids = sorted(set(parcel_ids))
    parcels = list(
        Parcel.objects.select_for_update().filter(pk__in=ids).select_related("order").order_by("pk")
    )
    waybills = {
        waybill.parcel_id: waybill
        for waybill in Waybill.objects.select_for_update().filter(
            parcel_id__in=ids, status=Waybill.Status.CREATED, carrier=carrier
        )
    }
    if len(parcels) != len(ids):
        raise InvalidHandoverError(field="parcels")
    for parcel in parcels:
        waybill = waybills.get(parcel.pk)
        if parcel.status != Status.PACKED or waybill is None or waybill.handover_id:
            raise InvalidParcelStateError(field="parcels", parcel=parcel.number)
    now = timezone.now()
    handover = CarrierHandover(
        carrier=carrier,
        day=timezone.localdate(now),
        courier_name=courier_name,
        parcel_count=len(parcels),
        total_weight_g=sum(parcel.weight_g for parcel in parcels),
        handed_by_id=_uid(actor),
        signed_at=now,
    )
    if signature:
        handover.signature.save(
            f"{carrier}-{now:%Y%m%d%H%M%S}.png", ContentFile(signature), save=False
        )
    handover.save()
    for parcel in parcels:
        waybill = waybills[parcel.pk]
        waybill.handover = handover
        waybill.save(update_fields=["handover", "updated_at"])
        parcel.status = Status.WITH_CARRIER
        parcel.save(update_fields=["status", "updated_at"])
        carrier_event(
            parcel,
            code=TrackingCode.HANDED_OVER,
            params={"carrier": carrier, "tracking_number": waybill.tracking_number},
            actor=actor,
            place=gettext("County warehouse"),
        )
        _order_ship(actor, parcel)
        for lot in _lots_of(parcel):
            event_ship(
                lot=lot,
                order_number=parcel.order.number,
                tracking_number=waybill.tracking_number,
                carrier=carrier,
            )
    return handover


@transaction.atomic
def carrier_handoff(
    *, actor: AnyUser, parcel_id: int, carrier: str, tracking_number: str
) -> Waybill:
    """One parcel handed to a carrier at the counter with the number the courier wrote: its
    waybill typed (`waybill_record`) and a hand-over list of one, signed by name of the staff
    member. For the county courier who takes a single box."""
    waybill = waybill_record(
        actor=actor, parcel_id=parcel_id, tracking_number=tracking_number, carrier=carrier
    )
    name = getattr(actor, "name", "") or getattr(actor, "phone", "") or "-"
    carrier_handover(
        actor=actor, carrier=waybill.carrier, parcel_ids=[parcel_id], courier_name=str(name)[:64]
    )
    waybill.refresh_from_db()
    return waybill
