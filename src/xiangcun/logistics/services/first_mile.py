"""First mile: farms ask for their goods to be collected, and the county warehouse grades and
receives what arrives (stock in, and the lot's receiving and inspection events)."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import variant_sellers, variants_for_order
from xiangcun.core.validators import mobile_normalize, text_check
from xiangcun.inventory.services import stock_intake
from xiangcun.logistics.errors import (
    InvalidIntakeError,
    InvalidPickupRequestError,
    LogisticsPermissionDeniedError,
    PickupNotCancellableError,
    PickupNotFoundError,
    PickupNotReceivableError,
)
from xiangcun.logistics.models import (
    FarmPickup,
    Intake,
)
from xiangcun.logistics.services._common import (
    _lot,
    _lot_or_none,
    _minutes,
    _positive_int,
    _require,
    _today,
    _uid,
    _warehouse_location_id,
)
from xiangcun.logistics.types import (
    PICKUP_REQUEST_ROLES,
    WAREHOUSE_ROLES,
)
from xiangcun.regions.selectors import (
    stations_list,
    townships_list,
    village_township_id,
    villages_for_township,
)
from xiangcun.sellers.selectors import seller_can_manage, seller_get
from xiangcun.traceability.errors import LotNotFoundError
from xiangcun.traceability.selectors import lot_get
from xiangcun.traceability.services import (
    event_receive,
    inspection_record,
)


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
    the lot (when there is one) gets its receiving and inspection events. Units the farm
    packed into stock at home are moved from the farm with their lots (inventory's
    `stock_intake`); only units not yet in stock are added.

    The product must be the farm's (`seller_id`) and the lot the farm's, of that product. With
    a pickup, the farm and product are the pickup's, and the pickup must be planned or
    collected and not received yet."""
    text_check(grade=grade, reject_reason=reject_reason, note=note)
    _require(actor, WAREHOUSE_ROLES)
    weight, reject_reason = _grading_check(
        grade=grade,
        weight_kg=weight_kg,
        accepted_units=accepted_units,
        rejected_units=rejected_units,
        reject_reason=reject_reason,
    )
    pickup = None
    if pickup_id is not None:
        pickup = _pickup_to_receive(pickup_id=pickup_id, seller_id=seller_id, variant_id=variant_id)
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
    lot = _lot(lot_id)
    if accepted_units:
        # The units go on hand with their harvest lot, so packing finds it; what the farm
        # already packed into stock at home moves here (lots and all) instead of counting twice.
        stock_intake(
            actor=actor,
            variant_id=variant_id,
            location_id=location_id,
            quantity=accepted_units,
            note=gettext("Intake, grade %(grade)s") % {"grade": intake.get_grade_display()},
            reference=f"intake:{intake.pk}",
            lot_id=lot.pk if lot is not None else None,
            harvested_on=lot.harvested_on if lot is not None else None,
        )
    if pickup is not None:
        pickup.status = FarmPickup.Status.RECEIVED
        pickup.save(update_fields=["status", "updated_at"])
    if lot is not None:
        _lot_received(actor=actor, lot=lot, intake=intake, weight=weight)
    return intake


def _grading_check(
    *,
    grade: str,
    weight_kg: Decimal,
    accepted_units: int,
    rejected_units: int,
    reject_reason: str,
) -> tuple[Decimal, str]:
    """An intake's grade, weight and unit counts checked: the weight as a Decimal, and the
    reject reason (empty when no unit was rejected)."""
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
    return weight, reject_reason if rejected_units else ""


def _pickup_to_receive(*, pickup_id: int, seller_id: int, variant_id: int) -> FarmPickup:
    """The pickup an intake receives, locked: planned or collected, not received yet, of this
    farm and product."""
    pickup = FarmPickup.objects.select_for_update().filter(pk=pickup_id).first()
    if pickup is None:
        raise PickupNotFoundError
    # Received once: a second intake of the same pickup would count its goods twice.
    if pickup.status not in (FarmPickup.Status.PLANNED, FarmPickup.Status.COLLECTED):
        raise PickupNotReceivableError
    if pickup.seller_id != seller_id:
        raise InvalidIntakeError(_("Receive the goods under the pickup's farm."), field="seller_id")
    if pickup.variant_id != variant_id:
        raise InvalidIntakeError(_("Receive the product the pickup was for."), field="variant_id")
    return pickup


def _lot_received(*, actor: AnyUser, lot: Any, intake: Intake, weight: Decimal) -> None:
    """The lot's receiving event at the county warehouse and its grading inspection."""
    accepted_units, rejected_units = intake.accepted_units, intake.rejected_units
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
