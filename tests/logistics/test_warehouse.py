"""Intake grading puts stock in, packing makes a parcel and a label PDF, carrier hand-off, and
re-planning when a van breaks down or a late order arrives."""

import datetime
from decimal import Decimal

import pytest

from xiangcun.accounts.models import User
from xiangcun.inventory.models import Location, Stock
from xiangcun.logistics import services
from xiangcun.logistics.errors import (
    InvalidIntakeError,
    LogisticsPermissionDeniedError,
    TaskAlreadyPackedError,
)
from xiangcun.logistics.labels import parcel_label_pdf
from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, Vehicle
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.orders.models import Order


def test_intake_grading_puts_accepted_units_into_warehouse_stock(
    demo: LogisticsDemoResult, warehouse: User
) -> None:
    pickup = FarmPickup.objects.first()
    assert pickup is not None
    location = Location.objects.get(kind="warehouse")
    before = Stock.objects.filter(variant_id=pickup.variant_id, location=location).first()
    on_hand = before.on_hand if before else 0
    intake = services.intake_record(
        actor=warehouse,
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
    demo: LogisticsDemoResult, warehouse: User, packer: User
) -> None:
    pickup = FarmPickup.objects.first()
    assert pickup is not None
    arguments = {
        "pickup_id": pickup.pk,
        "seller_id": pickup.seller_id,
        "variant_id": pickup.variant_id,
        "grade": "first",
        "weight_kg": Decimal("10"),
        "accepted_units": 5,
        "rejected_units": 2,
    }
    with pytest.raises(InvalidIntakeError):
        services.intake_record(actor=warehouse, **arguments)  # type: ignore[arg-type]
    with pytest.raises(LogisticsPermissionDeniedError):
        services.intake_record(actor=packer, reject_reason="rotten", **arguments)  # type: ignore[arg-type]


def test_packing_a_paid_order_makes_a_parcel_and_a_label_pdf(
    demo: LogisticsDemoResult, packer: User
) -> None:
    parcel = Parcel.objects.filter(status="packed").first()
    assert parcel is not None
    order = Order.objects.get(pk=parcel.order_id)
    assert order.status == "packing"
    pdf = parcel_label_pdf(parcel=parcel, order_number=order.number, lines=["蜂蜜 x1"])
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    with pytest.raises(TaskAlreadyPackedError):
        services.packing_complete(actor=packer, task_id=parcel.task_id, weight_g=100)


def test_a_parcel_leaving_the_county_goes_to_a_carrier(
    demo: LogisticsDemoResult, packer: User
) -> None:
    parcel = Parcel.objects.filter(status="packed").first()
    assert parcel is not None
    Parcel.objects.filter(pk=parcel.pk).update(destination="carrier", station=None)
    handoff = services.carrier_handoff(
        actor=packer, parcel_id=parcel.pk, carrier="ems", tracking_number="ems 1234 5678 90"
    )
    parcel.refresh_from_db()
    assert handoff.tracking_number == "EMS1234567890"
    assert parcel.status == "with_carrier"
    assert Order.objects.get(pk=parcel.order_id).status == "shipped"


def test_a_broken_down_van_is_replanned_out_of_the_day(
    demo: LogisticsDemoResult, warehouse: User, day: datetime.date
) -> None:
    old = RoutePlan.objects.get(day=day, status="active")
    broken = old.routes.first().vehicle  # type: ignore[union-attr]
    keys = set(old.routes.values_list("stops__key", flat=True))
    new = services.route_replan(
        actor=warehouse, day=day, broken_vehicle_id=broken.pk, not_before_min=8 * 60
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    assert Vehicle.objects.get(pk=broken.pk).status == "broken_down"
    assert not new.routes.filter(vehicle=broken).exists()
    assert set(new.routes.values_list("stops__key", flat=True)) | set(new.unassigned) == keys
    assert new.violations == []
    assert all(route.start_min >= 8 * 60 for route in new.routes.all())


def test_a_late_order_is_planned_in(
    demo: LogisticsDemoResult, warehouse: User, packer: User, buyer: User, day: datetime.date
) -> None:
    from xiangcun.orders import services as orders_services
    from xiangcun.payments.services import sandbox_decide
    from xiangcun.regions.models import Station

    planned = set(
        RoutePlan.objects.get(day=day, status="active").routes.values_list("stops__key", flat=True)
    )
    station = (
        Station.objects.filter(kind="village_station")
        .exclude(pk__in=[int(k.split(":")[1]) for k in planned if k.startswith("station:")])
        .first()
        or Station.objects.filter(kind="village_station").first()
    )
    assert station is not None
    variant_id = Parcel.objects.first().task.order.lines.first().variant_id  # type: ignore[union-attr]
    order = orders_services.order_place(
        buyer=buyer,
        lines=[(variant_id, 1)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )
    sandbox_decide(number=order.payment_number, approve=True)
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    parcel = services.packing_complete(actor=packer, task_id=task.pk, weight_g=2000)
    new = services.route_replan(actor=warehouse, day=day, not_before_min=9 * 60)
    parcel.refresh_from_db()
    assert parcel.route_stop is not None
    assert parcel.route_stop.route.plan_id == new.pk
    assert new.violations == []


def test_only_the_warehouse_plans(
    demo: LogisticsDemoResult, driver: User, day: datetime.date
) -> None:
    with pytest.raises(LogisticsPermissionDeniedError):
        services.route_plan_day(actor=driver, day=day)


def test_chilled_goods_are_planned_onto_the_cold_chain_van(
    demo: LogisticsDemoResult, warehouse: User, day: datetime.date
) -> None:
    pickups = list(FarmPickup.objects.filter(day=day))
    assert pickups
    FarmPickup.objects.filter(pk__in=[p.pk for p in pickups]).update(needs_cold_chain=True)
    Parcel.objects.filter(destination="station").update(needs_cold_chain=False)
    new = services.route_replan(actor=warehouse, day=day, not_before_min=8 * 60)
    assert new.violations == []
    chilled = {f"pickup:{p.pk}" for p in pickups} - set(new.unassigned)
    assert chilled, "the cold van has room for the farm pickups"
    for route in new.routes.all():
        keys = set(route.stops.values_list("key", flat=True))
        if not route.vehicle.cold_chain:
            assert not keys & chilled
