"""Logistics API under /api/v1/logistics: a parcel's timeline, an order's parcels, the driver's
route for today and the station hand-over by pickup code. Bearer-token auth."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from xiangcun.accounts.auth import ApiTokenAuth
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import LogisticsPermissionDeniedError, RouteNotFoundError
from xiangcun.logistics.models import Parcel, Route
from xiangcun.logistics.types import ROAD_ROLES

router = Router(auth=ApiTokenAuth())


class StepOut(Schema):
    status: str
    label: str
    place: str
    note: str
    at: datetime


class StationOut(Schema):
    id: int
    name: str


class ParcelOut(Schema):
    id: int
    number: str
    order_id: int
    status: str
    status_label: str
    destination: str
    station: StationOut | None
    recipient: str
    pickup_code: str | None
    timeline: list[StepOut]


class ParcelBriefOut(Schema):
    id: int
    number: str
    recipient: str
    status: str


class StopOut(Schema):
    id: int
    sequence: int
    kind: str
    label: str
    address: str
    phone: str
    window_start: str
    window_end: str
    arrive: str
    depart: str
    delivery_kg: int
    pickup_kg: int
    delivery_crates: int
    pickup_crates: int
    status: str
    drop: list[ParcelBriefOut]


class RouteOut(Schema):
    id: int
    day: str
    vehicle: str
    cold_chain: bool
    status: str
    start: str
    end: str
    distance_km: float
    stops: list[StopOut]


class HandoverIn(Schema):
    code: str
    station: int


class HandoverOut(Schema):
    parcel_id: int
    parcel_number: str
    order_number: str
    recipient: str


def _hhmm(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _parcel_out(parcel: Parcel, *, show_code: bool) -> ParcelOut:
    station = parcel.station
    return ParcelOut(
        id=parcel.pk,
        number=parcel.number,
        order_id=parcel.order_id,
        status=parcel.status,
        status_label=str(parcel.get_status_display()),
        destination=parcel.destination,
        station=StationOut(id=station.pk, name=station.name) if station else None,
        recipient=parcel.recipient,
        pickup_code=(selectors.parcel_pickup_code(parcel=parcel) or None) if show_code else None,
        timeline=[StepOut(**vars(step)) for step in selectors.parcel_timeline(parcel=parcel)],
    )


@router.get("/parcels/{int:parcel_id}", response=ParcelOut)
def parcel_detail(request: HttpRequest, parcel_id: int) -> ParcelOut:
    """One parcel and its timeline, for the buyer (with the pickup code) or logistics staff."""
    parcel = selectors.parcel_get(parcel_id=parcel_id, for_user=request.auth)  # type: ignore[attr-defined]
    return _parcel_out(parcel, show_code=parcel.viewer == "buyer")  # type: ignore[attr-defined]


@router.get("/orders/{int:order_id}/parcels", response=list[ParcelOut])
def order_parcels(request: HttpRequest, order_id: int) -> list[ParcelOut]:
    user = request.auth  # type: ignore[attr-defined]
    parcels = selectors.parcels_for_order(order_id=order_id, for_user=user)
    staff = selectors.is_logistics_staff(user=user)
    return [_parcel_out(parcel, show_code=not staff) for parcel in parcels]


def _route_out(route: Route) -> RouteOut:
    return RouteOut(
        id=route.pk,
        day=route.plan.day.isoformat(),
        vehicle=route.vehicle.plate,
        cold_chain=route.vehicle.cold_chain,
        status=route.status,
        start=_hhmm(route.start_min),
        end=_hhmm(route.end_min),
        distance_km=round(route.distance_m / 1000, 1),
        stops=[
            StopOut(
                id=stop.pk,
                sequence=stop.sequence,
                kind=stop.kind,
                label=stop.label,
                address=stop.address,
                phone=stop.phone,
                window_start=_hhmm(stop.window_start_min),
                window_end=_hhmm(stop.window_end_min),
                arrive=_hhmm(stop.arrive_min),
                depart=_hhmm(stop.depart_min),
                delivery_kg=stop.delivery_kg,
                pickup_kg=stop.pickup_kg,
                delivery_crates=stop.delivery_crates,
                pickup_crates=stop.pickup_crates,
                status=stop.status,
                drop=[
                    ParcelBriefOut(
                        id=parcel.pk,
                        number=parcel.number,
                        recipient=parcel.recipient,
                        status=parcel.status,
                    )
                    for parcel in stop.parcels.all()
                ],
            )
            for stop in route.stops.all()
        ],
    )


@router.get("/routes/today", response=RouteOut)
def route_today(request: HttpRequest) -> RouteOut:
    """The route the calling driver drives today (404 route_not_found when there is none)."""
    user = request.auth  # type: ignore[attr-defined]
    if not selectors.user_has_any_role(user=user, roles=ROAD_ROLES):
        raise LogisticsPermissionDeniedError
    route = selectors.route_for_driver(user=user)
    if route is None:
        raise RouteNotFoundError
    return _route_out(route)


@router.post("/parcels/handover", response=HandoverOut)
def parcel_handover(request: HttpRequest, payload: HandoverIn) -> HandoverOut:
    """Hand a waiting parcel over by its pickup code. Wrong codes: 400 wrong_pickup_code; after
    five, 429 pickup_code_locked with Retry-After."""
    result = services.parcel_handover(
        actor=request.auth,  # type: ignore[attr-defined]
        station_id=payload.station,
        code=payload.code,
    )
    return HandoverOut(**vars(result))
