"""Racing syncs on PostgreSQL: the console sends the same assisted order twice at once (a retry
over a flaky signal). One order, one assisted row, one cash posting and drawer movement."""

from decimal import Decimal

import pytest

from tests.concurrency import run_together
from tests.regions.factories import StationFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import station_cash_account
from xiangcun.orders.models import Order
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import AssistedOrder, DrawerMovement

pytestmark = pytest.mark.postgres


def test_the_same_key_raced_makes_one_order_and_one_cash_posting(transactional_db: None) -> None:
    station = StationFactory()
    agent = agent_at(station)
    services.drawer_open(actor=agent, float_amount=Decimal("100.00"))
    resident = consented_resident(station, agent, name="杨阿婆")
    rice = goods_in_stock(on_hand=20, price=Decimal("12.50"))
    created: list[bool] = []

    def place(index: int) -> None:
        placed = services.assisted_order_place(
            actor=agent,
            resident_id=resident.pk,
            lines=[(rice.pk, 2)],
            payment_method="cash",
            idempotency_key="sync-race",
        )
        created.append(placed.created)

    assert run_together(3, place) == ["ok"] * 3
    assert sorted(created) == [False, False, True]
    order = Order.objects.get()
    assert AssistedOrder.objects.get().order_id == order.pk
    assert DrawerMovement.objects.filter(kind="order_cash").count() == 1
    assert len(entries_for_reference(reference=f"payment:{order.payment_number}")) == 1
    assert account_balance(code=station_cash_account(station.pk)) == Decimal("100.00") + order.total
