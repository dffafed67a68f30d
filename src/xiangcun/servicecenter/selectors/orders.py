"""Reads of assisted orders: a station's list, one order for the API, and the receipt the counter
prints in large type (with the pickup code once the parcel waits at the station)."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import localized
from xiangcun.logistics.selectors import parcel_pickup_code, parcels_of_order
from xiangcun.orders.types import OrderStatus
from xiangcun.servicecenter.errors import (
    AssistedOrderNotFoundError,
    InvalidSearchError,
    NotYourStationError,
)
from xiangcun.servicecenter.models import AssistedOrder
from xiangcun.servicecenter.services._common import acting_station, require_agent
from xiangcun.servicecenter.services.residents import is_id
from xiangcun.servicecenter.types import AssistedOrderRow, Receipt, ReceiptLine

LIMIT_MAX = 200


def _rows(station_id: int) -> QuerySet[AssistedOrder]:
    return (
        AssistedOrder.objects.filter(station_id=station_id)
        .select_related("order", "resident", "station")
        .order_by("-created_at", "-pk")
    )


def _row(assisted: AssistedOrder) -> AssistedOrderRow:
    order: Any = assisted.order
    return AssistedOrderRow(
        order_id=order.pk,
        number=order.number,
        resident_id=assisted.resident_id,
        resident=assisted.resident.name,
        agent_id=assisted.agent_id,
        payment=assisted.payment,
        status=order.status,
        total=order.total,
        placed_at=assisted.created_at,
    )


def assisted_orders(
    *,
    actor: AnyUser,
    station_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[AssistedOrderRow]:
    """The acting station's assisted orders, newest first (`status`: orders' status, or
    "open" for every order not yet completed or cancelled)."""
    records = assisted_order_records(actor=actor, station_id=station_id, status=status, limit=limit)
    return [_row(assisted) for assisted in records]


def assisted_order_records(
    *,
    actor: AnyUser,
    station_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[AssistedOrder]:
    """As `assisted_orders`, the rows themselves with each order's lines prefetched (the API)."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    rows = _rows(station)
    if status == "open":
        rows = rows.exclude(order__status__in=[OrderStatus.COMPLETED, OrderStatus.CANCELLED])
    elif status:
        if status not in OrderStatus.values:
            raise InvalidSearchError(field="status")
        rows = rows.filter(order__status=status)
    limit = max(1, min(int(limit), LIMIT_MAX))
    return list(rows.prefetch_related("order__lines")[:limit])


def assisted_order_get(*, actor: AnyUser, order_id: int) -> AssistedOrder:
    """One assisted order of the acting station, its order and lines joined (the API's view).
    AssistedOrderNotFoundError for another station's (an agent never learns it exists)."""
    require_agent(actor)
    if not is_id(order_id):
        raise AssistedOrderNotFoundError
    assisted = (
        AssistedOrder.objects.select_related("order", "resident", "station")
        .prefetch_related(Prefetch("order__lines"))
        .filter(order_id=order_id)
        .first()
    )
    if assisted is None:
        raise AssistedOrderNotFoundError
    try:
        acting_station(actor, assisted.station_id)
    except NotYourStationError as error:
        raise AssistedOrderNotFoundError from error
    return assisted


def assisted_order_receipt(*, actor: AnyUser, order_id: int) -> Receipt:
    """The receipt of an assisted order: number, lines, total, how it is paid, and the pickup
    code while its parcel waits at the station ("" before)."""
    assisted = assisted_order_get(actor=actor, order_id=order_id)
    order: Any = assisted.order
    code = ""
    for parcel in parcels_of_order(order_id=order.pk):
        code = parcel_pickup_code(parcel=parcel, for_user=actor)
        if code:
            break
    return Receipt(
        order_id=order.pk,
        number=order.number,
        resident=assisted.resident.name,
        station=localized(assisted.station),
        placed_at=assisted.created_at,
        lines=[
            ReceiptLine(
                name=f"{line.product_name} {line.variant_name}".strip(),
                unit=line.unit,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in order.lines.all()
        ],
        total=order.total,
        payment=assisted.payment,
        payment_label=str(AssistedOrder.Payment(assisted.payment).label),
        paid=order.paid_at is not None,
        status=order.status,
        pickup_code=code,
    )
