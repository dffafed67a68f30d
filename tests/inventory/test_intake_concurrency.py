"""A farm's packed goods received at the county warehouse while buyers order them: the intake
moves the farm's units (and the holds on them) instead of adding new ones, so however the
two interleave the count stays the farm's ten bags, every hold still covers its units, and
the lot follows them. The race is on PostgreSQL (SQLite ignores row locks); the plain case
runs on both."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.inventory.models import Location, Reservation, Stock, StockLot

BAGS = 10
BUYERS = 6
LOT_ID = 4242
HARVEST = datetime.date(2026, 10, 1)


def _farm_packed(variant: Variant) -> tuple[Location, Location]:
    """Ten bags of lot 4242 on hand at the variant's farm; the county warehouse."""
    owner = variant.product.seller.owner
    farm = services.location_for_seller(seller_id=variant.product.seller_id)
    services.stock_receive(
        actor=owner,
        variant_id=variant.pk,
        location_id=farm.pk,
        quantity=BAGS,
        lot_id=LOT_ID,
        harvested_on=HARVEST,
    )
    return farm, LocationFactory(kind=Location.Kind.WAREHOUSE)


def _keeper(variant: Variant) -> object:
    keeper = variant.product.seller.owner
    keeper.is_superuser = True  # warehouse staff may change any stock
    return keeper


def _totals(variant: Variant) -> tuple[int, int, int]:
    rows = Stock.objects.filter(variant=variant).aggregate(
        on_hand=Sum("on_hand"), reserved=Sum("reserved")
    )
    lots = StockLot.objects.filter(stock__variant=variant).aggregate(total=Sum("on_hand"))
    return int(rows["on_hand"] or 0), int(rows["reserved"] or 0), int(lots["total"] or 0)


def test_units_held_at_the_farm_move_with_their_holds(db: None) -> None:
    variant = VariantFactory()
    _farm, warehouse = _farm_packed(variant)
    services.stock_reserve(lines=[(variant.pk, 3)], reference="order:A")

    moved = services.stock_intake(
        actor=_keeper(variant), variant_id=variant.pk, location_id=warehouse.pk, quantity=BAGS
    )

    assert (moved.moved, moved.received) == (BAGS, 0)
    assert _totals(variant) == (BAGS, 3, BAGS)
    here = Stock.objects.get(variant=variant, location=warehouse)
    assert (here.on_hand, here.reserved) == (BAGS, 3)
    hold = Reservation.objects.get(reference="order:A")
    assert (hold.stock_id, hold.quantity) == (here.pk, 3)
    # Paying the order takes the held bags from the warehouse, with the lot.
    services.reservation_consume(reference="order:A")
    here.refresh_from_db()
    assert (here.on_hand, here.reserved) == (BAGS - 3, 0)
    assert StockLot.objects.get(stock=here).on_hand == BAGS - 3


@pytest.mark.postgres
def test_an_intake_racing_buyers_never_counts_the_farms_bags_twice(
    transactional_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    variant = VariantFactory()
    _farm, warehouse = _farm_packed(variant)
    keeper = _keeper(variant)
    start = threading.Barrier(BUYERS + 1)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(number: int) -> None:
        try:
            start.wait()
            try:
                services.stock_reserve(lines=[(variant.pk, 2)], reference=f"order:{number}")
                outcome = "reserved"
            except InsufficientStockError as error:
                outcome = error.code
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    def receive() -> None:
        try:
            start.wait()
            services.stock_intake(
                actor=keeper,
                variant_id=variant.pk,
                location_id=warehouse.pk,
                quantity=BAGS,
                lot_id=LOT_ID,
                harvested_on=HARVEST,
            )
            with lock:
                outcomes.append("received")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(BUYERS)]
    threads.append(threading.Thread(target=receive))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Never counted twice, never oversold: the ten bags exist once, wherever the buyers found
    # them. How many buyers are served is not fixed: one that waited on the farm's row while
    # the intake moved the bags may be refused though the warehouse then holds them (it chose
    # its locations before the wait), so only the bounds are asserted.
    reserved = outcomes.count("reserved")
    assert outcomes.count("received") == 1
    assert reserved + outcomes.count("insufficient_stock") == BUYERS
    assert 2 * reserved <= BAGS
    assert _totals(variant) == (BAGS, 2 * reserved, BAGS)
    for stock in Stock.objects.filter(variant=variant):
        holds = Reservation.objects.filter(stock=stock, status="active").aggregate(
            total=Sum("quantity")
        )
        assert stock.reserved == int(holds["total"] or 0)
    here = Stock.objects.get(variant=variant, location=warehouse)
    assert (here.on_hand, StockLot.objects.get(stock=here).on_hand) == (BAGS, BAGS)
