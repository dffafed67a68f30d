"""Stock shipped into the county (下行): a seller announces a shipment to the county warehouse
(an advance shipping notice), the warehouse receives it line by line, and what arrived in good
condition goes on hand at the warehouse through `stock_receive`, from where the village
deliveries take it like any other stock.

Who may: a seller (or an agent acting for one) announces shipments of their own products;
warehouse staff (`inventory.change_stock`) receive. Receiving a line twice changes nothing."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import INT32_MAX, INT64_MAX, text_field
from xiangcun.inventory.errors import (
    InboundAlreadyReceivedError,
    InboundNotFoundError,
    InboundPermissionDeniedError,
    InvalidInboundError,
    InvalidQuantityError,
    LocationNotFoundError,
)
from xiangcun.inventory.models import InboundLine, InboundShipment, Location
from xiangcun.inventory.selectors import CHANGE_PERMISSION, variant_seller
from xiangcun.inventory.services.stock import stock_receive
from xiangcun.sellers.selectors import (
    approved_seller_ids_managed_by,
    seller_get,
    user_has_permission,
)

MAX_LINES = 50
CARRIER_MAX_LENGTH = 40
TRACKING_MAX_LENGTH = 40
NOTE_MAX_LENGTH = 200
# A notice for goods due more than this far ahead (or long past) is a typing mistake.
EXPECTED_WINDOW = datetime.timedelta(days=180)


def _count(value: object, *, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= INT32_MAX:
        raise InvalidQuantityError(field=field)
    return value


def _warehouse(location_id: int | None) -> Location:
    """The county warehouse the goods go to: the one named, or the first active one."""
    rows = Location.objects.filter(kind=Location.Kind.WAREHOUSE, is_active=True).order_by("pk")
    if location_id is not None:
        rows = rows.filter(pk=location_id) if 0 < location_id <= INT32_MAX else rows.none()
    location = rows.first()
    if location is None:
        raise LocationNotFoundError(field="warehouse_id")
    return location


def _expected_on(value: object) -> datetime.date:
    today = timezone.localdate()
    if (
        not isinstance(value, datetime.date)
        or isinstance(value, datetime.datetime)
        or not today - EXPECTED_WINDOW <= value <= today + EXPECTED_WINDOW
    ):
        raise InvalidInboundError(
            _("Give the day the goods should arrive, within six months of today."),
            field="expected_on",
        )
    return value


def _lines(seller_id: int, lines: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """Variant id → units announced; every variant must be the seller's, each once."""
    wanted: dict[int, int] = {}
    for index, line in enumerate(lines):
        if index >= MAX_LINES:
            raise InvalidInboundError(
                _("A shipment can list at most %(max)s products.") % {"max": MAX_LINES},
                field="lines",
            )
        variant_id = _count(line.get("variant_id"), field=f"lines[{index}].variant_id", minimum=1)
        quantity = _count(line.get("quantity"), field=f"lines[{index}].quantity", minimum=1)
        if variant_seller(variant_id=variant_id) != seller_id:
            raise InvalidInboundError(
                _("Only your own products can be sent to the warehouse."),
                field=f"lines[{index}].variant_id",
            )
        if variant_id in wanted:
            raise InvalidInboundError(
                _("Each product once: add up the units on one line."),
                field=f"lines[{index}].variant_id",
            )
        wanted[variant_id] = quantity
    if not wanted:
        raise InvalidInboundError(_("List at least one product and how many."), field="lines")
    return wanted


@transaction.atomic
def inbound_create(
    *,
    actor: AnyUser,
    seller_id: int,
    carrier: str,
    tracking_number: str,
    expected_on: datetime.date,
    lines: Iterable[Mapping[str, Any]],
    note: str = "",
    warehouse_id: int | None = None,
) -> InboundShipment:
    """Announce a shipment of the seller's goods to the county warehouse. `lines` are
    `{"variant_id", "quantity"}`."""
    seller_id = _count(seller_id, field="seller_id", minimum=1)
    if not actor.is_authenticated or not actor.is_active:
        raise InboundPermissionDeniedError
    seller_get(seller_id=seller_id)
    # An approved shop only: an application waiting for review sends nothing yet.
    if seller_id not in approved_seller_ids_managed_by(user=actor):
        raise InboundPermissionDeniedError
    carrier = text_field(carrier, field="carrier", max_length=CARRIER_MAX_LENGTH)
    tracking_number = text_field(
        tracking_number, field="tracking_number", max_length=TRACKING_MAX_LENGTH
    )
    note = text_field(note, field="note", max_length=NOTE_MAX_LENGTH, required=False)
    expected_on = _expected_on(expected_on)
    wanted = _lines(seller_id, lines)
    warehouse = _warehouse(warehouse_id)
    shipment = InboundShipment.objects.create(
        seller_id=seller_id,
        warehouse=warehouse,
        carrier=carrier,
        tracking_number=tracking_number,
        expected_on=expected_on,
        note=note,
        created_by=actor,
    )
    InboundLine.objects.bulk_create(
        InboundLine(shipment=shipment, variant_id=variant_id, expected=quantity)
        for variant_id, quantity in wanted.items()
    )
    return shipment


def _receipt(line: InboundLine, entry: Mapping[str, Any], index: int) -> tuple[int, int, str]:
    received = _count(entry.get("received"), field=f"lines[{index}].received", minimum=0)
    damaged = _count(entry.get("damaged", 0), field=f"lines[{index}].damaged", minimum=0)
    if damaged > received:
        raise InvalidInboundError(
            _("Damaged units are counted among those received: no more than received."),
            field=f"lines[{index}].damaged",
        )
    note = text_field(
        entry.get("note", ""),
        field=f"lines[{index}].note",
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )
    if (received != line.expected or damaged) and not note:
        raise InvalidInboundError(
            _("Say why the count differs from the notice or what is damaged."),
            field=f"lines[{index}].note",
        )
    return received, damaged, note


@transaction.atomic
def inbound_receive(
    *, actor: AnyUser, shipment_id: int, lines: Iterable[Mapping[str, Any]]
) -> InboundShipment:
    """The warehouse receives lines of a shipment: `{"line_id", "received", "damaged", "note"}`
    each (a note is required when the count differs or units are damaged). Good units
    (received - damaged) go on hand at the warehouse. A line already received is left as it
    was if given the same count again (a retried request), and refused if given another."""
    if not actor.is_authenticated or not user_has_permission(
        user=actor, permission=CHANGE_PERMISSION
    ):
        raise InboundPermissionDeniedError
    if isinstance(shipment_id, bool) or not 0 < shipment_id <= INT64_MAX:
        raise InboundNotFoundError
    # The shipment row is the lock: two receipts of the same notice run one after the other.
    shipment = InboundShipment.objects.select_for_update().filter(pk=shipment_id).first()
    if shipment is None:
        raise InboundNotFoundError
    by_id = {line.pk: line for line in shipment.lines.all()}
    entries = list(lines)
    if not entries or len(entries) > MAX_LINES:
        raise InvalidInboundError(_("Count at least one line."), field="lines")
    now = timezone.now()
    for index, entry in enumerate(entries):
        line_id = entry.get("line_id")
        line = by_id.get(line_id) if isinstance(line_id, int) else None
        if line is None:
            raise InvalidInboundError(
                _("This line is not on the notice."), field=f"lines[{index}].line_id"
            )
        received, damaged, note = _receipt(line, entry, index)
        if line.received is not None:
            if (line.received, line.damaged) != (received, damaged):
                raise InboundAlreadyReceivedError(field=f"lines[{index}].received")
            continue
        if received - damaged > 0:
            stock_receive(
                actor=actor,
                variant_id=line.variant_id,
                location_id=shipment.warehouse_id,
                quantity=received - damaged,
                note=f"ASN-{shipment.pk}",
                reference=f"inbound:{shipment.pk}:{line.pk}",
            )
        line.received, line.damaged, line.note = received, damaged, note
        line.received_at, line.received_by_id = now, actor.pk
        line.save(update_fields=["received", "damaged", "note", "received_at", "received_by"])
    open_lines = [line for line in by_id.values() if line.received is None]
    status = (
        InboundShipment.Status.PARTLY_RECEIVED if open_lines else InboundShipment.Status.RECEIVED
    )
    if status != shipment.status:
        shipment.status = status
        shipment.received_at = None if open_lines else now
        shipment.save(update_fields=["status", "received_at", "updated_at"])
    return shipment
