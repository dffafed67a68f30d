"""Races on PostgreSQL (SQLite ignores row locks, so these prove nothing there): two closes of one
drawer at once close it once; two opens by one agent leave one drawer; two commission sweeps at
once accrue each source once."""

from decimal import Decimal

import pytest

from tests.concurrency import run_together
from tests.servicecenter.cash_factories import (
    cash_order,
    completed,
    drawer_opened,
    parcel_handed_over_by,
)
from tests.servicecenter.factories import agent_at
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import CommissionLine, Drawer, DrawerMovement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_closes_at_once_close_the_drawer_once() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent, "200.00")

    outcomes = run_together(
        2,
        lambda i: services.drawer_close(
            actor=agent,
            drawer_id=drawer.pk,
            counted="199.00",
            reason=f"short {i}",
            handed_to="warehouse",
        ),
    )

    assert sorted(outcomes) == ["drawer_closed", "ok"]
    assert DrawerMovement.objects.filter(drawer=drawer, kind="variance").count() == 1
    assert DrawerMovement.objects.filter(drawer=drawer, kind="handover").count() == 1
    assert account_balance(code="cash_variance") == Decimal("1.00")
    assert account_balance(code=f"cash:station:{drawer.station_id}") == 0
    assert ledger_total() == 0


def test_two_opens_at_once_leave_one_drawer() -> None:
    agent = agent_at()

    outcomes = run_together(
        2, lambda i: services.drawer_open(actor=agent, float_amount=Decimal("100.00"))
    )

    assert sorted(outcomes) == ["drawer_already_open", "ok"]
    assert Drawer.objects.filter(agent=agent).count() == 1
    assert account_balance(code="cash:county") == Decimal("-100.00")


def test_two_sweeps_at_once_accrue_each_source_once() -> None:
    services.commission_rules_demo_load()
    agent = agent_at()
    drawer_opened(agent)
    completed(cash_order(agent, price="50.00", quantity=2))
    parcel_handed_over_by(agent)

    outcomes = run_together(2, lambda i: services.commission_accrue())

    assert outcomes == ["ok", "ok"]
    assert CommissionLine.objects.count() == 2
    assert -account_balance(code=f"agent_commission_payable:{agent.pk}") == Decimal("3.50")
    assert ledger_total() == 0
