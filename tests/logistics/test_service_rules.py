"""Rules the pages used to hold, now kept by the services for every caller (pages, API, tasks):
a parcel nobody collected goes back only after a week at its station; only a lot of the line's
product from the line's farm may be packed into it; an intake is of the farm's own product (and
of its pickup's farm and product), and a pickup is received once."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.catalog.factories import VariantFactory
from tests.logistics.factories import lot_of, paid_order
from tests.logistics.test_returns_restock import left_uncollected, warehouse_stock
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services
from xiangcun.logistics.errors import (
    InvalidIntakeError,
    LotNotPackableError,
    ParcelNotOverdueError,
    PickupNotReceivableError,
)
from xiangcun.logistics.models import FarmPickup, Intake, PackedLine, PackingTask, Parcel
from xiangcun.logistics.types import UNCOLLECTED_AFTER
from xiangcun.orders.models import Order, OrderLine
from xiangcun.regions.models import Station
from xiangcun.traceability.models import Lot

# --- A week before sending back -----------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 3, UNCOLLECTED_AFTER.days - 1])
def test_a_parcel_waiting_less_than_a_week_cannot_be_sent_back(
    at_station: Callable[..., Parcel], station_agent: User, days: int
) -> None:
    parcel = left_uncollected(at_station(), days=days)

    with pytest.raises(ParcelNotOverdueError) as refused:
        services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    assert refused.value.code == "parcel_not_overdue"
    assert refused.value.status == 409
    assert "7" in str(refused.value.message)
    assert Parcel.objects.get(pk=parcel.pk).status == "at_station"
    assert Order.objects.get(pk=parcel.order_id).status != "refunded"


def test_a_parcel_waiting_a_week_goes_back_and_its_buyer_is_refunded(
    at_station: Callable[..., Parcel], station_agent: User
) -> None:
    parcel = left_uncollected(at_station(), days=UNCOLLECTED_AFTER.days)

    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    assert Parcel.objects.get(pk=parcel.pk).status == "returning"
    assert Order.objects.get(pk=parcel.order_id).status == "refunded"


def test_the_week_counts_from_the_last_arrival_at_the_station(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel = parcel_at_station
    # The parcel was created (packed) long ago, but came to the station only now.
    Parcel.objects.filter(pk=parcel.pk).update(created_at=timezone.now() - datetime.timedelta(30))
    parcel.events.filter(status="packed").update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    with pytest.raises(ParcelNotOverdueError):
        services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)


# --- Which lot goes into which line -------------------------------------------------------------


def packing_for(
    buyer: User, packer: User, station: Station, variant: Variant
) -> tuple[PackingTask, OrderLine]:
    order = paid_order(buyer, variant.pk, station=station)
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    return task, OrderLine.objects.get(order_id=order.pk)


def test_a_lot_of_another_farm_cannot_be_packed(
    warehouse_manager: User, packer: User, buyer: User, station: Station, variant: Variant
) -> None:
    task, line = packing_for(buyer, packer, station, variant)
    foreign = lot_of(VariantFactory(), warehouse_manager)

    with pytest.raises(LotNotPackableError) as refused:
        services.packing_complete(
            actor=packer, task_id=task.pk, weight_g=900, lots={line.pk: foreign.pk}
        )

    assert refused.value.field == f"lots.{line.pk}"
    assert not PackedLine.objects.filter(task=task).exists()
    assert PackingTask.objects.get(pk=task.pk).status == "open"
    assert not Parcel.objects.filter(task=task).exists()


@pytest.mark.parametrize("kind", ["other_product", "recalled", "missing", "not_an_id"])
def test_only_an_active_lot_of_the_lines_product_is_packed(
    warehouse_manager: User,
    packer: User,
    buyer: User,
    station: Station,
    variant: Variant,
    kind: str,
) -> None:
    task, line = packing_for(buyer, packer, station, variant)
    lot_id: object
    if kind == "other_product":
        sibling = VariantFactory(product__seller=variant.product.seller)
        lot_id = lot_of(sibling, warehouse_manager).pk
    elif kind == "recalled":
        lot = lot_of(variant, warehouse_manager)
        Lot.objects.filter(pk=lot.pk).update(status="recalled", recalled_at=timezone.now())
        lot_id = lot.pk
    elif kind == "missing":
        lot_id = 10**9
    else:
        lot_id = "12"

    with pytest.raises(LotNotPackableError):
        services.packing_complete(
            actor=packer,
            task_id=task.pk,
            weight_g=900,
            lots={line.pk: lot_id},  # type: ignore[dict-item]  # "12": a wrong type on purpose
        )
    assert not PackedLine.objects.filter(task=task).exists()


def test_the_lines_own_lot_is_packed(
    warehouse_manager: User, packer: User, buyer: User, station: Station, variant: Variant
) -> None:
    task, line = packing_for(buyer, packer, station, variant)
    lot = lot_of(variant, warehouse_manager)
    services.packing_complete(actor=packer, task_id=task.pk, weight_g=900, lots={line.pk: lot.pk})
    assert PackedLine.objects.get(task=task).lot_id == lot.pk


# --- What an intake may record ------------------------------------------------------------------


def intake(warehouse: User, pickup: FarmPickup | None, **overrides: Any) -> Intake:
    values: dict[str, Any] = {
        "pickup_id": pickup.pk if pickup is not None else None,
        "seller_id": pickup.seller_id if pickup is not None else None,
        "variant_id": pickup.variant_id if pickup is not None else None,
        "grade": "premium",
        "weight_kg": Decimal("40"),
        "accepted_units": 20,
    }
    values.update(overrides)
    return services.intake_record(actor=warehouse, **values)


def test_an_intake_of_a_pickup_is_for_its_farm_and_product(
    planned_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = planned_pickup
    other = VariantFactory()
    before = warehouse_stock(other.pk)

    with pytest.raises(InvalidIntakeError) as wrong_farm:
        intake(warehouse_manager, pickup, seller_id=other.product.seller_id, variant_id=other.pk)
    assert wrong_farm.value.field == "seller_id"
    with pytest.raises(InvalidIntakeError) as wrong_product:
        intake(warehouse_manager, pickup, variant_id=other.pk)
    assert wrong_product.value.field == "variant_id"

    assert warehouse_stock(other.pk) == before
    assert not Intake.objects.exists()
    assert FarmPickup.objects.get(pk=pickup.pk).status == "planned"


def test_an_intake_without_a_pickup_is_of_the_farms_own_product(
    farm_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = farm_pickup
    other = VariantFactory()
    before = warehouse_stock(other.pk)

    with pytest.raises(InvalidIntakeError) as refused:
        intake(warehouse_manager, None, seller_id=pickup.seller_id, variant_id=other.pk)

    assert refused.value.field == "variant_id"
    assert warehouse_stock(other.pk) == before
    assert not Intake.objects.exists()


def test_an_intake_lot_is_the_farms_lot_of_that_product(
    planned_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = planned_pickup
    foreign = lot_of(VariantFactory(), warehouse_manager)
    with pytest.raises(InvalidIntakeError) as refused:
        intake(warehouse_manager, pickup, lot_id=foreign.pk)
    assert refused.value.field == "lot_id"
    assert not Intake.objects.exists()


def test_a_pickup_is_received_once(planned_pickup: FarmPickup, warehouse_manager: User) -> None:
    pickup = planned_pickup
    before = warehouse_stock(pickup.variant_id)
    intake(warehouse_manager, pickup)
    assert warehouse_stock(pickup.variant_id) == before + 20

    with pytest.raises(PickupNotReceivableError):
        intake(warehouse_manager, pickup)

    assert warehouse_stock(pickup.variant_id) == before + 20
    assert Intake.objects.filter(pickup=pickup).count() == 1


def test_a_cancelled_or_unplanned_pickup_is_not_received(
    planned_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = planned_pickup
    for status in ("cancelled", "requested"):
        FarmPickup.objects.filter(pk=pickup.pk).update(status=status)
        with pytest.raises(PickupNotReceivableError):
            intake(warehouse_manager, pickup)
    assert not Intake.objects.exists()
