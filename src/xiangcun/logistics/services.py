"""Every write of the logistics app: fleet and staff, farm pickups and intake, packing, parcels
and their pickup codes, the road (routes, stops, deliveries, returns) and route planning.

Rules every function keeps:
- checks first, then writes, in one transaction; a refused step writes nothing (except a wrong
  pickup code, whose count must survive the refusal);
- parcels and stops that several people may touch (driver, station agent, warehouse) are locked
  with select_for_update in primary-key order before they are judged;
- orders move through `orders.services.order_transition`, stock through inventory's services,
  lots through traceability's services; SMS through `sms_queue` (sent on commit).
"""

import hashlib
import hmac
import logging
import math
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.services import role_grant, sms_queue, user_register
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.catalog.selectors import products_for_seller, variant_sellers, variants_for_order
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT32_MAX, int_check, mobile_normalize, text_check
from xiangcun.inventory.selectors import available_by_variant, locations_list
from xiangcun.inventory.services import stock_receive, stock_return
from xiangcun.logistics.errors import (
    CashFirstError,
    DemoPrerequisiteError,
    InvalidDeliveryProofError,
    InvalidFailureReasonError,
    InvalidHandoffError,
    InvalidIntakeError,
    InvalidParcelStateError,
    InvalidPickupRequestError,
    LogisticsPermissionDeniedError,
    LotNotPackableError,
    NothingToPlanError,
    NotYourStationError,
    NoVehiclesError,
    OrderNotPackableError,
    PackingTaskNotFoundError,
    ParcelNotFoundError,
    ParcelNotOverdueError,
    PickupCodeLockedError,
    PickupNotCancellableError,
    PickupNotFoundError,
    PickupNotReceivableError,
    PlanInputsChangedError,
    RouteNotFoundError,
    RoutePlanConflictError,
    StaffMemberNotFoundError,
    StopNotFoundError,
    TaskAlreadyPackedError,
    TrackingNumberTakenError,
    VehicleNotFoundError,
    WrongPickupCodeError,
)
from xiangcun.logistics.models import (
    CarrierHandoff,
    DeliveryProof,
    FarmPickup,
    Intake,
    PackedLine,
    PackingTask,
    Parcel,
    ParcelEvent,
    PickupGuard,
    Route,
    RoutePlan,
    RouteStop,
    Shift,
    StaffMember,
    Vehicle,
)
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    PACKING_ROLES,
    PICKUP_REQUEST_ROLES,
    ROAD_ROLES,
    UNCOLLECTED_AFTER,
    WAREHOUSE_ROLES,
    DemoPickupCode,
    HandoverResult,
    LogisticsDemoResult,
)
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.payments.services import sandbox_decide
from xiangcun.regions.selectors import (
    station_get,
    stations_list,
    townships_list,
    village_township_id,
    villages_for_township,
)
from xiangcun.regions.types import StationSummary
from xiangcun.sellers.selectors import seller_can_manage, seller_get, sellers_list
from xiangcun.traceability.errors import LotNotFoundError
from xiangcun.traceability.selectors import lot_get
from xiangcun.traceability.services import (
    event_deliver,
    event_pack,
    event_receive,
    event_ship,
    inspection_record,
)

logger = logging.getLogger(__name__)

PICKUP_MAX_FAILURES = 5
PICKUP_LOCK = timedelta(minutes=15)
MAX_DELIVERY_ATTEMPTS = 3
PLANNER_SECONDS = 2.0  # default search time; settings.LOGISTICS_PLANNER_SECONDS overrides it
STATION_SERVICE_MIN = 10
HOME_SERVICE_MIN = 5
FARM_SERVICE_MIN = 15
HOME_WINDOW = (9 * 60, 19 * 60)
STATION_WINDOW_DEFAULT = (9 * 60, 17 * 60 + 30)
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-\u2013~至]\s*(\d{1,2}):(\d{2})")

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
    """The primary key of a signed-in user (callers checked `_require` already)."""
    return int(user.pk)  # type: ignore[arg-type]


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


def lot_packable_for_line(*, lot: Any, line: Any) -> bool:
    """Whether a lot may be packed into an order line: an active lot of the line's product
    (and of its option, when the lot names one) from the farm that sold the line. The packing
    page offers only these; `packing_complete` refuses any other."""
    return bool(
        lot is not None
        and lot.status == "active"
        and lot.seller_id == line.seller_id
        and lot.product_id == line.product_id
        and lot.variant_id in (None, line.variant_id)
    )


# --- Fleet and staff ----------------------------------------------------------------------------


def _positive_int(value: object, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInputError(_("Enter a whole number above zero."), field=field)
    # The columns are 32-bit on PostgreSQL; a larger number fails in the driver, not here.
    return int_check(value, field=field, minimum=1, maximum=INT32_MAX)


def _minutes(value: object, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 60:
        raise InvalidInputError(_("Enter a time of day."), field=field)
    return value


@transaction.atomic
def vehicle_create(
    *,
    actor: AnyUser,
    plate: str,
    capacity_kg: int,
    capacity_crates: int,
    cost_per_km: Decimal,
    home_station_id: int,
    cold_chain: bool = False,
    name: str = "",
) -> Vehicle:
    """A van of the county fleet, kept at its home depot."""
    text_check(plate=plate, name=name)
    _require(actor, WAREHOUSE_ROLES)
    plate = (plate or "").strip().upper()
    if not plate or len(plate) > 12:
        raise InvalidInputError(_("Enter the number plate."), field="plate")
    station_get(station_id=home_station_id)
    # is_finite first: comparing a NaN raises InvalidOperation. The column holds 999999.99.
    if (
        not isinstance(cost_per_km, Decimal)
        or not cost_per_km.is_finite()
        or not 0 <= cost_per_km < 1_000_000
    ):
        raise InvalidInputError(_("Enter the cost per km in yuan."), field="cost_per_km")
    try:
        with transaction.atomic():
            return Vehicle.objects.create(
                plate=plate,
                name=name.strip()[:40],
                capacity_kg=_positive_int(capacity_kg, field="capacity_kg"),
                capacity_crates=_positive_int(capacity_crates, field="capacity_crates"),
                cost_per_km=cost_per_km,
                cold_chain=cold_chain,
                home_station_id=home_station_id,
            )
    except IntegrityError as error:
        raise InvalidInputError(_("A van with this plate exists."), field="plate") from error


@transaction.atomic
def vehicle_status_set(*, actor: AnyUser, vehicle_id: int, status: str) -> Vehicle:
    """A van breaks down, is repaired or retired."""
    _require(actor, WAREHOUSE_ROLES | {Role.DRIVER})
    if status not in Vehicle.Status.values:
        raise InvalidInputError(field="status")
    vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()
    if vehicle is None:
        raise VehicleNotFoundError
    vehicle.status = status
    vehicle.save(update_fields=["status", "updated_at"])
    return vehicle


_JOB_ROLES = {
    StaffMember.Job.DRIVER: Role.DRIVER,
    StaffMember.Job.COURIER: Role.COURIER,
    StaffMember.Job.PACKER: Role.PACKER,
    StaffMember.Job.WAREHOUSE: Role.WAREHOUSE,
    StaffMember.Job.AGENT: Role.AGENT,
}


@transaction.atomic
def staff_member_set(*, actor: AnyUser | None, user: Any, job: str, station_id: int) -> StaffMember:
    """Record where a user works and as what; the job's role is granted if missing. `actor`
    None is the platform itself (demo loading)."""
    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    if job not in StaffMember.Job.values:
        raise InvalidInputError(field="job")
    station_get(station_id=station_id)
    role_grant(user=user, role=_JOB_ROLES[StaffMember.Job(job)])
    member, _created = StaffMember.objects.update_or_create(
        user_id=user.pk, defaults={"job": job, "station_id": station_id, "is_active": True}
    )
    return member


@transaction.atomic
def shift_set(
    *,
    actor: AnyUser | None,
    staff_id: int,
    day: date,
    start_min: int,
    end_min: int,
    vehicle_id: int | None = None,
) -> Shift:
    """A staff member's working hours on a day (and the van a driver takes)."""
    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    start_min = _minutes(start_min, field="start")
    end_min = _minutes(end_min, field="end")
    if start_min >= end_min:
        raise InvalidInputError(_("A shift ends after it starts."), field="end")
    if not StaffMember.objects.filter(pk=staff_id).exists():
        raise InvalidInputError(field="staff_id")
    if vehicle_id is not None and not Vehicle.objects.filter(pk=vehicle_id).exists():
        raise VehicleNotFoundError
    shift, _created = Shift.objects.update_or_create(
        staff_id=staff_id,
        day=day,
        defaults={"start_min": start_min, "end_min": end_min, "vehicle_id": vehicle_id},
    )
    return shift


@transaction.atomic
def staff_member_deactivate(*, actor: AnyUser, staff_id: int) -> StaffMember:
    """Someone stops working in logistics. The record stays (old routes name them) and their
    shifts are left as history, but the planner no longer gives them a van; adding them again
    by phone number takes them back on. Their roles are the administrator's to take away."""
    _require(actor, WAREHOUSE_ROLES)
    member = StaffMember.objects.select_for_update().filter(pk=staff_id).first()
    if member is None:
        raise StaffMemberNotFoundError
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
    return member


# --- First mile: farm pickups and intake --------------------------------------------------------


def _decimal(value: object, *, field: str, places: int = 6) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidPickupRequestError(field=field) from error
    if not number.is_finite():
        raise InvalidPickupRequestError(field=field)
    return round(number, places)


def _pickup_staff(actor: AnyUser) -> bool:
    """The warehouse (and administrators) deal with every farm's pickups."""
    return bool(getattr(actor, "is_superuser", False) or user_roles(user=actor) & WAREHOUSE_ROLES)


def _pickup_goods_check(*, seller_id: int, variant_id: int, lot_id: int | None) -> None:
    seller_get(seller_id=seller_id)
    if variant_sellers(variant_ids=[variant_id]).get(variant_id) != seller_id:
        raise InvalidPickupRequestError(
            _("Choose one of this shop's products."), field="variant_id"
        )
    if lot_id is not None:
        try:
            lot = lot_get(lot_id=lot_id)
        except LotNotFoundError:
            lot = None
        if lot is None or lot.seller_id != seller_id:
            raise InvalidPickupRequestError(_("Choose one of this farm's lots."), field="lot_id")


def _village_point(village_id: int) -> tuple[Decimal, Decimal]:
    """Where a village is on the map, else its township's centre."""
    township_id = village_township_id(village_id=village_id)
    township = next((t for t in townships_list() if t.id == township_id), None)
    if township is None:
        raise InvalidPickupRequestError(_("Choose the village."), field="village_id")
    villages = villages_for_township(township_code=township.code)
    village = next((v for v in villages if v.id == village_id), None)
    if village is not None and village.latitude is not None and village.longitude is not None:
        return village.latitude, village.longitude
    if township.latitude is not None and township.longitude is not None:
        return township.latitude, township.longitude
    raise InvalidPickupRequestError(
        _("This village is not on the map yet: give the latitude and longitude."),
        field="latitude",
    )


def _may_see_pickup(actor: AnyUser, pickup: FarmPickup) -> bool:
    """The warehouse, whoever asked for the pickup, and those who may manage the shop."""
    if _pickup_staff(actor) or pickup.requested_by_id == actor.pk:
        return True
    return seller_can_manage(user=actor, seller_id=pickup.seller_id)


@transaction.atomic
def farm_pickup_request(
    *,
    actor: AnyUser,
    seller_id: int,
    variant_id: int,
    place: str,
    contact_phone: str,
    day: date,
    window_start_min: int,
    window_end_min: int,
    expected_kg: int,
    crates: int,
    lot_id: int | None = None,
    village_id: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    needs_cold_chain: bool = False,
    note: str = "",
) -> FarmPickup:
    """A seller (or an agent or the warehouse, for a farmer) asks for goods to be collected.

    Without latitude and longitude the pickup is placed at its village (a farmer need not
    know coordinates; the driver calls the contact phone for the last metres). An agent asks
    only for the producers agents may act for (`sellers.selectors.seller_can_manage`)."""
    text_check(place=place, contact_phone=contact_phone, note=note)
    _require(actor, PICKUP_REQUEST_ROLES)
    if not _pickup_staff(actor) and not seller_can_manage(user=actor, seller_id=seller_id):
        raise LogisticsPermissionDeniedError
    place = (place or "").strip()
    if not place or len(place) > 200:
        raise InvalidPickupRequestError(_("Say where to collect, in a few words."), field="place")
    _pickup_goods_check(seller_id=seller_id, variant_id=variant_id, lot_id=lot_id)
    if latitude is None or longitude is None:
        if village_id is None:
            raise InvalidPickupRequestError(
                _("Choose the village, or give the latitude and longitude."), field="village_id"
            )
        latitude, longitude = _village_point(village_id)
    elif village_id is not None and village_township_id(village_id=village_id) is None:
        raise InvalidPickupRequestError(_("Choose the village."), field="village_id")
    lat = _decimal(latitude, field="latitude")
    lng = _decimal(longitude, field="longitude")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidPickupRequestError(field="latitude")
    start = _minutes(window_start_min, field="window_start")
    end = _minutes(window_end_min, field="window_end")
    if start >= end:
        raise InvalidPickupRequestError(_("The window ends after it starts."), field="window_end")
    if day < _today():
        raise InvalidPickupRequestError(_("Choose today or a later day."), field="day")
    return FarmPickup.objects.create(
        seller_id=seller_id,
        requested_by_id=_uid(actor),
        variant_id=variant_id,
        lot_id=lot_id,
        village_id=village_id,
        place=place,
        latitude=lat,
        longitude=lng,
        contact_phone=mobile_normalize(contact_phone),
        day=day,
        window_start_min=start,
        window_end_min=end,
        expected_kg=_positive_int(expected_kg, field="expected_kg"),
        crates=_positive_int(crates, field="crates"),
        needs_cold_chain=needs_cold_chain,
        note=(note or "").strip()[:200],
    )


@transaction.atomic
def farm_pickup_cancel(*, actor: AnyUser, pickup_id: int) -> FarmPickup:
    """The seller, the agent who asked for them or the warehouse calls a pickup off while it
    is only requested; once planned into a route the driver is on the way, so the warehouse
    has to re-plan instead. Anyone else learns nothing about the pickup (not found)."""
    _require(actor, PICKUP_REQUEST_ROLES)
    pickup = FarmPickup.objects.select_for_update().filter(pk=pickup_id).first()
    if pickup is None or not _may_see_pickup(actor, pickup):
        raise PickupNotFoundError
    if pickup.status != FarmPickup.Status.REQUESTED:
        raise PickupNotCancellableError
    pickup.status = FarmPickup.Status.CANCELLED
    pickup.save(update_fields=["status", "updated_at"])
    return pickup


def _warehouse_location_id() -> int:
    found = locations_list(kind="warehouse")
    if not found:
        raise InvalidIntakeError(_("There is no county warehouse to receive into."))
    return found[0].pk


def _intake_goods_check(*, seller_id: int, variant_id: int, lot_id: int | None) -> None:
    """The product is the farm's own, and so is the lot (of that product) when there is one."""
    variant = variants_for_order(variant_ids=[variant_id]).get(variant_id)
    if variant is None or variant.product.seller_id != seller_id:
        raise InvalidIntakeError(_("Choose one of this farm's products."), field="variant_id")
    if lot_id is None:
        return
    lot = _lot_or_none(lot_id)
    if (
        lot is None
        or lot.seller_id != seller_id
        or lot.product_id != variant.product_id
        or lot.variant_id not in (None, variant_id)
    ):
        raise InvalidIntakeError(
            _("Choose one of this farm's lots of this product."), field="lot_id"
        )


@transaction.atomic
def intake_record(
    *,
    actor: AnyUser,
    variant_id: int,
    seller_id: int,
    grade: str,
    weight_kg: Decimal,
    accepted_units: int,
    rejected_units: int = 0,
    reject_reason: str = "",
    pickup_id: int | None = None,
    lot_id: int | None = None,
    note: str = "",
) -> Intake:
    """Goods arrive at the county warehouse and are graded: accepted units go into stock, and
    the lot (when there is one) gets its receiving and inspection events.

    The product must be the farm's (`seller_id`) and the lot the farm's, of that product. With
    a pickup, the farm and product are the pickup's, and the pickup must be planned or
    collected and not received yet."""
    text_check(grade=grade, reject_reason=reject_reason, note=note)
    _require(actor, WAREHOUSE_ROLES)
    if grade not in Intake.Grade.values:
        raise InvalidIntakeError(field="grade")
    try:
        weight = Decimal(str(weight_kg))
    except (InvalidOperation, ValueError) as error:
        raise InvalidIntakeError(field="weight_kg") from error
    if not weight.is_finite() or weight <= 0:
        raise InvalidIntakeError(field="weight_kg")
    if not isinstance(accepted_units, int) or accepted_units < 0:
        raise InvalidIntakeError(field="accepted_units")
    if not isinstance(rejected_units, int) or rejected_units < 0:
        raise InvalidIntakeError(field="rejected_units")
    if accepted_units + rejected_units == 0:
        raise InvalidIntakeError(field="accepted_units")
    if rejected_units and reject_reason not in Intake.RejectReason.values[1:]:
        raise InvalidIntakeError(_("Say why units were rejected."), field="reject_reason")
    if not rejected_units:
        reject_reason = ""
    pickup = None
    if pickup_id is not None:
        pickup = FarmPickup.objects.select_for_update().filter(pk=pickup_id).first()
        if pickup is None:
            raise PickupNotFoundError
        # Received once: a second intake of the same pickup would count its goods twice.
        if pickup.status not in (FarmPickup.Status.PLANNED, FarmPickup.Status.COLLECTED):
            raise PickupNotReceivableError
        if pickup.seller_id != seller_id:
            raise InvalidIntakeError(
                _("Receive the goods under the pickup's farm."), field="seller_id"
            )
        if pickup.variant_id != variant_id:
            raise InvalidIntakeError(
                _("Receive the product the pickup was for."), field="variant_id"
            )
        lot_id = lot_id or pickup.lot_id
    _intake_goods_check(seller_id=seller_id, variant_id=variant_id, lot_id=lot_id)
    location_id = _warehouse_location_id()
    intake = Intake.objects.create(
        pickup=pickup,
        seller_id=seller_id,
        variant_id=variant_id,
        lot_id=lot_id,
        location_id=location_id,
        grade=grade,
        weight_kg=round(weight, 2),
        accepted_units=accepted_units,
        rejected_units=rejected_units,
        reject_reason=reject_reason,
        note=(note or "").strip()[:200],
        received_by_id=_uid(actor),
    )
    if accepted_units:
        stock_receive(
            actor=actor,
            variant_id=variant_id,
            location_id=location_id,
            quantity=accepted_units,
            note=gettext("Intake, grade %(grade)s") % {"grade": intake.get_grade_display()},
            reference=f"intake:{intake.pk}",
        )
    if pickup is not None:
        pickup.status = FarmPickup.Status.RECEIVED
        pickup.save(update_fields=["status", "updated_at"])
    lot = _lot(lot_id)
    if lot is not None:
        warehouse = stations_list(kind="warehouse")
        if warehouse:
            event_receive(
                lot=lot, station_id=warehouse[0].id, quantity=Decimal(accepted_units), actor=actor
            )
        inspection_record(
            actor=actor,
            lot_id=lot.pk,
            kind="grading",
            method=gettext("Visual grading and weighing at intake"),
            result="pass" if accepted_units else "fail",
            measured=f"{intake.get_grade_display()}; {weight} kg; "
            f"{accepted_units}/{accepted_units + rejected_units}",
            inspector=str(actor)[:64],
            inspected_at=timezone.now(),
        )
    return intake


# --- Packing ------------------------------------------------------------------------------------


@transaction.atomic
def packing_task_open(*, actor: AnyUser, order_id: int) -> PackingTask:
    """Start packing an order: the order moves to packing. Opening it again answers the same
    task."""
    _require(actor, PACKING_ROLES)
    existing = PackingTask.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = orders_selectors.order_get(order_id=order_id, for_user=actor)
    if order.status not in ("paid", "awaiting_cash"):
        raise OrderNotPackableError
    orders_services.order_transition(actor=actor, order_id=order.pk, to_status="packing")
    return PackingTask.objects.create(order_id=order.pk)


def _parcel_number() -> str:
    return f"XCP{timezone.localdate():%y%m%d}{secrets.randbelow(10**8):08d}"


def _event(parcel: Parcel, *, actor: AnyUser | None, note: str = "", place: str = "") -> None:
    ParcelEvent.objects.create(
        parcel=parcel,
        status=parcel.status,
        place=place[:80],
        note=note[:200],
        actor_id=_actor_id(actor),
    )


@transaction.atomic
def packing_complete(
    *,
    actor: AnyUser,
    task_id: int,
    weight_g: int,
    crates: int = 1,
    lots: dict[int, int] | None = None,
    needs_cold_chain: bool = False,
) -> Parcel:
    """The order is in its box: each line is recorded with its lot (when given: `lots` maps
    order line id to lot id, and traceability links the lot to the line), and the parcel
    starts its timeline. A lot must fit its line (`lot_packable_for_line`)."""
    _require(actor, PACKING_ROLES)
    task = PackingTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise PackingTaskNotFoundError
    if task.status == PackingTask.Status.PACKED:
        raise TaskAlreadyPackedError
    weight_g = _positive_int(weight_g, field="weight_g")
    crates = _positive_int(crates, field="crates")
    order = orders_selectors.order_get(order_id=task.order_id, for_user=actor)
    lots = lots or {}
    lines = list(order.lines.all())
    line_ids = {line.pk for line in lines}
    if set(lots) - line_ids:
        raise InvalidInputError(_("A lot was given for a line of another order."), field="lots")
    by_line = {line.pk: line for line in lines}
    for line_id, lot_id in lots.items():
        if not lot_packable_for_line(lot=_lot_or_none(lot_id), line=by_line[line_id]):
            raise LotNotPackableError(field=f"lots.{line_id}")
    for line in lines:
        PackedLine.objects.create(
            task=task, order_line_id=line.pk, lot_id=lots.get(line.pk), quantity=line.quantity
        )
    if order.delivery_method == "home":
        destination = Parcel.Destination.HOME if order.township_id else Parcel.Destination.CARRIER
    else:
        destination = Parcel.Destination.STATION
    latitude = longitude = None
    if destination == Parcel.Destination.HOME:
        place = _home_point(order)
        if place is not None:
            latitude, longitude = place
    parcel = Parcel.objects.create(
        number=_parcel_number(),
        order_id=order.pk,
        task=task,
        destination=destination,
        station_id=order.station_id if destination == Parcel.Destination.STATION else None,
        address_text=order.address_text,
        latitude=latitude,
        longitude=longitude,
        recipient=order.recipient,
        phone=order.phone,
        weight_g=weight_g,
        crates=crates,
        needs_cold_chain=needs_cold_chain,
    )
    _event(parcel, actor=actor, place=gettext("County warehouse"))
    task.status = PackingTask.Status.PACKED
    task.packed_by_id = _uid(actor)
    task.packed_at = timezone.now()
    task.save(update_fields=["status", "packed_by", "packed_at", "updated_at"])
    for line in lines:
        lot = _lot(lots.get(line.pk))
        if lot is not None:
            event_pack(
                lot=lot,
                order_line_id=line.pk,
                order_number=order.number,
                quantity=line.quantity,
            )
    return parcel


def _home_point(order: Any) -> tuple[Decimal, Decimal] | None:
    """Where the van goes for a home delivery: the spot the buyer shared at checkout, else
    the village (or township) centre, close enough to order the stops of a route but in the
    mountains kilometres from the house."""
    if order.latitude is not None and order.longitude is not None:
        return order.latitude, order.longitude
    for township in townships_list():
        if township.id != order.township_id:
            continue
        for village in villages_for_township(township_code=township.code):
            if village.id == order.village_id and village.latitude is not None:
                return village.latitude, village.longitude  # type: ignore[return-value]
        if township.latitude is not None and township.longitude is not None:
            return township.latitude, township.longitude
    return None


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
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor)
    if order.status == "packing":
        orders_services.order_transition(actor=actor, order_id=order.pk, to_status="shipped")


@transaction.atomic
def carrier_handoff(
    *, actor: AnyUser, parcel_id: int, carrier: str, tracking_number: str
) -> CarrierHandoff:
    """A parcel for outside the county goes to a national carrier with its tracking number."""
    text_check(carrier=carrier, tracking_number=tracking_number)
    _require(actor, PACKING_ROLES)
    tracking_number = re.sub(r"\s", "", tracking_number or "").upper()
    if carrier not in CarrierHandoff.Carrier.values:
        raise InvalidHandoffError(field="carrier")
    if not re.fullmatch(r"[A-Z0-9]{6,32}", tracking_number):
        raise InvalidHandoffError(field="tracking_number")
    parcel = _parcel_locked(parcel_id)
    if parcel.status != Status.PACKED:
        raise InvalidParcelStateError
    try:
        with transaction.atomic():
            handoff = CarrierHandoff.objects.create(
                parcel=parcel,
                carrier=carrier,
                tracking_number=tracking_number,
                handed_by_id=_uid(actor),
                handed_at=timezone.now(),
            )
    except IntegrityError as error:
        raise TrackingNumberTakenError(field="tracking_number") from error
    parcel.status = Status.WITH_CARRIER
    parcel.save(update_fields=["status", "updated_at"])
    _event(
        parcel,
        actor=actor,
        place=gettext("County warehouse"),
        note=f"{handoff.get_carrier_display()} {tracking_number}",
    )
    _order_ship(actor, parcel)
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor)
    for lot in _lots_of(parcel):
        event_ship(
            lot=lot,
            order_number=order.number,
            tracking_number=tracking_number,
            carrier=carrier,
        )
    return handoff


# --- Pickup codes -------------------------------------------------------------------------------


# The kind of text (accounts.sms) that tells a recipient their parcel's pickup code.
PICKUP_CODE_SMS = "logistics.pickup_code"


def pickup_code_for(parcel: Parcel) -> str:
    """The parcel's 6-digit pickup code ("" before it is at a station)."""
    if not parcel.code_salt:
        return ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"xiangcun-pickup:{parcel.pk}:{parcel.code_salt}".encode(),
        hashlib.sha256,
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"xiangcun-pickup-code:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _code_issue(parcel: Parcel) -> str:
    """A fresh code, unique among the parcels waiting at the same station."""
    while True:
        parcel.code_salt = secrets.token_hex(8)
        code = pickup_code_for(parcel)
        taken = (
            Parcel.objects.filter(
                station=parcel.station_id, status=Status.AT_STATION, code_hash=_code_hash(code)
            )
            .exclude(pk=parcel.pk)
            .exists()
        )
        if not taken:
            parcel.code_hash = _code_hash(code)
            return code


def _at_station(parcel: Parcel, *, actor: AnyUser | None, station: StationSummary) -> None:
    _code_issue(parcel)
    parcel.status = Status.AT_STATION
    parcel.save(update_fields=["status", "code_salt", "code_hash", "updated_at"])
    _event(parcel, actor=actor, place=station.name)
    # Only the parcel's id is queued: the SMS task writes the text, code included, when it
    # sends it (pickup_code_sms), so the code never sits in the task queue.
    sms_queue(phone=parcel.phone, kind=PICKUP_CODE_SMS, params={"parcel_id": parcel.pk})


def pickup_code_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The pickup-code text of a parcel waiting at its station, derived again at send time (in
    the recipient's language); None once the parcel is no longer waiting or not theirs."""
    parcel = Parcel.objects.filter(pk=int(params["parcel_id"]), phone=phone).first()
    if parcel is None or parcel.status != Status.AT_STATION or parcel.station_id is None:
        return None
    station = station_get(station_id=parcel.station_id)
    return gettext(
        "Xiangcun: your parcel %(number)s is at %(station)s. Pickup code %(code)s. Open %(hours)s."
    ) % {
        "number": parcel.number,
        "station": station.name,
        "code": pickup_code_for(parcel),
        "hours": station.opening_hours or "-",
    }


@transaction.atomic
def parcel_station_receive(*, actor: AnyUser, parcel_id: int) -> Parcel:
    """The station takes in a parcel for one of its recipients: a pickup code is made and
    texted to the recipient."""
    _require(actor, HANDOVER_ROLES | ROAD_ROLES)
    parcel = _parcel_locked(parcel_id)
    _require_station(actor, parcel.station_id, HANDOVER_ROLES | ROAD_ROLES)
    if parcel.destination != Parcel.Destination.STATION or parcel.status not in (
        Status.PACKED,
        Status.IN_TRANSIT,
    ):
        raise InvalidParcelStateError
    _order_ship(actor, parcel)
    _at_station(parcel, actor=actor, station=station_get(station_id=parcel.station_id))  # type: ignore[arg-type]
    return parcel


def _guard_locked(station_id: int) -> PickupGuard:
    guard, _created = PickupGuard.objects.select_for_update().get_or_create(station_id=station_id)
    return guard


def _locked_error(until: datetime) -> PickupCodeLockedError:
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    minutes = -(-seconds // 60)
    return PickupCodeLockedError(
        PickupCodeLockedError.default_message % {"minutes": minutes}, retry_after=seconds
    )


def _code_judge(actor: AnyUser, station_id: int, code: str, *, hand_over: bool) -> Parcel:
    """Find the parcel waiting at the station under this code, counting wrong codes: after
    five within 15 minutes the station's counter is locked for 15 minutes. The count survives
    the refusal, which is why this commits its own transaction instead of being one."""
    _require(actor, HANDOVER_ROLES)
    station = station_get(station_id=station_id)
    # Before any code is judged: an agent of another station neither opens nor locks this one.
    _require_station(actor, station.id, HANDOVER_ROLES)
    code = re.sub(r"\s", "", str(code or ""))
    error: Exception | None = None
    found: Parcel | None = None
    with transaction.atomic():
        now = timezone.now()
        guard = _guard_locked(station.id)
        if guard.locked_until is not None and guard.locked_until > now:
            error = _locked_error(guard.locked_until)
        else:
            parcel = None
            if re.fullmatch(r"\d{6}", code):
                parcel = (
                    Parcel.objects.select_for_update()
                    .filter(
                        station_id=station.id,
                        status=Status.AT_STATION,
                        code_hash=_code_hash(code),
                    )
                    .first()
                )
            if parcel is None or pickup_code_for(parcel) != code:
                window_start = now - PICKUP_LOCK
                stale = guard.last_failure_at is None or guard.last_failure_at <= window_start
                guard.failures = 1 if stale or guard.locked_until else guard.failures + 1
                guard.last_failure_at = now
                guard.locked_until = None
                if guard.failures >= PICKUP_MAX_FAILURES:
                    guard.locked_until = now + PICKUP_LOCK
                guard.save(update_fields=["failures", "last_failure_at", "locked_until"])
                error = (
                    _locked_error(guard.locked_until)
                    if guard.locked_until
                    else WrongPickupCodeError(field="code", failures=guard.failures)
                )
            else:
                if hand_over:
                    _handover(actor, parcel, station)
                    guard.failures, guard.locked_until, guard.last_failure_at = 0, None, None
                    guard.save(update_fields=["failures", "last_failure_at", "locked_until"])
                found = parcel
    if error is not None:
        raise error
    assert found is not None  # noqa: S101 - one of the two branches above set it
    return found


def parcel_code_check(*, actor: AnyUser, station_id: int, code: str) -> Parcel:
    """The parcel waiting at this station under `code`, to show before handing it over. A
    wrong code counts towards the station's lock."""
    text_check(code=code)
    return _code_judge(actor, station_id, code, hand_over=False)


def parcel_handover(*, actor: AnyUser, station_id: int, code: str) -> HandoverResult:
    """The station hands a waiting parcel to the person who tells its pickup code: the parcel
    is collected, the order delivered. Wrong codes are counted and limited per station."""
    text_check(code=code)
    parcel = _code_judge(actor, station_id, code, hand_over=True)
    return HandoverResult(
        parcel_id=parcel.pk,
        parcel_number=parcel.number,
        order_number=orders_selectors.order_get(order_id=parcel.order_id, for_user=actor).number,
        recipient=parcel.recipient,
    )


def _handover(actor: AnyUser, parcel: Parcel, station: StationSummary) -> None:
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor)
    if order.payment_method == "cash" and order.paid_at is None:
        raise CashFirstError
    parcel.status = Status.COLLECTED
    parcel.save(update_fields=["status", "updated_at"])
    _event(parcel, actor=actor, place=station.name)
    if order.status == "shipped":
        orders_services.order_transition(actor=actor, order_id=order.pk, to_status="delivered")
    for lot in _lots_of(parcel):
        event_deliver(lot=lot, order_number=order.number, station_id=station.id)


# --- Home deliveries, failures and returns ------------------------------------------------------


@transaction.atomic
def parcel_deliver(
    *,
    actor: AnyUser,
    parcel_id: int,
    recipient_name: str,
    photo: UploadedFile | None = None,
    note: str = "",
) -> DeliveryProof:
    """A courier or driver hands a parcel over at the door, with proof."""
    text_check(recipient_name=recipient_name, note=note)
    _require(actor, ROAD_ROLES)
    recipient_name = (recipient_name or "").strip()
    if not recipient_name or len(recipient_name) > 64:
        raise InvalidDeliveryProofError(field="recipient_name")
    parcel = _parcel_locked(parcel_id)
    if parcel.destination != Parcel.Destination.HOME or parcel.status not in (
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
    ):
        raise InvalidParcelStateError
    order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor)
    if order.payment_method == "cash" and order.paid_at is None:
        raise CashFirstError
    proof = DeliveryProof(
        parcel=parcel,
        recipient_name=recipient_name,
        note=(note or "").strip()[:200],
        delivered_by_id=_uid(actor),
        delivered_at=timezone.now(),
    )
    if photo is not None:
        proof.photo.save(f"{parcel.number}.jpg", photo, save=False)
    proof.save()
    parcel.status = Status.DELIVERED
    parcel.save(update_fields=["status", "updated_at"])
    _event(
        parcel,
        actor=actor,
        note=gettext("Received by %(name)s") % {"name": recipient_name},
    )
    if order.status == "shipped":
        orders_services.order_transition(actor=actor, order_id=order.pk, to_status="delivered")
    for lot in _lots_of(parcel):
        event_deliver(lot=lot, order_number=order.number, station_id=None)
    _stop_done_if_complete(parcel)
    return proof


FAILURE_REASONS = {
    "nobody_home": _("Nobody at home"),
    "wrong_address": _("Address not found"),
    "refused": _("Recipient refused the parcel"),
    "road_blocked": _("Road blocked"),
    "station_closed": _("Station closed"),
    "other": _("Other"),
}


@transaction.atomic
def parcel_delivery_fail(*, actor: AnyUser, parcel_id: int, reason: str, note: str = "") -> Parcel:
    """A delivery did not work out. The parcel goes back into the next plan, until after the
    third failed attempt it is sent back to the warehouse and the buyer's money is refunded
    (`orders.services.order_refund_undelivered`; a cash order never paid is cancelled)."""
    text_check(reason=reason, note=note)
    _require(actor, ROAD_ROLES)
    if reason not in FAILURE_REASONS:
        raise InvalidFailureReasonError(field="reason")
    parcel = _parcel_locked(parcel_id)
    if parcel.status not in (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY):
        raise InvalidParcelStateError
    parcel.failed_attempts += 1
    parcel.status = Status.DELIVERY_FAILED
    text = str(FAILURE_REASONS[reason]) + (f": {note.strip()}" if note.strip() else "")
    parcel.save(update_fields=["status", "failed_attempts", "updated_at"])
    _event(parcel, actor=actor, note=text)
    if parcel.failed_attempts >= MAX_DELIVERY_ATTEMPTS:
        parcel.status = Status.RETURNING
        parcel.save(update_fields=["status", "updated_at"])
        _event(
            parcel, actor=actor, note=gettext("Too many failed attempts: back to the warehouse.")
        )
        orders_services.order_refund_undelivered(actor=actor, order_id=parcel.order_id)
    _stop_done_if_complete(parcel)
    return parcel


def _arrived_at_station(parcel: Parcel) -> datetime:
    """When the parcel last came to its station (its last "at station" step), counted as the
    station page counts it (`selectors.parcels_at_station`)."""
    last: datetime | None = ParcelEvent.objects.filter(
        parcel=parcel, status=Status.AT_STATION
    ).aggregate(at=Max("created_at"))["at"]
    return last or parcel.updated_at


@transaction.atomic
def parcel_return_start(*, actor: AnyUser, parcel_id: int, note: str = "") -> Parcel:
    """A parcel nobody collected (or the buyer sends back) waits at its station for the van.
    One never collected was never the buyer's: their money is refunded (a cash order never
    paid is cancelled); it may go back only once it has waited UNCOLLECTED_AFTER (7 days) at
    its station, else ParcelNotOverdueError. Goods the buyer sends back are refunded through
    their return."""
    text_check(note=note)
    _require(actor, HANDOVER_ROLES | ROAD_ROLES)
    parcel = _parcel_locked(parcel_id)
    _require_station(actor, parcel.station_id, HANDOVER_ROLES | ROAD_ROLES)
    if parcel.status not in (Status.AT_STATION, Status.COLLECTED, Status.DELIVERED):
        raise InvalidParcelStateError
    never_collected = parcel.status == Status.AT_STATION
    if never_collected and timezone.now() - _arrived_at_station(parcel) < UNCOLLECTED_AFTER:
        raise ParcelNotOverdueError(
            ParcelNotOverdueError.default_message % {"days": UNCOLLECTED_AFTER.days}
        )
    parcel.status = Status.RETURNING
    parcel.code_hash = ""
    parcel.save(update_fields=["status", "code_hash", "updated_at"])
    _event(parcel, actor=actor, note=(note or "").strip()[:200])
    if never_collected:
        orders_services.order_refund_undelivered(actor=actor, order_id=parcel.order_id)
    return parcel


# Why the warehouse keeps returned units out of stock.
RETURN_REJECT_REASONS = {
    "damaged": _("Damaged or crushed"),
    "spoiled": _("Spoiled or past its date"),
    "opened": _("Opened or packaging broken"),
    "missing": _("Missing from the parcel"),
    "other": _("Other"),
}


def _rejected_clean(
    rejected: Mapping[int, tuple[int, str]] | None, packed: list[PackedLine]
) -> dict[int, tuple[int, str]]:
    """{order_line_id: (units, reason)} checked against what was packed in the parcel."""
    if not rejected:
        return {}
    if not isinstance(rejected, Mapping):
        raise InvalidInputError(_("Say which units are not fit to sell again."), field="rejected")
    packed_units = {line.order_line_id: line.quantity for line in packed}
    clean: dict[int, tuple[int, str]] = {}
    for line_id, value in rejected.items():
        field = f"rejected.{line_id}"
        if line_id not in packed_units:
            raise InvalidInputError(_("This product is not in the parcel."), field=field)
        units, reason = value if isinstance(value, list | tuple) and len(value) == 2 else (0, "")
        if not isinstance(units, int) or isinstance(units, bool):
            raise InvalidInputError(_("Enter a whole number of units."), field=field)
        if not 0 <= units <= packed_units[line_id]:
            raise InvalidInputError(
                _("At most %(units)d units of this product were packed.")
                % {"units": packed_units[line_id]},
                field=field,
            )
        if units and reason not in RETURN_REJECT_REASONS:
            raise InvalidInputError(_("Say why these units cannot be sold again."), field=field)
        if units:
            clean[line_id] = (units, reason)
    return clean


@transaction.atomic
def parcel_return_receive(
    *,
    actor: AnyUser,
    parcel_id: int,
    rejected: Mapping[int, tuple[int, str]] | None = None,
    note: str = "",
) -> Parcel:
    """A returning parcel is back at the county warehouse and its goods are checked.

    Every packed unit goes back into the warehouse's stock (inventory's `stock_return`: a
    movement "returned" whose reference is `parcel:<number>`), except the units the warehouse
    person rejects: `rejected` maps an order line id to (units, reason), the reason one of
    RETURN_REJECT_REASONS. Those stay out of stock and are written on the parcel's timeline,
    one step per line. Lots from the parcel get a receiving event at the warehouse. A parcel
    is received once: again raises InvalidParcelStateError and changes nothing."""
    text_check(note=note)
    _require(actor, WAREHOUSE_ROLES)
    parcel = _parcel_locked(parcel_id)
    if parcel.status == Status.RETURNED:
        raise InvalidParcelStateError(
            _("This parcel has already been received back at the warehouse.")
        )
    if parcel.status != Status.RETURNING:
        raise InvalidParcelStateError
    packed = list(
        PackedLine.objects.filter(task_id=parcel.task_id)
        .select_related("order_line")
        .order_by("pk")
    )
    refused = _rejected_clean(rejected, packed)
    location_id = _warehouse_location_id()
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    place = gettext("County warehouse")
    parcel.status = Status.RETURNED
    parcel.save(update_fields=["status", "updated_at"])
    _event(parcel, actor=actor, place=place, note=(note or "").strip()[:200])
    for line in packed:
        units_rejected, reason = refused.get(line.order_line_id, (0, ""))
        if line.quantity > units_rejected:
            stock_return(
                actor=actor,
                variant_id=line.order_line.variant_id,
                location_id=location_id,
                quantity=line.quantity - units_rejected,
                reference=f"parcel:{parcel.number}",
                note=gettext("Back in parcel %(number)s") % {"number": parcel.number},
            )
        if units_rejected:
            _event(
                parcel,
                actor=actor,
                place=place,
                note=gettext("%(product)s %(option)s: %(units)d not restocked (%(reason)s)")
                % {
                    "units": units_rejected,
                    "product": line.order_line.product_name,
                    "option": line.order_line.variant_name,
                    "reason": RETURN_REJECT_REASONS[reason],
                },
            )
        lot = _lot(line.lot_id)
        if lot is not None and warehouse is not None:
            event_receive(
                lot=lot, station_id=warehouse.id, quantity=Decimal(line.quantity), actor=actor
            )
    return parcel


# --- On the road --------------------------------------------------------------------------------


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
        order = orders_selectors.order_get(order_id=parcel.order_id, for_user=actor)
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


def _stop_done_if_complete(parcel: Parcel) -> None:
    stop = parcel.route_stop
    if stop is None or stop.kind != RouteStop.Kind.HOME or stop.status in ("done", "failed"):
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
    if not RouteStop.objects.filter(route_id=route_id, status__in=("pending", "arrived")).exists():
        Route.objects.filter(pk=route_id).update(status=Route.Status.FINISHED)


# --- Route planning -----------------------------------------------------------------------------


def _window_of(station: StationSummary) -> tuple[int, int]:
    match = _HOURS.search(station.opening_hours or "")
    if not match:
        return STATION_WINDOW_DEFAULT
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return (start, end) if start < end <= 24 * 60 else STATION_WINDOW_DEFAULT


def _kg(grams: int) -> int:
    return max(1, math.ceil(grams / 1000)) if grams else 0


def _open_work(day: date, *, lock: bool = False) -> list[dict[str, Any]]:
    """Every stop the day's vans should make: stations with parcels to drop or returns to
    collect, homes in the county, and farm pickups. Stops already done stay done. With `lock`
    (inside a transaction) the parcels and pickups read are locked, in primary-key order."""
    stations = {station.id: station for station in stations_list()}
    drops: dict[int, list[Parcel]] = defaultdict(list)
    homes: list[Parcel] = []
    parcels = Parcel.objects.filter(
        status__in=(*DISPATCHABLE, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
    )
    returning = Parcel.objects.filter(status=Status.RETURNING, station__isnull=False)
    pickups = FarmPickup.objects.filter(
        day=day, status__in=(FarmPickup.Status.REQUESTED, FarmPickup.Status.PLANNED)
    ).select_related("seller")
    if lock:
        parcels = parcels.select_for_update()
        returning = returning.select_for_update()
        # Only the pickup rows: the joined shop is read, not locked.
        pickups = pickups.select_for_update(of=("self",))
    for parcel in parcels.exclude(destination=Parcel.Destination.CARRIER).order_by("pk"):
        if parcel.destination == Parcel.Destination.STATION and parcel.station_id in stations:
            drops[int(parcel.station_id)].append(parcel)
        elif parcel.destination == Parcel.Destination.HOME and parcel.latitude is not None:
            homes.append(parcel)
    returns: dict[int, list[Parcel]] = defaultdict(list)
    for parcel in returning.order_by("pk"):
        returns[parcel.station_id].append(parcel)  # type: ignore[index]
    work: list[dict[str, Any]] = []
    for station_id in sorted(set(drops) | set(returns)):
        station = stations.get(station_id)
        if station is None or station.latitude is None or station.longitude is None:
            continue
        if station.kind == "warehouse":
            continue
        window = _window_of(station)
        down, up = drops.get(station_id, []), returns.get(station_id, [])
        work.append(
            {
                "key": f"station:{station_id}",
                "kind": RouteStop.Kind.STATION,
                "label": station.name,
                "address": station.address,
                "phone": station.phone,
                "station_id": station_id,
                "pickup_id": None,
                "lat": station.latitude,
                "lng": station.longitude,
                "window": window,
                "service": STATION_SERVICE_MIN + len(down) + len(up),
                "delivery_kg": _kg(sum(p.weight_g for p in down)),
                "pickup_kg": _kg(sum(p.weight_g for p in up)),
                "delivery_crates": sum(p.crates for p in down),
                "pickup_crates": sum(p.crates for p in up),
                "cold_chain": any(p.needs_cold_chain for p in (*down, *up)),
                "parcels": down,
                "returns": up,
                "pickup": None,
            }
        )
    for parcel in homes:
        work.append(
            {
                "key": f"home:{parcel.pk}",
                "kind": RouteStop.Kind.HOME,
                "label": parcel.recipient,
                "address": parcel.address_text,
                "phone": parcel.phone,
                "station_id": None,
                "pickup_id": None,
                "lat": parcel.latitude,
                "lng": parcel.longitude,
                "window": HOME_WINDOW,
                "service": HOME_SERVICE_MIN,
                "delivery_kg": _kg(parcel.weight_g),
                "pickup_kg": 0,
                "delivery_crates": parcel.crates,
                "pickup_crates": 0,
                "cold_chain": parcel.needs_cold_chain,
                "parcels": [parcel],
                "returns": [],
                "pickup": None,
            }
        )
    for pickup in pickups.order_by("pk"):
        work.append(
            {
                "key": f"pickup:{pickup.pk}",
                "kind": RouteStop.Kind.FARM,
                "label": pickup.seller.name,
                "address": pickup.place,
                "phone": pickup.contact_phone,
                "station_id": None,
                "pickup_id": pickup.pk,
                "lat": pickup.latitude,
                "lng": pickup.longitude,
                "window": (pickup.window_start_min, pickup.window_end_min),
                "service": FARM_SERVICE_MIN,
                "delivery_kg": 0,
                "pickup_kg": pickup.expected_kg,
                "delivery_crates": 0,
                "pickup_crates": pickup.crates,
                "cold_chain": pickup.needs_cold_chain,
                "parcels": [],
                "returns": [],
                "pickup": pickup,
            }
        )
    return work


def _fleet(day: date, *, not_before: int) -> list[tuple[Vehicle, Shift]]:
    """Vans in service with a driver on shift that day (one van per shift)."""
    shifts = (
        Shift.objects.filter(
            day=day,
            vehicle__isnull=False,
            vehicle__status=Vehicle.Status.ACTIVE,
            staff__is_active=True,
        )
        .select_related("vehicle", "staff")
        .order_by("vehicle_id", "pk")
    )
    fleet: list[tuple[Vehicle, Shift]] = []
    seen: set[int] = set()
    for shift in shifts:
        assert shift.vehicle is not None  # noqa: S101 - filtered above
        if shift.vehicle.pk in seen or shift.end_min <= not_before + 30:
            continue
        seen.add(shift.vehicle.pk)
        fleet.append((shift.vehicle, shift))
    return fleet


@dataclass
class _PlanInputs:
    """What a day's plan is made from, read in one transaction: the day's active plan, the
    routes already on the road (carried into the new plan as they are), the open work, the
    vans, and `facts`, everything the plan rests on, to compare when it is recorded."""

    previous: RoutePlan | None
    carried: list[Route]
    carried_stops: list[RouteStop]
    work: list[dict[str, Any]]
    fleet: list[tuple[Vehicle, Shift]]
    facts: dict[str, Any]


def _plan_inputs(day: date, *, not_before_min: int, lock: bool) -> _PlanInputs:
    """The day's planning inputs. With `lock` (to record a plan) the active plan, its routes,
    and the parcels and pickups of the work are locked first, in that order, so drivers, the
    station and a second planner wait for the few milliseconds the recording takes."""
    previous_rows = RoutePlan.objects.filter(day=day, status=RoutePlan.Status.ACTIVE)
    if lock:
        previous_rows = previous_rows.select_for_update()
    previous = previous_rows.first()
    done_keys: set[str] = set()
    # Vans already on the road keep their route (their parcels are on board): it moves to the
    # new plan as it is, and the planner works with the other vans.
    carried: list[Route] = []
    if previous is not None:
        routes = Route.objects.filter(plan=previous).order_by("pk")
        if lock:
            routes = routes.select_for_update()
        carried = [route for route in routes if route.status == Route.Status.STARTED]
        done_keys = set(
            RouteStop.objects.filter(
                route__plan=previous, status__in=("done", "arrived")
            ).values_list("key", flat=True)
        )
    carried_stops = list(
        RouteStop.objects.filter(route__in=carried).order_by("route_id", "sequence")
    )
    done_keys |= {stop.key for stop in carried_stops}
    work = [item for item in _open_work(day, lock=lock) if item["key"] not in done_keys]
    busy = {route.vehicle_id for route in carried}
    fleet = [pair for pair in _fleet(day, not_before=not_before_min) if pair[0].pk not in busy]
    facts: dict[str, Any] = {
        "previous": previous.pk if previous is not None else None,
        "carried": tuple(route.pk for route in carried),
        "done": tuple(sorted(done_keys)),
    }
    for item in work:
        for parcel in item["parcels"]:
            facts[f"parcel:{parcel.pk}"] = (
                "drop",
                parcel.destination,
                parcel.station_id,
                parcel.latitude,
                parcel.longitude,
                parcel.weight_g,
                parcel.crates,
                parcel.needs_cold_chain,
            )
        for parcel in item["returns"]:
            facts[f"parcel:{parcel.pk}"] = (
                "return",
                parcel.station_id,
                parcel.weight_g,
                parcel.crates,
                parcel.needs_cold_chain,
            )
        pickup = item["pickup"]
        if pickup is not None:
            facts[f"pickup:{pickup.pk}"] = (
                pickup.latitude,
                pickup.longitude,
                pickup.window_start_min,
                pickup.window_end_min,
                pickup.expected_kg,
                pickup.crates,
                pickup.needs_cold_chain,
            )
    for vehicle, shift in fleet:
        facts[f"vehicle:{vehicle.pk}"] = (
            vehicle.capacity_kg,
            vehicle.capacity_crates,
            vehicle.cost_per_km,
            vehicle.cold_chain,
            shift.pk,
            shift.staff_id,
            shift.start_min,
            shift.end_min,
        )
    return _PlanInputs(
        previous=previous,
        carried=carried,
        carried_stops=carried_stops,
        work=work,
        fleet=fleet,
        facts=facts,
    )


def _plan_still_holds(planned: Mapping[str, Any], now: Mapping[str, Any]) -> None:
    """The plan was solved from `planned`; `now` is the state under lock. Another plan
    recorded meanwhile (or one recorded where there was none) is a concurrent planning run:
    RoutePlanConflictError. A parcel, pickup, van or route the plan rests on that changed or
    went away: PlanInputsChangedError. Work that appeared meanwhile waits for the next plan,
    like anything packed a minute after planning."""
    if now["previous"] != planned["previous"]:
        raise RoutePlanConflictError
    for key, value in planned.items():
        if now.get(key) != value:
            raise PlanInputsChangedError


def route_plan_day(
    *,
    actor: AnyUser | None,
    day: date,
    reason: str = "",
    seconds: float | None = None,
    not_before_min: int | None = None,
) -> RoutePlan:
    """Plan (or re-plan) a day: every open stop, every van with a driver on shift, through the
    route planner; the new plan replaces the day's active one. Stops already done stay in the
    old plan's record. `not_before_min` (minutes after midnight) keeps vans in the depot until
    then: re-planning at noon cannot send a van out at eight. `actor` None is the platform.

    The solver takes seconds and holds no lock: the inputs are read in one short transaction
    and committed, the travel matrix and the solver run with no transaction open (on SQLite an
    open write transaction would stop every other writer), and the plan is recorded in a second
    short transaction that locks the day's active plan, its routes and the work again and
    checks that nothing the plan rests on changed (`_plan_still_holds`). Of two dispatchers
    planning the same day at once, the first to record wins; the other gets
    RoutePlanConflictError and records nothing. Call it outside a transaction: inside one it
    still works, but whatever that transaction locked stays locked while the solver runs."""
    text_check(reason=reason)
    # The planner is imported here so that pages and services that never plan do not load the
    # solver (PyVRP and numpy) at start-up.
    from xiangcun.logistics.routing import Depot, PyVrpPlanner, Stop, VehicleSpec, plan_check
    from xiangcun.logistics.routing.matrix import matrix_provider_default

    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    if seconds is None:
        seconds = float(getattr(settings, "LOGISTICS_PLANNER_SECONDS", PLANNER_SECONDS))
    if not_before_min is None:
        not_before_min = _local_minutes(timezone.now()) if day == _today() else 0
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    if warehouse is None or warehouse.latitude is None or warehouse.longitude is None:
        raise NoVehiclesError(_("The county warehouse has no position to plan from."))
    with transaction.atomic():
        inputs = _plan_inputs(day, not_before_min=not_before_min, lock=False)
    work, fleet = inputs.work, inputs.fleet
    if not work:
        raise NothingToPlanError
    if not fleet:
        raise NoVehiclesError
    depot = Depot(
        id="depot",
        lat=float(warehouse.latitude),
        lng=float(warehouse.longitude),
        name=warehouse.name,
    )
    stops = [
        Stop(
            id=item["key"],
            lat=float(item["lat"]),
            lng=float(item["lng"]),
            delivery_kg=float(item["delivery_kg"]),
            pickup_kg=float(item["pickup_kg"]),
            delivery_crates=int(item["delivery_crates"]),
            pickup_crates=int(item["pickup_crates"]),
            window_start_min=int(item["window"][0]),
            window_end_min=int(item["window"][1]),
            service_min=int(item["service"]),
            name=str(item["label"]),
            cold_chain=bool(item["cold_chain"]),
        )
        for item in work
    ]
    vehicles = [
        VehicleSpec(
            id=vehicle.pk,
            capacity_kg=float(vehicle.capacity_kg),
            capacity_crates=vehicle.capacity_crates,
            shift_start_min=max(shift.start_min, not_before_min),
            shift_end_min=shift.end_min,
            cost_per_km=vehicle.cost_per_km,
            cold_chain=vehicle.cold_chain,
        )
        for vehicle, shift in fleet
    ]
    # No transaction is open from here to the recording: the matrix may come from a routing
    # server over HTTP, and the solver runs for `seconds`.
    provider = matrix_provider_default()
    matrix = provider.matrix([depot, *stops])
    # What is stored also covers the carried routes' stops, so every route of the plan can be
    # checked against it (the first rows are the planner's matrix).
    extra = [
        Stop(id=stop.key, lat=float(stop.latitude), lng=float(stop.longitude))
        for stop in inputs.carried_stops
        if stop.key not in {s.id for s in stops}
    ]
    stored_matrix = provider.matrix([depot, *stops, *extra]) if extra else matrix
    plan = PyVrpPlanner().plan(depot, stops, vehicles, matrix, seconds)
    violations = plan_check(plan, stops, vehicles, matrix)
    return _route_plan_record(
        actor=actor,
        day=day,
        reason=reason,
        not_before_min=not_before_min,
        inputs=inputs,
        plan=plan,
        violations=list(violations),
        matrix={
            "keys": ["depot", *[str(stop.id) for stop in [*stops, *extra]]],
            "points": [
                [depot.lat, depot.lng],
                *[[stop.lat, stop.lng] for stop in [*stops, *extra]],
            ],
            "distance_m": [list(row) for row in stored_matrix.distance_m],
            "duration_min": [list(row) for row in stored_matrix.duration_min],
        },
        shift_starts={spec.id: spec.shift_start_min for spec in vehicles},
    )


@transaction.atomic
def _route_plan_record(
    *,
    actor: AnyUser | None,
    day: date,
    reason: str,
    not_before_min: int,
    inputs: _PlanInputs,
    plan: Any,
    violations: list[str],
    matrix: dict[str, Any],
    shift_starts: Mapping[int | str, int],
) -> RoutePlan:
    """Store a solved plan, if it still holds: the day's active plan, its routes, the parcels
    and pickups are locked and read again, and compared with what the plan was solved from.
    Recording the same solved plan twice stores it once (the second finds its own plan active
    and gets RoutePlanConflictError)."""
    now = _plan_inputs(day, not_before_min=not_before_min, lock=True)
    _plan_still_holds(inputs.facts, now.facts)
    if now.previous is not None:
        now.previous.status = RoutePlan.Status.SUPERSEDED
        now.previous.save(update_fields=["status", "updated_at"])
    try:
        # A plan recorded meanwhile where there was none: the unique "one active plan a day"
        # constraint refuses the second (on PostgreSQL it waits for the first to commit).
        with transaction.atomic():
            stored = RoutePlan.objects.create(
                day=day,
                reason=(reason or "")[:200],
                cost=Decimal(str(plan.cost)).quantize(Decimal("0.01")),
                unassigned=[str(key) for key in plan.unassigned],
                matrix=matrix,
                violations=violations,
                planned_by_id=_actor_id(actor),
            )
    except IntegrityError as error:
        raise RoutePlanConflictError from error
    work, fleet = inputs.work, inputs.fleet
    Route.objects.filter(pk__in=[route.pk for route in inputs.carried]).update(plan=stored)
    by_key = {item["key"]: item for item in work}
    by_vehicle = {vehicle.pk: (vehicle, shift) for vehicle, shift in fleet}
    planned_parcels: set[int] = set()
    for route_plan in plan.routes:
        if not route_plan.stops:
            continue
        vehicle, shift = by_vehicle[int(route_plan.vehicle_id)]
        route = Route.objects.create(
            plan=stored,
            vehicle=vehicle,
            driver=shift.staff,
            shift_start_min=shift_starts[route_plan.vehicle_id],
            shift_end_min=shift.end_min,
            start_min=route_plan.start_min,
            end_min=route_plan.end_min,
            distance_m=route_plan.distance_m,
        )
        for sequence, planned in enumerate(route_plan.stops, start=1):
            item = by_key[str(planned.stop_id)]
            stop = RouteStop.objects.create(
                route=route,
                sequence=sequence,
                key=item["key"],
                kind=item["kind"],
                label=str(item["label"])[:80],
                address=str(item["address"])[:300],
                phone=str(item["phone"])[:20],
                station_id=item["station_id"],
                pickup_id=item["pickup_id"],
                latitude=item["lat"],
                longitude=item["lng"],
                window_start_min=item["window"][0],
                window_end_min=item["window"][1],
                service_min=item["service"],
                delivery_kg=item["delivery_kg"],
                pickup_kg=item["pickup_kg"],
                delivery_crates=item["delivery_crates"],
                pickup_crates=item["pickup_crates"],
                arrive_min=planned.arrive_min,
                depart_min=planned.depart_min,
                load_after_kg=planned.load_after_kg,
            )
            parcel_ids = [parcel.pk for parcel in item["parcels"]]
            Parcel.objects.filter(pk__in=parcel_ids).update(route_stop=stop)
            planned_parcels.update(parcel_ids)
            if item["pickup_id"] is not None:
                FarmPickup.objects.filter(pk=item["pickup_id"]).update(
                    status=FarmPickup.Status.PLANNED
                )
    # Parcels left out of the plan wait for the next one.
    left_out = [p.pk for item in work for p in item["parcels"] if p.pk not in planned_parcels]
    Parcel.objects.filter(pk__in=left_out).update(route_stop=None)
    return stored


def route_replan(
    *,
    actor: AnyUser,
    day: date,
    broken_vehicle_id: int | None = None,
    reason: str = "",
    seconds: float | None = None,
    not_before_min: int | None = None,
) -> RoutePlan:
    """Re-plan the rest of a day: when a van breaks down (it leaves the fleet, and whatever it
    still had to deliver goes to the others) or a late order arrives. The planner runs again on
    the stops not yet done; vans start from the depot no earlier than now. The breakdown is
    recorded and committed first (the van did break down, whatever the planner makes of it),
    then `route_plan_day` plans with no transaction open."""
    text_check(reason=reason)
    _require(actor, WAREHOUSE_ROLES)
    if broken_vehicle_id is not None:
        with transaction.atomic():
            vehicle_status_set(
                actor=actor, vehicle_id=broken_vehicle_id, status=Vehicle.Status.BROKEN_DOWN
            )
            # Its undelivered parcels come back to the warehouse to be re-loaded.
            stuck = Parcel.objects.select_for_update().filter(
                route_stop__route__vehicle_id=broken_vehicle_id,
                route_stop__route__plan__day=day,
                status__in=(Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY),
            )
            for parcel in stuck.order_by("pk"):
                parcel.status = Status.PACKED
                parcel.save(update_fields=["status", "updated_at"])
                _event(parcel, actor=actor, note=gettext("Van broke down: moved to another van."))
            Route.objects.filter(vehicle_id=broken_vehicle_id, plan__day=day).exclude(
                status=Route.Status.FINISHED
            ).update(status=Route.Status.FINISHED)
    text = reason or (gettext("Van broke down") if broken_vehicle_id else gettext("Re-planned"))
    return route_plan_day(
        actor=actor, day=day, reason=text, seconds=seconds, not_before_min=not_before_min
    )


# --- Demo ---------------------------------------------------------------------------------------

_DEMO_VEHICLES = (
    ("贵H·D1001", "冷链厢式车", 800, 40, True, "1.50"),
    ("贵H·D1002", "中型厢式货车", 1200, 60, False, "2.20"),
    ("贵H·D1003", "小型面包车", 600, 30, False, "1.60"),
    ("贵H·D1004", "备用货车", 1500, 80, False, "2.50"),
)
# (phone, job, vehicle plate or "", shift start, shift end); the demo users from accounts
# (13800000005 warehouse, ...06 packer, ...07 driver, ...08 courier, ...04 agent) and one more
# driver for the third van.
_DEMO_STAFF = (
    ("13800000007", StaffMember.Job.DRIVER, "贵H·D1001", 7 * 60 + 30, 18 * 60),
    ("13800000008", StaffMember.Job.COURIER, "贵H·D1003", 8 * 60, 18 * 60),
    ("13800000101", StaffMember.Job.DRIVER, "贵H·D1002", 7 * 60, 17 * 60 + 30),
    ("13800000006", StaffMember.Job.PACKER, "", 7 * 60, 16 * 60),
    ("13800000005", StaffMember.Job.WAREHOUSE, "", 7 * 60, 17 * 60),
    ("13800000004", StaffMember.Job.AGENT, "", 9 * 60, 17 * 60 + 30),
)
DEMO_BUYER_PHONE = "13800000001"
DEMO_AGENT_STATION = "DZ-VS-02"
DEMO_ORDERS = 12
DEMO_AT_STATION = 4
# Farms to collect from (APPROXIMATE sample positions near demo villages): seller index, kind of
# place (named after the shop), lat, lng, window, kg, crates.
_DEMO_PICKUPS = (
    (0, "蓝莓基地", "26.181", "107.771", (9 * 60, 12 * 60), 300, 20),
    (1, "茶园", "26.171", "107.815", (10 * 60, 15 * 60), 200, 15),
    (2, "蜂场", "26.281", "107.866", (13 * 60, 16 * 60), 180, 12),
)


def _demo_user(phone: str, name: str, password: str) -> AnyUser:
    user = user_by_phone(phone=phone)
    if user is None:
        user = user_register(phone=phone, password=password, name=name)
    return user


def logistics_demo_load(*, day: date | None = None, password: str = "") -> LogisticsDemoResult:
    """The demo's logistics day (vans, staff and shifts, paid orders packed into parcels, some
    waiting at stations with pickup codes, farm pickups: `_logistics_demo_day`), then the day's
    route plan when there is none yet. Safe to run again for the same day. The day's rows are
    committed before the planner runs, so the solver runs with no transaction open."""
    day = day or _today()
    loaded = _logistics_demo_day(day=day, password=password)
    plan = RoutePlan.objects.filter(day=day, status="active").first()
    if plan is None:
        # Planned as at the start of the day, whatever the time the demo is loaded.
        plan = route_plan_day(
            actor=None,
            day=day,
            reason=gettext("Demo day"),
            not_before_min=0,
        )
    return replace(
        loaded,
        routes=plan.routes.count(),
        unassigned=len(plan.unassigned),
        violations=list(plan.violations),
    )


@transaction.atomic
def _logistics_demo_day(*, day: date, password: str) -> LogisticsDemoResult:
    """The demo's logistics day: four vans (one cold chain), drivers, courier, packer, warehouse
    manager and a station agent with shifts, a day of paid orders to village stations packed
    into parcels, some of them already waiting at stations with pickup codes, and farm
    pickups. Safe to run again for the same day: orders are found by their idempotency keys,
    packed ones are left as they are.

    Needs the regions, demo users, shops and stock loaded first. `password` is for the extra
    demo driver's login (a random one when empty). Routes, unassigned stops and violations are
    left empty: `logistics_demo_load` plans after this commits."""
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    buyer = user_by_phone(phone=DEMO_BUYER_PHONE)
    if warehouse is None or buyer is None or not locations_list(kind="warehouse"):
        raise DemoPrerequisiteError
    stations = [s for s in stations_list(kind="village_station") if s.latitude is not None]
    if not stations:
        raise DemoPrerequisiteError
    vehicles: dict[str, Vehicle] = {}
    for plate, name, kg, crates, cold, cost in _DEMO_VEHICLES:
        vehicle, _created = Vehicle.objects.get_or_create(
            plate=plate,
            defaults={
                "name": name,
                "capacity_kg": kg,
                "capacity_crates": crates,
                "cold_chain": cold,
                "cost_per_km": Decimal(cost),
                "home_station_id": warehouse.id,
            },
        )
        vehicles[plate] = vehicle
    agent_station = next((s for s in stations if s.code == DEMO_AGENT_STATION), stations[0])
    staff: dict[str, StaffMember] = {}
    for phone, job, plate, start, end in _DEMO_STAFF:
        user = _demo_user(
            phone, "龙建国" if phone.endswith("101") else "", password or secrets.token_urlsafe(16)
        )
        station_id = agent_station.id if job == StaffMember.Job.AGENT else warehouse.id
        member = StaffMember.objects.filter(user_id=_uid(user)).first()
        if member is None:
            member = staff_member_set(actor=None, user=user, job=job, station_id=station_id)
        staff[phone] = member
        if not Shift.objects.filter(staff=member, day=day).exists():
            shift_set(
                actor=None,
                staff_id=member.pk,
                day=day,
                start_min=start,
                end_min=end,
                vehicle_id=vehicles[plate].pk if plate else None,
            )
    packer = staff["13800000006"].user
    driver = staff["13800000007"].user
    # A day of orders from the demo shops' stocked goods, to the stations, paid in the sandbox.
    sellers = list(sellers_list())
    variant_ids = [
        variant.pk
        for seller in sellers
        for product in products_for_seller(seller_id=seller.pk, listed_only=True)
        for variant in product.variants.all()
        if variant.is_active
    ]
    available = available_by_variant(variant_ids=variant_ids)
    stocked = [variant_id for variant_id in variant_ids if available.get(variant_id, 0) >= 3]
    if not stocked:
        raise DemoPrerequisiteError
    codes: list[DemoPickupCode] = []
    orders = 0
    at_station = 0
    for index in range(DEMO_ORDERS):
        station = stations[index % len(stations)]
        if index < DEMO_AT_STATION:
            station = agent_station
        lines = [(stocked[(index * 3 + k) % len(stocked)], 1) for k in range(1 + index % 2)]
        key = f"logistics-demo-{day:%Y%m%d}-{index}"
        existing = orders_selectors.order_for_idempotency_key(buyer=buyer, idempotency_key=key)
        if existing is None:
            order = orders_services.order_place(
                buyer=buyer,
                lines=list(dict(lines).items()),
                delivery_method="station_pickup",
                station_id=station.id,
                address=None,
                payment_method="sandbox",
                idempotency_key=key,
            )
            sandbox_decide(number=order.payment_number, approve=True)
        else:
            order = existing
        orders += 1
        task = packing_task_open(actor=packer, order_id=order.pk)
        if task.status == PackingTask.Status.OPEN:
            parcel = packing_complete(actor=packer, task_id=task.pk, weight_g=1500 + 700 * index)
        else:
            parcel = Parcel.objects.get(task=task)
        if index < DEMO_AT_STATION:
            if parcel.status == Status.PACKED:
                # Yesterday's van left it there: the driver hands it to the station.
                parcel = parcel_station_receive(actor=driver, parcel_id=parcel.pk)
            if parcel.status == Status.AT_STATION:
                at_station += 1
                codes.append(
                    DemoPickupCode(
                        order_number=order.number,
                        station=station.name,
                        code=pickup_code_for(parcel),
                    )
                )
    # Farm pickups for the day from the first farmer shops.
    farmers = [seller for seller in sellers if seller.kind in ("farmer", "cooperative")] or sellers
    pickups = 0
    for seller_index, place, lat, lng, window, kg, crates in _DEMO_PICKUPS:
        seller = farmers[seller_index % len(farmers)]
        place = f"{seller.name}{place}（示例取货点）"[:200]
        if FarmPickup.objects.filter(day=day, place=place).exists():
            pickups += 1
            continue
        products = products_for_seller(seller_id=seller.pk)
        variant = next((v for p in products for v in p.variants.all()), None)
        if variant is None:
            continue
        FarmPickup.objects.create(
            seller_id=seller.pk,
            requested_by_id=staff["13800000005"].user_id,
            variant_id=variant.pk,
            place=place,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            contact_phone="13900000000",
            day=day,
            window_start_min=window[0],
            window_end_min=window[1],
            expected_kg=kg,
            crates=crates,
        )
        pickups += 1
    return LogisticsDemoResult(
        day=day,
        vehicles=len(vehicles),
        staff=len(staff),
        orders=orders,
        parcels_at_stations=at_station,
        farm_pickups=pickups,
        routes=0,
        unassigned=0,
        codes=codes,
    )
