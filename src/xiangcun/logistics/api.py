"""Logistics API under /api/v1/logistics: a parcel's timeline, an order's parcels, the driver's
route for today, the station hand-over by pickup code, and farm pickup requests. Bearer-token
auth."""

import re
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.accounts.types import AnyUser
from xiangcun.core.api import ErrorOut
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import (
    InvalidPickupRequestError,
    LogisticsPermissionDeniedError,
    RouteNotFoundError,
)
from xiangcun.logistics.models import FarmPickup, Parcel, Route
from xiangcun.logistics.types import PICKUP_REQUEST_ROLES, ROAD_ROLES, hhmm
from xiangcun.sellers.selectors import sellers_managed_by

router = Router(auth=ApiTokenAuth())


class StepOut(Schema):
    status: str
    label: str
    place: str
    note: str
    at: datetime


class ParcelStationOut(Schema):
    id: int
    name: str


class ParcelOut(Schema):
    id: int
    number: str
    order_id: int
    status: str
    status_label: str
    destination: str
    station: ParcelStationOut | None
    recipient: str
    pickup_code: str | None = Field(
        None,
        description="The 取件码 while the parcel waits at its station, for the order's buyer "
        "and the recipient only; null for everyone else (staff, station agents, sellers) and "
        "at any other time.",
    )
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


def _parcel_out(parcel: Parcel, *, user: AnyUser) -> ParcelOut:
    station = parcel.station
    return ParcelOut(
        id=parcel.pk,
        number=parcel.number,
        order_id=parcel.order_id,
        status=parcel.status,
        status_label=str(parcel.get_status_display()),
        destination=parcel.destination,
        station=ParcelStationOut(id=station.pk, name=station.name) if station else None,
        recipient=parcel.recipient,
        pickup_code=selectors.parcel_pickup_code(parcel=parcel, for_user=user) or None,
        timeline=[StepOut(**vars(step)) for step in selectors.parcel_timeline(parcel=parcel)],
    )


@router.get("/parcels/{int:parcel_id}", response=ParcelOut)
def parcel_detail(request: HttpRequest, parcel_id: int) -> ParcelOut:
    """One parcel and its timeline, for the buyer (with the pickup code) or logistics staff
    (without it)."""
    user = api_user(request)
    parcel = selectors.parcel_get(parcel_id=parcel_id, for_user=user)
    return _parcel_out(parcel, user=user)


@router.get("/orders/{int:order_id}/parcels", response=list[ParcelOut])
def order_parcels(request: HttpRequest, order_id: int) -> list[ParcelOut]:
    """The parcels of an order, for anyone who may see the order; only its buyer (and the
    recipient) gets the pickup codes."""
    user = api_user(request)
    parcels = selectors.parcels_for_order(order_id=order_id, for_user=user)
    return [_parcel_out(parcel, user=user) for parcel in parcels]


def _route_out(route: Route) -> RouteOut:
    return RouteOut(
        id=route.pk,
        day=route.plan.day.isoformat(),
        vehicle=route.vehicle.plate,
        cold_chain=route.vehicle.cold_chain,
        status=route.status,
        start=hhmm(route.start_min),
        end=hhmm(route.end_min),
        distance_km=round(route.distance_m / 1000, 1),
        stops=[
            StopOut(
                id=stop.pk,
                sequence=stop.sequence,
                kind=stop.kind,
                label=stop.label,
                address=stop.address,
                phone=stop.phone,
                window_start=hhmm(stop.window_start_min),
                window_end=hhmm(stop.window_end_min),
                arrive=hhmm(stop.arrive_min),
                depart=hhmm(stop.depart_min),
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
    user = api_user(request)
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
        actor=api_user(request),
        station_id=payload.station,
        code=payload.code,
    )
    return HandoverOut(**vars(result))


# --- Farm pickups -------------------------------------------------------------------------------


_PICKUP_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                  422: ErrorOut}  # fmt: skip


class PickupIn(Schema):
    """A farm pickup request. `seller` may be left out by someone who manages one shop only.
    Times of day are "HH:MM"; without latitude and longitude the van goes to the village."""

    seller: int | None = None
    variant: int
    day: date
    window_start: str = Field(examples=["09:00"])
    window_end: str = Field(examples=["12:00"])
    expected_kg: int
    crates: int = 1
    place: str
    contact_phone: str
    village: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    needs_cold_chain: bool = False
    lot: int | None = None
    note: str = ""


class PickupOut(Schema):
    id: int
    seller_id: int
    seller_name: str
    variant_id: int
    product_name: str
    variant_name: str
    lot_id: int | None
    village_id: int | None
    place: str
    latitude: Decimal
    longitude: Decimal
    contact_phone: str
    day: date
    window_start: str
    window_end: str
    expected_kg: int
    crates: int
    needs_cold_chain: bool
    note: str
    status: str
    status_label: str
    created_at: datetime


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _minutes_of(text: str, *, field: str) -> int:
    match = _HHMM.match(text.strip())
    if match is None:
        raise InvalidPickupRequestError(_("Give the time as HH:MM, like 09:30."), field=field)
    return int(match.group(1)) * 60 + int(match.group(2))


def _pickup_out(pickup: FarmPickup) -> PickupOut:
    return PickupOut(
        id=pickup.pk,
        seller_id=pickup.seller_id,
        seller_name=pickup.seller.name,
        variant_id=pickup.variant_id,
        product_name=pickup.variant.product.name,
        variant_name=pickup.variant.name,
        lot_id=pickup.lot_id,
        village_id=pickup.village_id,
        place=pickup.place,
        latitude=pickup.latitude,
        longitude=pickup.longitude,
        contact_phone=pickup.contact_phone,
        day=pickup.day,
        window_start=hhmm(pickup.window_start_min),
        window_end=hhmm(pickup.window_end_min),
        expected_kg=pickup.expected_kg,
        crates=pickup.crates,
        needs_cold_chain=pickup.needs_cold_chain,
        note=pickup.note,
        status=pickup.status,
        status_label=str(pickup.get_status_display()),
        created_at=pickup.created_at,
    )


def _pickup_caller(request: HttpRequest) -> AnyUser:
    user = api_user(request)
    if not selectors.user_has_any_role(user=user, roles=PICKUP_REQUEST_ROLES):
        raise LogisticsPermissionDeniedError
    return user


@router.get("/pickups", response={200: list[PickupOut], **_PICKUP_ERRORS})
def pickups_list(
    request: HttpRequest, day: date | None = None, seller: int | None = None
) -> list[PickupOut]:
    """Farm pickups, latest day first (at most 100): the warehouse sees every farm's; a seller
    their own shop's; an agent those of the farmers they may act for and those they asked
    for. Filter by `day` (YYYY-MM-DD) and `seller`."""
    user = _pickup_caller(request)
    rows = selectors.farm_pickups_visible(user=user, day=day, seller_id=seller)
    return [_pickup_out(pickup) for pickup in rows]


@router.post("/pickups", response={201: PickupOut, **_PICKUP_ERRORS})
def pickup_create(request: HttpRequest, payload: PickupIn) -> Status[PickupOut]:
    """Ask for goods to be collected from a farm. Errors: 400 invalid_farm_pickup (with the
    field), 403 logistics_permission_denied for a shop the caller may not act for."""
    user = _pickup_caller(request)
    seller_id = payload.seller
    if seller_id is None:
        managed = sellers_managed_by(user=user)
        if len(managed) != 1:
            raise InvalidPickupRequestError(_("Say which shop the pickup is for."), field="seller")
        seller_id = managed[0].pk
    pickup = services.farm_pickup_request(
        actor=user,
        seller_id=seller_id,
        variant_id=payload.variant,
        day=payload.day,
        window_start_min=_minutes_of(payload.window_start, field="window_start"),
        window_end_min=_minutes_of(payload.window_end, field="window_end"),
        expected_kg=payload.expected_kg,
        crates=payload.crates,
        place=payload.place,
        contact_phone=payload.contact_phone,
        village_id=payload.village,
        latitude=payload.latitude,
        longitude=payload.longitude,
        needs_cold_chain=payload.needs_cold_chain,
        lot_id=payload.lot,
        note=payload.note,
    )
    return Status(201, _pickup_out(selectors.farm_pickup_get(pickup_id=pickup.pk, for_user=user)))


@router.post("/pickups/{int:pickup_id}/cancel", response={200: PickupOut, **_PICKUP_ERRORS})
def pickup_cancel(request: HttpRequest, pickup_id: int) -> PickupOut:
    """Call off a pickup that is only requested. 409 farm_pickup_not_cancellable once it is
    planned or collected; 404 farm_pickup_not_found for a pickup the caller may not see."""
    user = _pickup_caller(request)
    services.farm_pickup_cancel(actor=user, pickup_id=pickup_id)
    return _pickup_out(selectors.farm_pickup_get(pickup_id=pickup_id, for_user=user))


# The carriers' endpoints register on this router too.
from xiangcun.logistics import api_carriers  # noqa: E402, F401
