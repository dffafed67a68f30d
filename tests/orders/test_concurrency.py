"""Many buyers at once for the last units: PostgreSQL row locks sell exactly what is there;
on the SQLite default, concurrent checkouts queue for the write lock instead of failing."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections

from tests.accounts.factories import UserFactory
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.regions.models import Station

BUYERS = 50
UNITS = 10
PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_fifty_buyers_for_the_last_ten_units_buy_exactly_ten(
    transactional_db: None, stocked: Callable[..., Variant], station: Station
) -> None:
    from xiangcun.orders import services

    variant = stocked(on_hand=UNITS)
    buyers = [UserFactory() for _ in range(BUYERS)]
    start = threading.Barrier(BUYERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(buyer: object) -> None:
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
            except Exception as error:
                outcome = getattr(error, "code", repr(error))
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(outcomes) == {"placed": UNITS, "insufficient_stock": BUYERS - UNITS}
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (UNITS, UNITS)
    for order in Order.objects.all():
        payments.sandbox_decide(number=order.payment_number, approve=True)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (0, 0)
    assert Order.objects.filter(status="paid").count() == UNITS


def test_concurrent_checkouts_on_a_sqlite_file_wait_their_turn(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL",)}
    environment.update(
        XIANGCUN_DATA_DIR=str(tmp_path),
        TASKS_BACKEND="immediate",
        SMS_SENDER="xiangcun.accounts.sms.MemorySmsSender",
        FAST_PASSWORD_HASHER="1",
        PYTHONPATH=f"{PROJECT}{os.pathsep}{PROJECT / 'src'}",
    )
    finished = subprocess.run(
        [sys.executable, "-m", "tests.orders.sqlite_race", "12", "5"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])

    assert result["engine"] == "sqlite"
    assert result["journal_mode"] == "wal"
    # Every buyer got an answer from the rules, none "database is locked".
    assert result["outcomes"] == {"placed": 5, "insufficient_stock": 7}
    assert (result["on_hand"], result["reserved"]) == (5, 5)
