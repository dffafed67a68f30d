"""Reads of the logistics app shaped for pages and the API: a parcel and its timeline, the
parcels of an order, a driver's route for the day, the packing list, the dispatch board, the
fleet, staff and shifts, and farm pickups.

Each runs a fixed number of queries whatever the number of rows.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.language import in_reader_language
from xiangcun.logistics.carriers import carrier_name
from xiangcun.logistics.errors import (
    NotYourStationError,
    PackingTaskNotFoundError,
    ParcelNotFoundError,
    PickupNotFoundError,
    RouteNotFoundError,
    StopNotFoundError,
    VehicleNotFoundError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Intake,
    PackedLine,
    PackingTask,
    Parcel,
    ParcelEvent,
    Route,
    RoutePlan,
    RouteStop,
    Shift,
    StaffMember,
    Vehicle,
)
from xiangcun.logistics.models.carriers import ExceptionKind, TrackingCode, Waybill
from xiangcun.logistics.services import pickup_code_for, stations_acted_at
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    LOGISTICS_ROLES,
    UNCOLLECTED_AFTER,
    WAREHOUSE_ROLES,
    TimelineStep,
    WaitingParcel,
)
from xiangcun.orders import selectors as orders_selectors
from xiangcun.sellers.selectors import sellers_managed_by


def is_logistics_staff(*, user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return getattr(user, "is_superuser", False) or bool(user_roles(user=user) & LOGISTICS_ROLES)


def user_has_any_role(*, user: AnyUser, roles: frozenset[Role]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return getattr(user, "is_superuser", False) or bool(user_roles(user=user) & roles)


def _parcels() -> QuerySet[Parcel]:
    # The order is joined for its buyer: `parcel_pickup_code` decides on it.
    return Parcel.objects.select_related("station", "order").prefetch_related(
        Prefetch("events", queryset=ParcelEvent.objects.order_by("id")),
        Prefetch("waybills", queryset=Waybill.objects.order_by("-id")),
    )


def parcel_timeline(*, parcel: Parcel) -> list[TimelineStep]:
    """The parcel's steps, oldest first (from the prefetch when the parcel came from here),
    in the reader's language: a carrier's step is rendered from its code and parameters, its
    own words shown as they came."""
    return [_step(event) for event in sorted(event_list(parcel), key=lambda event: event.pk)]


def _step(event: ParcelEvent) -> TimelineStep:
    if not event.code:
        return TimelineStep(
            status=event.status,
            label=str(Parcel.Status(event.status).label),
            place=event.place,
            note=event.note,
            at=event.created_at,
        )
    params = event.params if isinstance(event.params, dict) else {}
    label = str(TrackingCode(event.code).label) if event.code in TrackingCode.values else event.code
    if event.code == TrackingCode.EXCEPTION:
        kind = str(params.get("exception") or ExceptionKind.OTHER)
        note = str(ExceptionKind(kind).label) if kind in ExceptionKind.values else kind
    elif params.get("tracking_number"):
        note = f"{carrier_name(str(params.get('carrier', '')))} {params['tracking_number']}"
    else:
        note = ""
    return TimelineStep(
        status=event.status,
        label=label,
        place=event.place,
        note=note,
        at=event.occurred_at or event.created_at,
        code=event.code,
        carrier_text=event.carrier_text,
    )


def event_list(parcel: Parcel) -> list[ParcelEvent]:
    return list(parcel.events.all())


def parcel_get(*, parcel_id: int, for_user: AnyUser) -> Parcel:
    """One parcel with its timeline, for logistics staff or the order's buyer (as
    `orders.selectors.order_viewer` counts them); anyone else gets ParcelNotFoundError (nothing
    to probe)."""
    parcel = _parcels().filter(pk=parcel_id).first()
    if parcel is None or not parcel_visible_to(parcel=parcel, user=for_user):
        raise ParcelNotFoundError
    return parcel


def parcel_visible_to(*, parcel: Parcel, user: AnyUser) -> bool:
    """Logistics staff, and the order's buyer (as `orders.selectors.order_viewer` counts
    them), may see a parcel and its timeline; nobody else."""
    if is_logistics_staff(user=user):
        return True
    return orders_selectors.order_viewer(user=user, order=parcel.order) == "buyer"


def parcels_for_order(*, order_id: int, for_user: AnyUser) -> list[Parcel]:
    """The parcels of an order the user may see (the buyer, staff, a seller of one of its
    lines), timelines prefetched. Raises OrderNotFoundError like the order page. Whether the
    user may also see a pickup code is `parcel_pickup_code`'s to say."""
    orders_selectors.order_get(order_id=order_id, for_user=for_user)
    return parcels_of_order(order_id=order_id)


def parcels_of_order(*, order_id: int) -> list[Parcel]:
    """No permission check: for callers that checked already (the order page)."""
    return list(_parcels().filter(order_id=order_id).order_by("id"))


def pickup_code_visible_to(*, parcel: Parcel, user: AnyUser) -> bool:
    """Whether `user` may be shown the parcel's pickup code: only the order's buyer and the
    person the parcel is addressed to (a user whose mobile number is the parcel's, who gets the
    code by text anyway). Nobody else, whatever else they may see of the parcel: not logistics
    staff, not station agents (they check codes and must never be shown them), not the agent
    who placed an assisted order, not a seller of a line, not the programme manager."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == parcel.order.buyer_id:
        return True
    phone = getattr(user, "phone", "")
    return bool(phone) and phone == parcel.phone


def parcel_pickup_code(*, parcel: Parcel, for_user: AnyUser) -> str:
    """The code to show while the parcel waits at the station, to those who may see it
    (`pickup_code_visible_to`); "" for everyone else and at any other time."""
    if parcel.status != Parcel.Status.AT_STATION:
        return ""
    if not pickup_code_visible_to(parcel=parcel, user=for_user):
        return ""
    return pickup_code_for(parcel)


def _waiting(rows: QuerySet[Parcel], *, limit: int) -> list[WaitingParcel]:
    """The parcels as the station counter sees them, longest waiting first, counted from one
    moment. A parcel arrived at its station with its last "at station" step."""
    now = timezone.now()
    found = (
        rows.annotate(
            arrived_at=Coalesce(
                Max("events__created_at", filter=Q(events__status=Parcel.Status.AT_STATION)),
                F("updated_at"),
            )
        )
        .values(
            "id",
            "number",
            "recipient",
            "station_id",
            "station__name",
            "station__name_en",
            "status",
            "arrived_at",
        )
        .order_by("arrived_at", "id")[:limit]
    )
    return [
        WaitingParcel(
            id=row["id"],
            number=row["number"],
            recipient=row["recipient"],
            station_id=row["station_id"],
            station_name=in_reader_language(row["station__name"] or "", row["station__name_en"]),
            at_station=row["status"] == Parcel.Status.AT_STATION,
            arrived_at=row["arrived_at"],
            days_waiting=(now - row["arrived_at"]).days,
            overdue=now - row["arrived_at"] >= UNCOLLECTED_AFTER,
        )
        for row in found
    ]


def parcels_at_station(*, station_id: int, limit: int = 50) -> list[WaitingParcel]:
    """Parcels waiting at a station, longest waiting first, with how long each has waited and
    whether it may go back (nobody collected it for UNCOLLECTED_AFTER)."""
    rows = Parcel.objects.filter(station_id=station_id, status=Parcel.Status.AT_STATION)
    return _waiting(rows, limit=limit)


def parcel_waiting_get(*, parcel_id: int, for_user: AnyUser) -> WaitingParcel:
    """One parcel as `parcels_at_station` shows it (how long it waited counts only while it is
    at the station), for someone who works parcels at its station (`services.stations_acted_at`):
    an agent of another station gets NotYourStationError."""
    found = _waiting(Parcel.objects.filter(pk=parcel_id), limit=1)
    if not found:
        raise ParcelNotFoundError
    stations = stations_acted_at(user=for_user, roles=HANDOVER_ROLES)
    if stations is not None and found[0].station_id not in stations:
        raise NotYourStationError
    return found[0]


def parcel_cash_due(*, parcel: Parcel) -> Decimal | None:
    """The cash to take before the parcel is handed over: the order's total while a cash order
    is unpaid (the hand-over and the door delivery refuse until then, CashFirstError), else
    None."""
    order = parcel.order
    if order.payment_method == "cash" and order.paid_at is None:
        return order.total
    return None


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


def route_stop_get(*, stop_id: int) -> RouteStop:
    """One stop of a route (StopNotFoundError when there is none)."""
    stop = RouteStop.objects.filter(pk=stop_id).first()
    if stop is None:
        raise StopNotFoundError
    return stop


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
        if parcel.station_id is not None:  # (for the type: the filter names stations)
            found.setdefault(parcel.station_id, []).append(parcel)
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


def farm_pickups_for_day(*, day: date, include_cancelled: bool = False) -> list[FarmPickup]:
    """The day's farm pickups by time window (cancelled ones only when asked for)."""
    rows = FarmPickup.objects.filter(day=day)
    if not include_cancelled:
        rows = rows.exclude(status=FarmPickup.Status.CANCELLED)
    return list(
        rows.select_related("seller", "variant__product", "requested_by").order_by(
            "window_start_min", "id"
        )
    )


def _pickups() -> QuerySet[FarmPickup]:
    return FarmPickup.objects.select_related("seller", "variant__product", "requested_by")


def farm_pickups_for_seller(*, seller_id: int, limit: int = 50) -> list[FarmPickup]:
    """A farm's pickup requests, latest day first. No permission check: the caller chose the
    farm from `sellers.selectors.sellers_managed_by`."""
    rows = _pickups().filter(seller_id=seller_id)
    return list(rows.order_by("-day", "-window_start_min", "-id")[:limit])


def _pickups_visible_to(user: AnyUser) -> QuerySet[FarmPickup]:
    """The warehouse sees every pickup; anyone else those of the shops they may manage and
    those they asked for themselves."""
    if not user.is_authenticated or not user.is_active:
        return FarmPickup.objects.none()
    if user_has_any_role(user=user, roles=WAREHOUSE_ROLES):
        return _pickups()
    managed = [seller.pk for seller in sellers_managed_by(user=user)]
    return _pickups().filter(Q(seller_id__in=managed) | Q(requested_by_id=user.pk))


def farm_pickups_visible(
    *,
    user: AnyUser,
    day: date | None = None,
    seller_id: int | None = None,
    limit: int = 100,
) -> list[FarmPickup]:
    """The pickups `user` may see (see `_pickups_visible_to`), latest day first."""
    rows = _pickups_visible_to(user)
    if day is not None:
        rows = rows.filter(day=day)
    if seller_id is not None:
        rows = rows.filter(seller_id=seller_id)
    return list(rows.order_by("-day", "-window_start_min", "-id")[:limit])


def farm_pickup_get(*, pickup_id: int, for_user: AnyUser) -> FarmPickup:
    """One pickup for someone who may see it; PickupNotFoundError for anyone else, so other
    farms' pickups cannot be probed."""
    pickup = _pickups_visible_to(for_user).filter(pk=pickup_id).first()
    if pickup is None:
        raise PickupNotFoundError
    return pickup


def farm_pickups_to_receive() -> list[FarmPickup]:
    rows = FarmPickup.objects.filter(
        status__in=(FarmPickup.Status.COLLECTED, FarmPickup.Status.PLANNED)
    )
    return list(rows.select_related("seller", "variant__product").order_by("day", "id")[:50])


def intakes_recent(*, limit: int = 20) -> list[Intake]:
    return list(Intake.objects.select_related("seller", "variant__product").order_by("-id")[:limit])


def vehicles_list() -> list[Vehicle]:
    return list(Vehicle.objects.select_related("home_station").order_by("plate"))


def vehicle_get(*, vehicle_id: int) -> Vehicle:
    """One van (VehicleNotFoundError when there is none)."""
    vehicle = Vehicle.objects.filter(pk=vehicle_id).first()
    if vehicle is None:
        raise VehicleNotFoundError
    return vehicle


def staff_list() -> list[StaffMember]:
    """Everyone who works in logistics, active people first, with their login and site."""
    return list(
        StaffMember.objects.select_related("user", "station").order_by("-is_active", "job", "id")
    )


def shifts_for_day(*, day: date) -> list[Shift]:
    """The day's shifts by start time, with the person and the van."""
    return list(
        Shift.objects.filter(day=day)
        .select_related("staff__user", "vehicle")
        .order_by("start_min", "id")
    )


def parcels_to_dispatch() -> list[Parcel]:
    """Packed parcels not on any van yet (the dispatch board's count)."""
    return list(
        Parcel.objects.filter(
            status__in=(Parcel.Status.PACKED, Parcel.Status.DELIVERY_FAILED)
        ).order_by("id")
    )


# --- Parcels coming back ------------------------------------------------------------------------

RETURN_STATUSES = (Parcel.Status.RETURNING, Parcel.Status.RETURNED)


def _returns() -> QuerySet[Parcel]:
    """Parcels with their station, order and `units` (everything packed in them)."""
    return Parcel.objects.select_related("station", "order").annotate(
        units=Coalesce(Sum("task__packed_lines__quantity"), 0)
    )


def parcels_returning(*, limit: int = 50) -> list[Parcel]:
    """Parcels on their way back to the county warehouse, the longest on the way first."""
    rows = _returns().filter(status=Parcel.Status.RETURNING)
    return list(rows.order_by("updated_at", "id")[:limit])


def parcels_returned_recent(*, limit: int = 20) -> list[Parcel]:
    """Parcels the warehouse received back, the latest first."""
    rows = _returns().filter(status=Parcel.Status.RETURNED)
    return list(rows.order_by("-updated_at", "-id")[:limit])


def parcel_return_get(*, parcel_id: int) -> Parcel:
    """A parcel coming back or received back, with its timeline prefetched; any other parcel
    raises ParcelNotFoundError (the returns page has nothing to do with it)."""
    parcel = (
        _parcels().select_related("order").filter(pk=parcel_id, status__in=RETURN_STATUSES).first()
    )
    if parcel is None:
        raise ParcelNotFoundError
    return parcel


def packed_lines_of_parcel(*, parcel: Parcel) -> list[PackedLine]:
    """What went into the parcel's box, line by line, with the order line and the lot."""
    rows = PackedLine.objects.filter(task_id=parcel.task_id).select_related("order_line", "lot")
    return list(rows.order_by("id"))


# Carriers' reads live in their own module; this stays the app's one public face.
from xiangcun.logistics.selectors_carriers import (  # noqa: E402
    CarrierOutbound,
    carrier_exceptions_open,
    handover_get,
    handovers_recent,
    outbound_by_carrier,
    parcel_by_number,
    parcel_waybill,
    pickup_slots,
    tracking_summary,
    waybill_get,
    waybills_waiting,
)

__all__ = [
    "CarrierOutbound",
    "carrier_exceptions_open",
    "handover_get",
    "handovers_recent",
    "outbound_by_carrier",
    "parcel_by_number",
    "parcel_waybill",
    "pickup_slots",
    "tracking_summary",
    "waybill_get",
    "waybills_waiting",
]


def parcel_handovers(*, since: datetime, limit: int = 5000) -> list[tuple[int, int]]:
    """(parcel id, user id) for each parcel handed over at a village station by its pickup
    code since `since`, and who handed it over (the service centre pays agents a fee per
    parcel); oldest first."""
    rows = (
        ParcelEvent.objects.filter(
            status=Parcel.Status.COLLECTED,
            actor__isnull=False,
            created_at__gte=since,
            parcel__destination=Parcel.Destination.STATION,
        )
        .order_by("id")
        .values_list("parcel_id", "actor_id")[: max(1, min(limit, 50_000))]
    )
    return [(parcel_id, actor_id) for parcel_id, actor_id in rows]
