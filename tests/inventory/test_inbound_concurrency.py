"""Two warehouse hands receiving the same notice at once on PostgreSQL: the goods go on hand
once. (SQLite ignores select_for_update, so this proves nothing there and is skipped.)"""

import pytest
from django.db import connection

from tests.accounts.factories import user_with_permissions
from tests.concurrency import run_together
from tests.inventory.factories import InboundLineFactory
from xiangcun.inventory import services
from xiangcun.inventory.models import InboundLine, Stock

THREADS = 6


@pytest.mark.postgres
def test_racing_receipts_of_one_line_add_the_stock_once(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    line = InboundLineFactory(expected=12)
    keeper = user_with_permissions("view_stock", "change_stock", app_label="inventory")

    def receive(index: int) -> None:
        services.inbound_receive(
            actor=keeper,
            shipment_id=line.shipment_id,
            lines=[{"line_id": line.pk, "received": 12}],
        )

    outcomes = run_together(THREADS, receive)

    assert outcomes == ["ok"] * THREADS
    stock = Stock.objects.get(variant=line.variant, location=line.shipment.warehouse)
    assert stock.on_hand == 12
    assert stock.movements.count() == 1
    assert InboundLine.objects.get(pk=line.pk).received == 12
