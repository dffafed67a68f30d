"""What the logistics services share: who may act and where, the signed-in actor, lots,
checked numbers, and the parcel, stop and route steps several kinds of work take."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT32_MAX, int_check
from xiangcun.inventory.selectors import locations_list
from xiangcun.logistics.errors import (
    InvalidIntakeError,
    LogisticsPermissionDeniedError,
    NotYourStationError,
    ParcelNotFoundError,
)
from xiangcun.logistics.models import (
    PackedLine,
    Parcel,
    ParcelEvent,
    Route,
    RouteStop,
    StaffMember,
)
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.orders.types import OrderStatus
from xiangcun.traceability.errors import LotNotFoundError
from xiangcun.traceability.selectors import lot_get

Status = Parcel.Status
# Parcels the warehouse still has to send out on a van (a failed delivery is tried again).
DISPATCHABLE = (Status.PACKED, Status.DELIVERY_FAILED)


# --- Who may ------------------------------------------------------------------------------------


def _require(actor: AnyUser | None, roles: Iterable[Role]) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise LogisticsPermissionDeniedError
    if getattr(actor, "is_superuser", False):
        return
    if not user_roles(user=actor) & set(roles):
        raise LogisticsPermissionDeniedError


def stations_acted_at(*, user: AnyUser, roles: Iterable[Role]) -> frozenset[int] | None:
    """The stations where `user`, acting in one of `roles`, may hand over, take in or send back
    parcels: None for every station, an empty set for none.

    A station agent works at their own station only (their active StaffMember row as agent);
    the other roles that may take these steps span the county (the warehouse manager and the
    administrator everywhere, drivers and couriers at every station on the road)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if getattr(user, "is_superuser", False) or user_roles(user=user) & (set(roles) - {Role.AGENT}):
        return None
    return frozenset(
        StaffMember.objects.filter(
            user_id=user.pk, job=StaffMember.Job.AGENT, is_active=True
        ).values_list("station_id", flat=True)
    )


def _require_station(actor: AnyUser, station_id: int | None, roles: Iterable[Role]) -> None:
    """After `_require(actor, roles)`: the step is at `station_id`; an agent of another station
    is refused (NotYourStationError)."""
    stations = stations_acted_at(user=actor, roles=roles)
    if stations is not None and station_id not in stations:
        raise NotYourStationError


def _actor_id(actor: AnyUser | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _uid(user: AnyUser) -> int:
    """The primary key of a signed-in user (callers checked `_require` already, so a visitor
    never gets this far)."""
    if not user.is_authenticated:
        raise LogisticsPermissionDeniedError
    return user.pk


def _local_minutes(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.hour * 60 + local.minute


def _today() -> date:
    return timezone.localdate()


# --- Traceability -------------------------------------------------------------------------------


def _lot(lot_id: int | None) -> Any | None:
    return lot_get(lot_id=lot_id) if lot_id is not None else None


def _lot_or_none(lot_id: object) -> Any | None:
    """The lot, or None when there is no such lot (or the id is not one)."""
    if not isinstance(lot_id, int) or isinstance(lot_id, bool):
        return None
    try:
        return lot_get(lot_id=lot_id)
    except LotNotFoundError:
        return None


# --- Checked values -----------------------------------------------------------------------------


def _positive_int(value: object, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInputError(_("Enter a whole number above zero."), field=field)
    # The columns are 32-bit on PostgreSQL; a larger number fails in the driver, not here.
    return int_check(value, field=field, minimum=1, maximum=INT32_MAX)


def _minutes(value: object, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 60:
        raise InvalidInputError(_("Enter a time of day."), field=field)
    return value


def _warehouse_location_id() -> int:
    found = locations_list(kind="warehouse")
    if not found:
        raise InvalidIntakeError(_("There is no county warehouse to receive into."))
    return found[0].pk


# --- Parcels, stops and routes ------------------------------------------------------------------


def _event(parcel: Parcel, *, actor: AnyUser | None, note: str = "", place: str = "") -> None:
    ParcelEvent.objects.create(
        parcel=parcel,
        status=parcel.status,
        place=place[:80],
        note=note[:200],
        actor_id=_actor_id(actor),
    )


def _parcel_locked(parcel_id: int) -> Parcel:
    parcel = Parcel.objects.select_for_update().filter(pk=parcel_id).first()
    if parcel is None:
        raise ParcelNotFoundError
    return parcel


def _lots_of(parcel: Parcel) -> list[Any]:
    lot_ids = PackedLine.objects.filter(task_id=parcel.task_id, lot__isnull=False).values_list(
        "lot_id", flat=True
    )
    return [lot for lot in (_lot(lot_id) for lot_id in sorted(set(lot_ids))) if lot is not None]


def _order_ship(actor: AnyUser, parcel: Parcel) -> None:
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor).order
    if order.status == OrderStatus.PACKING:
        orders_services.order_transition(
            actor=actor, order_id=order.pk, to_status=OrderStatus.SHIPPED
        )


def _stop_done_if_complete(parcel: Parcel) -> None:
    stop = parcel.route_stop
    if (
        stop is None
        or stop.kind != RouteStop.Kind.HOME
        or stop.status in (RouteStop.Status.DONE, RouteStop.Status.FAILED)
    ):
        return
    still_open = Parcel.objects.filter(
        route_stop=stop, status__in=(Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
    ).exists()
    if not still_open:
        delivered = Parcel.objects.filter(route_stop=stop, status=Status.DELIVERED).exists()
        stop.status = RouteStop.Status.DONE if delivered else RouteStop.Status.FAILED
        stop.done_at = timezone.now()
        stop.save(update_fields=["status", "done_at"])
        _route_finish_if_done(stop.route_id)


def _route_finish_if_done(route_id: int) -> None:
    if not RouteStop.objects.filter(
        route_id=route_id, status__in=(RouteStop.Status.PENDING, RouteStop.Status.ARRIVED)
    ).exists():
        Route.objects.filter(pk=route_id).update(status=Route.Status.FINISHED)
