"""Run by test_concurrency.py in a fresh process: concurrent checkouts on a FILE SQLite database
with the project's settings (IMMEDIATE transactions, busy timeout). The test databases of
pytest-django are in memory with a shared cache, whose table locks fail at once instead of
waiting, so they cannot show this. Prints one JSON line with the outcomes."""

import json
import os
import sys
import threading
from collections import Counter

import django


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "xiangcun.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from tests.accounts.factories import UserFactory
    from tests.catalog.factories import VariantFactory
    from tests.inventory.factories import LocationFactory
    from tests.regions.factories import StationFactory
    from xiangcun.accounts.models import User
    from xiangcun.core.errors import XiangcunError
    from xiangcun.inventory import services as inventory
    from xiangcun.inventory.models import Stock
    from xiangcun.orders import services

    buyers_count, units = int(sys.argv[1]), int(sys.argv[2])
    call_command("migrate", verbosity=0)
    keeper = UserFactory(admin=True)
    variant = VariantFactory()
    warehouse = LocationFactory()
    inventory.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, quantity=units
    )
    station = StationFactory(code="RACE", name="站")
    buyers = [UserFactory() for _ in range(buyers_count)]
    connections.close_all()

    start = threading.Barrier(buyers_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(buyer: User) -> None:
        try:
            start.wait()
            try:
                services.order_place(
                    buyer=buyer,
                    lines=[(variant.pk, 1)],
                    delivery_method="station_pickup",
                    station_id=station.pk,
                    address=None,
                    payment_method="sandbox",
                    idempotency_key=None,
                )
                outcome = "placed"
            except XiangcunError as error:
                outcome = error.code
            except Exception as error:
                outcome = f"{type(error).__name__}: {error}"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stock = Stock.objects.get(variant=variant)
    sys.stdout.write(
        json.dumps(
            {
                "outcomes": Counter(outcomes),
                "on_hand": stock.on_hand,
                "reserved": stock.reserved,
                "engine": connections["default"].vendor,
                "journal_mode": connections["default"]
                .cursor()
                .execute("PRAGMA journal_mode")
                .fetchone()[0],
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
