"""Every traced unit keeps its lot: packing takes the lot from the stock the order used (the
packer does not choose), refuses a traced product without one, and the buyer's parcel page
says plainly when a parcel's lot was not recorded."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.logistics.factories import lot_of, packed, paid_order
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Location, StockLot
from xiangcun.logistics import services
from xiangcun.logistics.errors import LotRequiredError
from xiangcun.logistics.models import FarmPickup, PackedLine, PackingTask, Parcel
from xiangcun.regions.models import Station
from xiangcun.traceability import services as traceability
from xiangcun.traceability.models import Event, Lot
from xiangcun.traceability.selectors import order_line_ids_for_lot


def harvest_of(variant: Variant, actor: User, *, days_ago: int = 1) -> Lot:
    Variant.objects.filter(pk=variant.pk).update(unit="bag", net_weight_g=5000)
    return traceability.lot_record(
        actor=actor,
        product_id=variant.product_id,
        seller_id=variant.product.seller_id,
        harvested_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        quantity=Decimal("100"),
        unit="kg",
    )


def test_the_packer_packs_from_the_oldest_harvest_in_the_stock_without_choosing(
    warehouse_manager: User,
    packer: User,
    buyer: User,
    station: Station,
    variant: Variant,
    stock_location: Location,
) -> None:
    older = harvest_of(variant, warehouse_manager, days_ago=3)
    newer = harvest_of(variant, warehouse_manager, days_ago=1)
    for lot in (newer, older):
        traceability.lot_pack(
            actor=warehouse_manager,
            lot_id=lot.pk,
            packs={variant.pk: 2},
            location_id=stock_location.pk,
        )
    order = paid_order(buyer, variant.pk, station=station, quantity=3)

    parcel = packed(order, packer)

    line = order.lines.get()
    assert PackedLine.objects.get(task=parcel.task).lot_id == older.pk
    # The line spans both harvests: each is linked to it by its own pack event.
    assert order_line_ids_for_lot(lot_id=older.pk) == [line.pk]
    assert order_line_ids_for_lot(lot_id=newer.pk) == [line.pk]
    quantities = {
        event.lot_id: event.data["quantityList"][0]["quantity"]
        for event in Event.objects.filter(order_line_id=line.pk)
    }
    assert quantities == {older.pk: 2, newer.pk: 1}


def test_a_traced_product_without_lot_stock_cannot_be_packed(
    warehouse_manager: User, packer: User, buyer: User, station: Station, variant: Variant
) -> None:
    # Packed at the farm: the county warehouse's stock of it has no lot.
    lot = harvest_of(variant, warehouse_manager)
    traceability.lot_pack(actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 2})
    order = paid_order(buyer, variant.pk, station=station)
    task = services.packing_task_open(actor=packer, order_id=order.pk)

    with pytest.raises(LotRequiredError) as refused:
        services.packing_complete(actor=packer, task_id=task.pk, weight_g=900)

    assert refused.value.code == "lot_required"
    assert variant.product.name in str(refused.value.message)
    assert PackingTask.objects.get(pk=task.pk).status == "open"
    assert not Parcel.objects.filter(task=task).exists()


def test_the_buyers_parcel_page_links_the_harvest_or_says_it_was_not_recorded(
    warehouse_manager: User,
    packer: User,
    buyer: User,
    station: Station,
    variant: Variant,
    stock_location: Location,
) -> None:
    untraced = packed(paid_order(buyer, variant.pk, station=station), packer)
    lot = harvest_of(variant, warehouse_manager)
    traceability.lot_pack(
        actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 2}, location_id=stock_location.pk
    )
    traced = packed(paid_order(buyer, variant.pk, station=station), packer)
    client = Client()
    client.force_login(buyer)

    page = client.get(reverse("logistics:track", args=[untraced.number]), HTTP_ACCEPT_LANGUAGE="en")
    assert "harvest lot was not recorded" in page.content.decode()

    page = client.get(reverse("logistics:track", args=[traced.number]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert f"/10/{lot.code}" in body
    assert "not recorded" not in body


def test_an_intake_of_a_lot_puts_the_units_on_hand_with_it(
    planned_pickup: FarmPickup, warehouse_manager: User, stock_location: Location
) -> None:
    lot = lot_of(planned_pickup.variant, warehouse_manager)
    services.intake_record(
        actor=warehouse_manager,
        pickup_id=planned_pickup.pk,
        lot_id=lot.pk,
        seller_id=planned_pickup.seller_id,
        variant_id=planned_pickup.variant_id,
        grade="premium",
        weight_kg=Decimal("30"),
        accepted_units=30,
    )
    row = StockLot.objects.get(lot_id=lot.pk)
    assert (row.stock.location_id, row.on_hand) == (stock_location.pk, 30)
