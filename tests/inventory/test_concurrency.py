"""Concurrent orders on PostgreSQL: row locks make the last unit impossible to sell twice.

SQLite ignores select_for_update, so this proves nothing there and is skipped.
"""

import threading

import pytest
from django.db import connection, connections

from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from xiangcun.inventory import services
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.inventory.models import Reservation, Stock

THREADS = 20
ON_HAND = 10


@pytest.mark.postgres
def test_twenty_buyers_for_ten_units_get_exactly_ten(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    variant = VariantFactory()
    location = LocationFactory()
    keeper = variant.product.seller.owner
    keeper.is_superuser = True
    services.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=location.pk, quantity=ON_HAND
    )

    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(number: int) -> None:
        try:
            start.wait()
            try:
                services.stock_reserve(lines=[(variant.pk, 1)], reference=f"order-{number}")
                outcome = "reserved"
            except InsufficientStockError as error:
                outcome = error.code
            except Exception as error:
                outcome = repr(error)
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["insufficient_stock"] * 10 + ["reserved"] * 10
    stock = Stock.objects.get(variant=variant, location=location)
    assert (stock.on_hand, stock.reserved) == (ON_HAND, ON_HAND)
    assert Reservation.objects.filter(stock=stock, status="active").count() == ON_HAND
