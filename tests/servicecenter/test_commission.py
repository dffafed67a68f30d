"""Agents' commission: rules as data, accrued through the ledger once per source as assisted
orders complete, parcels are handed over and applicants entered; reversed on refund; paid."""

from decimal import Decimal

import pytest

from tests.accounts.factories import user_with_role
from tests.servicecenter.cash_factories import (
    applicant_entered_by,
    cash_order,
    cash_return_approved,
    completed,
    drawer_opened,
    parcel_handed_over_by,
)
from tests.servicecenter.factories import agent_at, supervisor
from xiangcun.accounts.types import Role
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.errors import (
    AgentNotFoundError,
    CommissionPermissionDeniedError,
)
from xiangcun.servicecenter.models import CommissionLine, CommissionRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules() -> None:
    assert services.commission_rules_demo_load() == 3


def _payable(agent_id: int) -> Decimal:
    return -account_balance(code=f"agent_commission_payable:{agent_id}")


def test_demo_rules_load_once() -> None:
    assert services.commission_rules_demo_load() == 3
    assert services.commission_rules_demo_load() == 0
    assert CommissionRule.objects.filter(is_active=True).count() == 3


@pytest.mark.usefixtures("rules")
def test_a_completed_assisted_order_earns_its_percentage_once() -> None:
    agent = agent_at()
    drawer_opened(agent)
    order = cash_order(agent, price="12.50", quantity=3)  # 37.50: 3 % is 1.125, half up 1.13

    assert services.commission_accrue() == 0  # not completed yet
    completed(order)
    assert services.commission_accrue() == 1
    assert services.commission_accrue() == 0

    line = CommissionLine.objects.get(source=f"order:{order.pk}")
    assert (line.kind, line.base, line.amount) == ("accrual", Decimal("37.50"), Decimal("1.13"))
    assert _payable(agent.pk) == Decimal("1.13")
    assert account_balance(code="agent_commission_expense") == Decimal("1.13")
    assert ledger_total() == 0


@pytest.mark.usefixtures("rules")
def test_orders_the_agent_did_not_place_for_a_resident_earn_nothing() -> None:
    from tests.accounts.factories import UserFactory
    from tests.logistics.factories import paid_order
    from tests.servicecenter.factories import goods_in_stock

    agent = agent_at()
    from tests.servicecenter.cash_factories import station_of

    order = paid_order(UserFactory(), goods_in_stock().pk, station=station_of(agent))
    completed(order)
    assert services.commission_accrue() == 0
    assert not CommissionLine.objects.exists()


def test_a_category_rule_beats_the_general_one() -> None:
    from xiangcun.catalog.models import Category

    agent = agent_at()
    drawer_opened(agent)
    order = cash_order(agent, price="100.00", quantity=1)
    category = Category.objects.get(pk=order.lines.get().variant.product.category_id)
    parent = Category.objects.create(slug="farm-goods", name="农产品", direction="up")
    Category.objects.filter(pk=category.pk).update(parent=parent)
    CommissionRule.objects.create(kind="sales_percent", percent=Decimal("3"))
    CommissionRule.objects.create(kind="sales_percent", percent=Decimal("10"), category=parent)

    completed(order)
    services.commission_accrue()

    assert CommissionLine.objects.get(source=f"order:{order.pk}").amount == Decimal("10.00")


@pytest.mark.usefixtures("rules")
def test_a_refunded_order_gives_its_commission_back() -> None:
    agent = agent_at()
    drawer_opened(agent)
    order = completed(cash_order(agent, price="20.00", quantity=2))
    services.commission_accrue()
    assert _payable(agent.pk) == Decimal("1.20")

    refund_number = cash_return_approved(order, agent)
    services.drawer_refund_pay(actor=agent, refund_number=refund_number)
    assert services.commission_accrue() == 1
    assert services.commission_accrue() == 0

    reversal = CommissionLine.objects.get(kind="reversal", source=f"order:{order.pk}")
    assert reversal.amount == Decimal("-1.20")
    assert _payable(agent.pk) == 0
    assert account_balance(code="agent_commission_expense") == 0
    view = selectors.commission_for(actor=agent)
    assert (view.accrued, view.reversed, view.balance) == (
        Decimal("1.20"),
        Decimal("1.20"),
        Decimal("0.00"),
    )


@pytest.mark.usefixtures("rules")
def test_a_partial_return_gives_back_its_share() -> None:
    agent = agent_at()
    drawer_opened(agent)
    order = completed(cash_order(agent, price="10.00", quantity=4))  # 40.00: 1.20
    services.commission_accrue()
    refund_number = cash_return_approved(order, agent, quantity=1)  # 10.00 back
    services.drawer_refund_pay(actor=agent, refund_number=refund_number)
    services.commission_accrue()
    assert CommissionLine.objects.get(kind="reversal").amount == Decimal("-0.30")
    assert _payable(agent.pk) == Decimal("0.90")


@pytest.mark.usefixtures("rules")
def test_a_parcel_handed_over_earns_the_fee() -> None:
    agent = agent_at()
    parcel_id = parcel_handed_over_by(agent)

    assert services.commission_accrue() == 1
    assert services.commission_accrue() == 0
    line = CommissionLine.objects.get(source=f"parcel:{parcel_id}")
    assert (line.agent_id, line.amount) == (agent.pk, Decimal("0.50"))
    assert _payable(agent.pk) == Decimal("0.50")


@pytest.mark.usefixtures("rules")
def test_a_job_applicant_entered_at_the_counter_earns_the_fee() -> None:
    agent = agent_at()
    application_id = applicant_entered_by(agent)

    assert services.commission_accrue() == 1
    line = CommissionLine.objects.get(source=f"applicant:{application_id}")
    assert (line.agent_id, line.amount) == (agent.pk, Decimal("5.00"))


def test_without_a_rule_nothing_is_earned() -> None:
    agent = agent_at()
    parcel_handed_over_by(agent)
    assert services.commission_accrue() == 0
    assert _payable(agent.pk) == 0


@pytest.mark.usefixtures("rules")
def test_the_payout_run_pays_what_is_owed_once_a_day() -> None:
    agent = agent_at()
    parcel_handed_over_by(agent)
    applicant_entered_by(agent)
    services.commission_accrue()
    assert _payable(agent.pk) == Decimal("5.50")

    finance = user_with_role(Role.PROGRAMME_MANAGER)
    assert services.commission_payout_run(actor=finance) == 1
    assert services.commission_payout_run(actor=finance) == 0

    assert _payable(agent.pk) == 0
    assert account_balance(code="bank:operating") == Decimal("-5.50")
    view = selectors.commission_for(actor=agent)
    assert (view.accrued, view.paid, view.balance) == (
        Decimal("5.50"),
        Decimal("5.50"),
        Decimal("0.00"),
    )
    assert view.lines[0].kind == "payout"
    assert ledger_total() == 0


def test_only_finance_staff_run_the_payout() -> None:
    with pytest.raises(CommissionPermissionDeniedError):
        services.commission_payout_run(actor=agent_at())


def test_an_agent_sees_only_their_own_commission() -> None:
    agent = agent_at()
    other = agent_at()
    assert selectors.commission_for(actor=agent).agent_id == agent.pk
    with pytest.raises(AgentNotFoundError):
        selectors.commission_for(actor=agent, agent_id=other.pk)
    assert selectors.commission_for(actor=supervisor(), agent_id=other.pk).agent_id == other.pk


@pytest.mark.usefixtures("rules")
def test_the_admin_edits_rules_and_reads_the_rest(client: object) -> None:
    from django.test import Client

    from tests.accounts.factories import UserFactory

    assert isinstance(client, Client)
    agent = agent_at()
    drawer = drawer_opened(agent)
    completed(cash_order(agent))
    services.commission_accrue()
    client.force_login(UserFactory(admin=True))
    for model in (
        "commissionrule",
        "commissionline",
        "drawer",
        "consent",
        "assistedorder",
        "assistedaction",
    ):
        assert client.get(f"/admin/servicecenter/{model}/").status_code == 200, model
    assert client.get(f"/admin/servicecenter/drawer/{drawer.pk}/change/").status_code == 200
    rule = CommissionRule.objects.get(kind="parcel_fee")
    assert client.get(f"/admin/servicecenter/commissionrule/{rule.pk}/change/").status_code == 200
