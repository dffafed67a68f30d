"""Intake grading puts stock in, packing makes a parcel and a label PDF, carrier hand-off, and
re-planning when a van breaks down or a late order arrives."""

import datetime
from decimal import Decimal
from functools import partial

import pytest

from tests.logistics.factories import FarmPickupFactory, packed, paid_order, van_on_shift
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Location, Stock
from xiangcun.logistics import services
from xiangcun.logistics.errors import (
    InvalidIntakeError,
    LogisticsPermissionDeniedError,
    TaskAlreadyPackedError,
)
from xiangcun.logistics.labels import parcel_label_pdf
from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, Vehicle
from xiangcun.orders.models import Order
from xiangcun.regions.models import Station


def test_intake_grading_puts_accepted_units_into_warehouse_stock(
    planned_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = planned_pickup
    location = Location.objects.get(kind="warehouse")
    on_hand = Stock.objects.get(variant_id=pickup.variant_id, location=location).on_hand
    intake = services.intake_record(
        actor=warehouse_manager,
        pickup_id=pickup.pk,
        seller_id=pickup.seller_id,
        variant_id=pickup.variant_id,
        grade="first",
        weight_kg=Decimal("118.5"),
        accepted_units=40,
        rejected_units=3,
        reject_reason="damaged",
    )
    stock = Stock.objects.get(variant_id=pickup.variant_id, location=location)
    assert stock.on_hand == on_hand + 40
    assert intake.rejected_units == 3
    pickup.refresh_from_db()
    assert pickup.status == "received"


def test_rejects_need_a_reason_and_only_warehouse_staff_grade(
    planned_pickup: FarmPickup, warehouse_manager: User, packer: User
) -> None:
    pickup = planned_pickup
    record = partial(
        services.intake_record,
        pickup_id=pickup.pk,
        seller_id=pickup.seller_id,
        variant_id=pickup.variant_id,
        grade="first",
        weight_kg=Decimal("10"),
        accepted_units=5,
        rejected_units=2,
    )
    with pytest.raises(InvalidIntakeError):
        record(actor=warehouse_manager)
    with pytest.raises(LogisticsPermissionDeniedError):
        record(actor=packer, reject_reason="rotten")


def test_packing_a_paid_order_makes_a_parcel_and_a_label_pdf(
    packed_parcel: Parcel, packer: User
) -> None:
    parcel = packed_parcel
    order = Order.objects.get(pk=parcel.order_id)
    assert order.status == "packing"
    pdf = parcel_label_pdf(parcel=parcel, order_number=order.number, lines=["蜂蜜 x1"])
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    with pytest.raises(TaskAlreadyPackedError):
        services.packing_complete(actor=packer, task_id=parcel.task_id, weight_g=100)


def test_a_parcel_leaving_the_county_goes_to_a_carrier(packed_parcel: Parcel, packer: User) -> None:
    parcel = packed_parcel
    Parcel.objects.filter(pk=parcel.pk).update(destination="carrier", station=None)
    handoff = services.carrier_handoff(
        actor=packer, parcel_id=parcel.pk, carrier="ems", tracking_number="ems 1234 5678 90"
    )
    parcel.refresh_from_db()
    assert handoff.tracking_number == "EMS1234567890"
    assert parcel.status == "with_carrier"
    assert Order.objects.get(pk=parcel.order_id).status == "shipped"


@pytest.fixture
def two_vans_planned(
    van: Vehicle,
    depot: Station,
    farm_pickup: FarmPickup,
    packed_parcel: Parcel,
    warehouse_manager: User,
    day: datetime.date,
) -> RoutePlan:
    """A second van with its driver on shift, and the day planned: the parcel for the station
    and the farm pickup."""
    van_on_shift(depot, day)
    return services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)


def test_a_broken_down_van_is_replanned_out_of_the_day(
    two_vans_planned: RoutePlan, warehouse_manager: User, day: datetime.date
) -> None:
    old = two_vans_planned
    first = old.routes.first()
    assert first is not None
    broken = first.vehicle
    keys = set(old.routes.values_list("stops__key", flat=True))
    new = services.route_replan(
        actor=warehouse_manager, day=day, broken_vehicle_id=broken.pk, not_before_min=8 * 60
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    assert Vehicle.objects.get(pk=broken.pk).status == "broken_down"
    assert not new.routes.filter(vehicle=broken).exists()
    assert set(new.routes.values_list("stops__key", flat=True)) | set(new.unassigned) == keys
    assert new.violations == []
    assert new.routes.exists(), "the other van takes the work"
    assert all(route.start_min >= 8 * 60 for route in new.routes.all())


def test_a_late_order_is_planned_in(
    planned_day: RoutePlan,
    warehouse_manager: User,
    packer: User,
    buyer: User,
    variant: Variant,
    other_station: Station,
    day: datetime.date,
) -> None:
    planned = set(planned_day.routes.values_list("stops__key", flat=True))
    assert f"station:{other_station.pk}" not in planned
    parcel = packed(paid_order(buyer, variant.pk, station=other_station), packer, weight_g=2000)
    new = services.route_replan(actor=warehouse_manager, day=day, not_before_min=9 * 60)
    parcel.refresh_from_db()
    assert parcel.route_stop is not None
    assert parcel.route_stop.route.plan_id == new.pk
    assert new.violations == []


def test_only_the_warehouse_plans(van: Vehicle, driver: User, day: datetime.date) -> None:
    with pytest.raises(LogisticsPermissionDeniedError):
        services.route_plan_day(actor=driver, day=day)


def test_chilled_goods_are_planned_onto_the_cold_chain_van(
    van: Vehicle,
    depot: Station,
    farm_pickup: FarmPickup,
    packed_parcel: Parcel,
    warehouse_manager: User,
    day: datetime.date,
) -> None:
    van_on_shift(depot, day, cold_chain=True)
    FarmPickupFactory(variant=farm_pickup.variant, requested_by=warehouse_manager)
    pickups = list(FarmPickup.objects.filter(day=day))
    assert len(pickups) == 2
    FarmPickup.objects.filter(pk__in=[p.pk for p in pickups]).update(needs_cold_chain=True)
    Parcel.objects.filter(destination="station").update(needs_cold_chain=False)
    new = services.route_replan(actor=warehouse_manager, day=day, not_before_min=8 * 60)
    assert new.violations == []
    chilled = {f"pickup:{p.pk}" for p in pickups} - set(new.unassigned)
    assert chilled, "the cold van has room for the farm pickups"
    on_cold_vans = set(
        new.routes.filter(vehicle__cold_chain=True).values_list("stops__key", flat=True)
    )
    on_other_vans = set(
        new.routes.filter(vehicle__cold_chain=False).values_list("stops__key", flat=True)
    )
    assert chilled <= on_cold_vans
    assert not on_other_vans & chilled
