"""Reads of the logistics app shaped for pages and the API: a parcel and its timeline, the
parcels of an order, a driver's route for the day, the packing list, the dispatch board.

Each runs a fixed number of queries whatever the number of rows.
"""

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.logistics.errors import (
    PackingTaskNotFoundError,
    ParcelNotFoundError,
    RouteNotFoundError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Intake,
    PackingTask,
    Parcel,
    ParcelEvent,
    Route,
    RoutePlan,
    RouteStop,
    StaffMember,
    Vehicle,
)
from xiangcun.logistics.services import pickup_code_for
from xiangcun.logistics.types import LOGISTICS_ROLES, TimelineStep
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.sellers.types import AnyUser


def is_logistics_staff(*, user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return getattr(user, "is_superuser", False) or bool(user_roles(user=user) & LOGISTICS_ROLES)


def user_has_any_role(*, user: AnyUser, roles: frozenset[Role]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return getattr(user, "is_superuser", False) or bool(user_roles(user=user) & roles)


def _parcels() -> QuerySet[Parcel]:
    return Parcel.objects.select_related("station").prefetch_related(
        Prefetch("events", queryset=ParcelEvent.objects.order_by("id"))
    )


def parcel_timeline(*, parcel: Parcel) -> list[TimelineStep]:
    """The parcel's steps, oldest first (from the prefetch when the parcel came from here)."""
    return [
        TimelineStep(
            status=event.status,
            label=str(Parcel.Status(event.status).label),
            place=event.place,
            note=event.note,
            at=event.created_at,
        )
        for event in sorted(event_list(parcel), key=lambda event: event.pk)
    ]


def event_list(parcel: Parcel) -> list[ParcelEvent]:
    return list(parcel.events.all())


def parcel_get(*, parcel_id: int, for_user: AnyUser) -> Parcel:
    """One parcel with its timeline, for the order's buyer or logistics staff; anyone else gets
    ParcelNotFoundError (nothing to probe). `parcel.viewer` is "buyer" or "staff"."""
    parcel = _parcels().filter(pk=parcel_id).first()
    if parcel is None:
        raise ParcelNotFoundError
    if is_logistics_staff(user=for_user):
        parcel.viewer = "staff"  # type: ignore[attr-defined]
        return parcel
    try:
        order = orders_selectors.order_get(order_id=parcel.order_id, for_user=for_user)
    except OrderNotFoundError:
        raise ParcelNotFoundError from None
    if order.viewer != "buyer":  # type: ignore[attr-defined]
        raise ParcelNotFoundError
    parcel.viewer = "buyer"  # type: ignore[attr-defined]
    return parcel


def parcels_for_order(*, order_id: int, for_user: AnyUser) -> list[Parcel]:
    """The parcels of an order the user may see (the buyer, staff; a seller too, without
    pickup codes), timelines prefetched. Raises OrderNotFoundError like the order page."""
    order = orders_selectors.order_get(order_id=order_id, for_user=for_user)
    return parcels_of_order(order_id=order.pk)


def parcels_of_order(*, order_id: int) -> list[Parcel]:
    """No permission check: for callers that checked already (the order page)."""
    return list(_parcels().filter(order_id=order_id).order_by("id"))


def parcel_pickup_code(*, parcel: Parcel) -> str:
    """The code to show the buyer while the parcel waits at the station, else ""."""
    if parcel.status != Parcel.Status.AT_STATION:
        return ""
    return pickup_code_for(parcel)


def parcels_at_station(*, station_id: int, limit: int = 50) -> list[Parcel]:
    """Parcels waiting at a station, oldest first."""
    rows = Parcel.objects.filter(station_id=station_id, status=Parcel.Status.AT_STATION)
    return list(rows.order_by("updated_at", "id")[:limit])


def staff_member_for(*, user: AnyUser) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    return StaffMember.objects.filter(user_id=user.pk, is_active=True).first()


def plan_active(*, day: date) -> RoutePlan | None:
    return RoutePlan.objects.filter(day=day, status=RoutePlan.Status.ACTIVE).first()


def _stops_with_parcels() -> Prefetch[Any]:
    return Prefetch(
        "stops",
        queryset=RouteStop.objects.select_related("pickup__variant__product")
        .prefetch_related(Prefetch("parcels", queryset=Parcel.objects.order_by("id")))
        .order_by("sequence"),
    )


def route_for_driver(*, user: AnyUser, day: date | None = None) -> Route | None:
    """The route of the day's active plan driven by this user, stops and their parcels
    prefetched (five queries), or None."""
    if not user.is_authenticated:
        return None
    day = day or timezone.localdate()
    return (
        Route.objects.filter(
            plan__day=day, plan__status=RoutePlan.Status.ACTIVE, driver__user_id=user.pk
        )
        .select_related("vehicle", "plan", "driver__user")
        .prefetch_related(_stops_with_parcels())
        .first()
    )


def route_get(*, route_id: int) -> Route:
    route = (
        Route.objects.filter(pk=route_id)
        .select_related("vehicle", "plan", "driver__user")
        .prefetch_related(_stops_with_parcels())
        .first()
    )
    if route is None:
        raise RouteNotFoundError
    return route


def routes_for_plan(*, plan: RoutePlan) -> list[Route]:
    return list(
        plan.routes.select_related("vehicle", "driver__user")
        .prefetch_related(_stops_with_parcels())
        .order_by("id")
    )


def returns_at_stations(*, station_ids: list[int]) -> dict[int, list[Parcel]]:
    """Parcels waiting at these stations to go back to the warehouse."""
    found: dict[int, list[Parcel]] = {}
    rows = Parcel.objects.filter(station_id__in=station_ids, status=Parcel.Status.RETURNING)
    for parcel in rows.order_by("id"):
        found.setdefault(parcel.station_id, []).append(parcel)  # type: ignore[arg-type]
    return found


def packing_tasks_open() -> list[PackingTask]:
    return list(PackingTask.objects.filter(status=PackingTask.Status.OPEN).order_by("id"))


def packing_tasks_recent(*, limit: int = 20) -> list[PackingTask]:
    rows = PackingTask.objects.filter(status=PackingTask.Status.PACKED).select_related("parcel")
    return list(rows.order_by("-packed_at", "-id")[:limit])


def orders_waiting_for_packing(*, limit: int = 50) -> list[Any]:
    """Paid (or cash) orders with no packing task yet."""
    orders = orders_selectors.orders_to_pack(limit=limit * 2)
    started = set(
        PackingTask.objects.filter(order_id__in=[o.pk for o in orders]).values_list(
            "order_id", flat=True
        )
    )
    return [order for order in orders if order.pk not in started][:limit]


def packing_task_get(*, task_id: int) -> PackingTask:
    task = PackingTask.objects.filter(pk=task_id).select_related("parcel").first()
    if task is None:
        raise PackingTaskNotFoundError
    return task


def packed_lot_ids(*, task_id: int) -> dict[int, int]:
    """Order line id -> lot id of what went into the box."""
    return dict(
        PackingTask.objects.get(pk=task_id)
        .packed_lines.filter(lot__isnull=False)
        .values_list("order_line_id", "lot_id")
    )


def farm_pickups_for_day(*, day: date) -> list[FarmPickup]:
    return list(
        FarmPickup.objects.filter(day=day)
        .select_related("seller", "variant__product")
        .order_by("window_start_min", "id")
    )


def farm_pickups_to_receive() -> list[FarmPickup]:
    rows = FarmPickup.objects.filter(
        status__in=(FarmPickup.Status.COLLECTED, FarmPickup.Status.PLANNED)
    )
    return list(rows.select_related("seller", "variant__product").order_by("day", "id")[:50])


def intakes_recent(*, limit: int = 20) -> list[Intake]:
    return list(Intake.objects.select_related("seller", "variant__product").order_by("-id")[:limit])


def vehicles_list() -> list[Vehicle]:
    return list(Vehicle.objects.select_related("home_station").order_by("plate"))


def parcels_to_dispatch() -> list[Parcel]:
    """Packed parcels not on any van yet (the dispatch board's count)."""
    return list(
        Parcel.objects.filter(
            status__in=(Parcel.Status.PACKED, Parcel.Status.DELIVERY_FAILED)
        ).order_by("id")
    )
