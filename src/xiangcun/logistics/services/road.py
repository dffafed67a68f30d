"""On the road: a van leaves with its route, and its driver arrives at, completes or fails
each stop."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.validators import text_check
from xiangcun.logistics.errors import (
    InvalidFailureReasonError,
    InvalidParcelStateError,
    LogisticsPermissionDeniedError,
    RouteNotFoundError,
    StopNotFoundError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Parcel,
    Route,
    RouteStop,
)
from xiangcun.logistics.services._common import (
    DISPATCHABLE,
    Status,
    _event,
    _lots_of,
    _order_ship,
    _require,
    _route_finish_if_done,
)
from xiangcun.logistics.services.delivery import FAILURE_REASONS, parcel_delivery_fail
from xiangcun.logistics.services.pickup_codes import _at_station
from xiangcun.logistics.types import ROAD_ROLES
from xiangcun.orders import selectors as orders_selectors
from xiangcun.regions.selectors import station_get
from xiangcun.traceability.services import event_ship


def _route_locked(route_id: int) -> Route:
    route = Route.objects.select_for_update().filter(pk=route_id).first()
    if route is None:
        raise RouteNotFoundError
    return route


def _may_drive(actor: AnyUser, route: Route) -> None:
    _require(actor, ROAD_ROLES)
    roles = user_roles(user=actor)
    if roles & {Role.WAREHOUSE, Role.ADMIN} or getattr(actor, "is_superuser", False):
        return
    if route.driver is None or route.driver.user_id != actor.pk:
        raise LogisticsPermissionDeniedError


@transaction.atomic
def route_start(*, actor: AnyUser, route_id: int) -> Route:
    """The van leaves the warehouse: its parcels are on the way, their orders shipped."""
    route = _route_locked(route_id)
    _may_drive(actor, route)
    if route.status != Route.Status.PLANNED:
        return route
    route.status = Route.Status.STARTED
    route.save(update_fields=["status"])
    parcels = (
        Parcel.objects.select_for_update()
        .filter(route_stop__route=route, status__in=DISPATCHABLE)
        .order_by("pk")
    )
    for parcel in parcels:
        parcel.status = (
            Status.OUT_FOR_DELIVERY
            if parcel.destination == Parcel.Destination.HOME
            else Status.IN_TRANSIT
        )
        parcel.save(update_fields=["status", "updated_at"])
        _event(parcel, actor=actor, note=gettext("Van %(plate)s") % {"plate": route.vehicle.plate})
        _order_ship(actor, parcel)
        order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor).order
        for lot in _lots_of(parcel):
            event_ship(lot=lot, order_number=order.number)
    return route


def _stop_locked(stop_id: int) -> RouteStop:
    # Only the stop's own row is locked (`of=("self",)`): its route and driver are joined for
    # reading, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    stop = (
        RouteStop.objects.select_for_update(of=("self",))
        .select_related("route__driver", "route__vehicle")
        .filter(pk=stop_id)
        .first()
    )
    if stop is None:
        raise StopNotFoundError
    return stop


@transaction.atomic
def stop_arrive(*, actor: AnyUser, stop_id: int) -> RouteStop:
    stop = _stop_locked(stop_id)
    _may_drive(actor, stop.route)
    if stop.route.status == Route.Status.PLANNED:
        route_start(actor=actor, route_id=stop.route_id)
    if stop.status == RouteStop.Status.PENDING:
        stop.status = RouteStop.Status.ARRIVED
        stop.arrived_at = timezone.now()
        stop.save(update_fields=["status", "arrived_at"])
    return stop


@transaction.atomic
def stop_complete(*, actor: AnyUser, stop_id: int) -> RouteStop:
    """Everything for this stop is dropped and collected. At a station the parcels wait for
    their recipients (codes texted) and returns go on the van; at a farm the goods are
    collected. Home parcels are closed one by one with `parcel_deliver`."""
    stop = _stop_locked(stop_id)
    _may_drive(actor, stop.route)
    if stop.status in (RouteStop.Status.DONE, RouteStop.Status.FAILED):
        return stop
    if stop.route.status == Route.Status.PLANNED:
        route_start(actor=actor, route_id=stop.route_id)
    if stop.kind == RouteStop.Kind.STATION and stop.station_id is not None:
        station = station_get(station_id=stop.station_id)
        for parcel in Parcel.objects.select_for_update().filter(route_stop=stop).order_by("pk"):
            if parcel.status == Status.IN_TRANSIT:
                _at_station(parcel, actor=actor, station=station)
        returning = Parcel.objects.select_for_update().filter(
            station_id=stop.station_id, status=Status.RETURNING
        )
        for parcel in returning.order_by("pk"):
            _event(parcel, actor=actor, place=station.name, note=gettext("Collected by the van"))
    elif stop.kind == RouteStop.Kind.FARM and stop.pickup_id is not None:
        FarmPickup.objects.filter(pk=stop.pickup_id).update(
            status=FarmPickup.Status.COLLECTED, updated_at=timezone.now()
        )
    elif stop.kind == RouteStop.Kind.HOME:
        open_parcels = Parcel.objects.filter(
            route_stop=stop, status__in=(Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
        )
        if open_parcels.exists():
            raise InvalidParcelStateError(
                _("Record the delivery (with the recipient's name) or why it failed.")
            )
    stop.status = RouteStop.Status.DONE
    stop.done_at = timezone.now()
    stop.arrived_at = stop.arrived_at or stop.done_at
    stop.save(update_fields=["status", "done_at", "arrived_at"])
    _route_finish_if_done(stop.route_id)
    return stop


@transaction.atomic
def stop_fail(*, actor: AnyUser, stop_id: int, reason: str, note: str = "") -> RouteStop:
    """The van could not serve this stop (road blocked, station closed...): its parcels go
    back into the next plan."""
    text_check(reason=reason, note=note)
    if reason not in FAILURE_REASONS:
        raise InvalidFailureReasonError(field="reason")
    stop = _stop_locked(stop_id)
    _may_drive(actor, stop.route)
    if stop.status in (RouteStop.Status.DONE, RouteStop.Status.FAILED):
        return stop
    if stop.route.status == Route.Status.PLANNED:
        route_start(actor=actor, route_id=stop.route_id)
    for parcel in Parcel.objects.filter(
        route_stop=stop, status__in=(Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
    ).order_by("pk"):
        parcel_delivery_fail(actor=actor, parcel_id=parcel.pk, reason=reason, note=note)
    stop.refresh_from_db()
    stop.status = RouteStop.Status.FAILED
    stop.failure_reason = (str(FAILURE_REASONS[reason]) + (f": {note}" if note else ""))[:200]
    stop.done_at = timezone.now()
    stop.save(update_fields=["status", "failure_reason", "done_at"])
    if stop.kind == RouteStop.Kind.FARM and stop.pickup_id is not None:
        FarmPickup.objects.filter(pk=stop.pickup_id).update(status=FarmPickup.Status.REQUESTED)
    _route_finish_if_done(stop.route_id)
    return stop
