"""The cash drawer: opened once per agent with a float from the county office, cash recorded
once per reference, closed once with a count that is bounded and explained."""

from decimal import Decimal

import pytest

from tests.accounts.factories import UserFactory
from tests.servicecenter.cash_factories import cash_order, drawer_opened, station_of
from tests.servicecenter.factories import agent_at, supervisor
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.errors import (
    DrawerAlreadyOpenError,
    DrawerClosedError,
    DrawerMovementConflictError,
    DrawerNotFoundError,
    InvalidCashAmountError,
    InvalidDenominationsError,
    InvalidHandoverError,
    NoOpenDrawerError,
    NotAnAgentError,
    VarianceReasonRequiredError,
)
from xiangcun.servicecenter.models import AssistedAction, Drawer, DrawerMovement

pytestmark = pytest.mark.django_db


def test_opening_a_drawer_brings_the_float_from_the_county_office() -> None:
    agent = agent_at()
    station = station_of(agent)

    drawer = services.drawer_open(actor=agent, float_amount="200.00")

    assert drawer.status == Drawer.Status.OPEN
    assert account_balance(code=f"cash:station:{station.pk}") == Decimal("200.00")
    assert account_balance(code="cash:county") == Decimal("-200.00")
    assert selectors.drawer_get(actor=agent, drawer_id=drawer.pk).expected == Decimal("200.00")
    assert selectors.drawer_for_cash(actor=agent, station_id=station.pk) == drawer
    assert AssistedAction.objects.filter(agent=agent, code="drawer_opened").count() == 1


def test_an_agent_has_one_open_drawer_at_a_time() -> None:
    agent = agent_at()
    drawer_opened(agent)

    with pytest.raises(DrawerAlreadyOpenError):
        services.drawer_open(actor=agent, float_amount="50.00")
    assert Drawer.objects.filter(agent=agent).count() == 1


@pytest.mark.parametrize(
    "bad", ["-1", "1000000.01", "1e9", "abc", "12.345", "NaN", 1.5, True, None]
)
def test_a_float_must_be_a_sane_amount(bad: object) -> None:
    agent = agent_at()
    with pytest.raises(InvalidCashAmountError):
        services.drawer_open(actor=agent, float_amount=bad)
    assert not Drawer.objects.exists()


def test_a_zero_float_posts_nothing() -> None:
    agent = agent_at()
    services.drawer_open(actor=agent, float_amount="0")
    assert account_balance(code=f"cash:station:{station_of(agent).pk}") == 0


def test_only_agents_open_drawers() -> None:
    with pytest.raises(NotAnAgentError):
        services.drawer_open(actor=UserFactory(), float_amount="10.00")


def test_cash_is_taken_only_into_an_open_drawer() -> None:
    agent = agent_at()
    station = station_of(agent)
    with pytest.raises(NoOpenDrawerError):
        selectors.drawer_for_cash(actor=agent, station_id=station.pk)
    with pytest.raises(NoOpenDrawerError):
        services.drawer_cash_in(
            actor=agent,
            station_id=station.pk,
            kind="order_cash",
            amount=Decimal("25.00"),
            reference="payment:P1",
        )
    assert not DrawerMovement.objects.exists()


def test_the_same_cash_recorded_twice_counts_once() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    order = cash_order(agent)

    again = services.drawer_cash_in(
        actor=agent,
        station_id=drawer.station_id,
        kind="order_cash",
        amount=order.total,
        reference=f"payment:{order.payment_number}",
    )

    assert DrawerMovement.objects.filter(kind="order_cash").count() == 1
    assert again.ledger_entry_id is not None
    view = selectors.drawer_get(actor=agent, drawer_id=drawer.pk)
    assert view.expected == Decimal("200.00") + order.total
    assert AssistedAction.objects.filter(agent=agent, code="cash_taken").count() == 1
    with pytest.raises(DrawerMovementConflictError):
        services.drawer_cash_in(
            actor=agent,
            station_id=drawer.station_id,
            kind="order_cash",
            amount=order.total + 1,
            reference=f"payment:{order.payment_number}",
        )


def test_cash_in_with_the_wrong_sign_is_refused() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    with pytest.raises(InvalidCashAmountError):
        services.drawer_cash_in(
            actor=agent,
            station_id=drawer.station_id,
            kind="refund",
            amount=Decimal("5.00"),
            reference="refund:X",
        )


def test_close_counts_the_cash_and_posts_the_variance_with_its_reason() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    station = drawer.station_id

    closed = services.drawer_close(
        actor=agent, drawer_id=drawer.pk, counted="199.50", reason="0.50 coin lost"
    )

    assert (closed.status, closed.expected, closed.counted, closed.variance) == (
        "closed",
        Decimal("200.00"),
        Decimal("199.50"),
        Decimal("-0.50"),
    )
    assert account_balance(code="cash_variance") == Decimal("0.50")
    assert account_balance(code=f"cash:station:{station}") == Decimal("199.50")
    assert ledger_total() == 0
    with pytest.raises(DrawerClosedError):
        services.drawer_close(actor=agent, drawer_id=drawer.pk, counted="199.50", reason="x")
    assert account_balance(code="cash_variance") == Decimal("0.50")


def test_a_variance_needs_a_reason() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    with pytest.raises(VarianceReasonRequiredError):
        services.drawer_close(actor=agent, drawer_id=drawer.pk, counted="201.00")
    assert Drawer.objects.get(pk=drawer.pk).status == "open"


@pytest.mark.parametrize("bad", ["-0.01", "1000000.01", "9" * 30, "", "1,000", [], {"a": 1}])
def test_a_negative_or_absurd_count_is_refused(bad: object) -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    with pytest.raises(InvalidCashAmountError):
        services.drawer_close(actor=agent, drawer_id=drawer.pk, counted=bad, reason="x")
    assert Drawer.objects.get(pk=drawer.pk).status == "open"


def test_notes_and_coins_must_add_up_to_the_count() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    with pytest.raises(InvalidDenominationsError):
        services.drawer_close(
            actor=agent, drawer_id=drawer.pk, counted="200.00", denominations={"100": 1}
        )
    closed = services.drawer_close(
        actor=agent,
        drawer_id=drawer.pk,
        counted="200.00",
        denominations={"100": 1, "50": 1, "20": 2, "10": 1},
    )
    assert closed.denominations == {"100": 1, "50": 1, "20": 2, "10": 1}


def test_close_hands_the_cash_over_to_the_bank() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    station = drawer.station_id

    services.drawer_close(
        actor=agent, drawer_id=drawer.pk, counted="200.00", handed_to="bank", handed_amount="150"
    )

    assert account_balance(code="bank:operating") == Decimal("150.00")
    assert account_balance(code=f"cash:station:{station}") == Decimal("50.00")
    with pytest.raises(InvalidHandoverError):
        services.drawer_close(
            actor=agent,
            drawer_id=drawer_opened(agent).pk,
            counted="200.00",
            handed_to="bank",
            handed_amount="200.01",
        )


def test_a_handover_cannot_take_more_than_the_drawer_holds() -> None:
    agent = agent_at()
    drawer_opened(agent, "100.00")
    with pytest.raises(InvalidHandoverError):
        services.drawer_handover(
            actor=agent, handed_to="driver", amount="100.01", handover_number="H1"
        )
    movement = services.drawer_handover(
        actor=agent, handed_to="driver", amount="60.00", handover_number="H1"
    )
    again = services.drawer_handover(
        actor=agent, handed_to="driver", amount="60.00", handover_number="H1"
    )
    assert movement.pk == again.pk
    assert account_balance(code="cash:county") == Decimal("-40.00")


def test_another_agent_cannot_see_or_close_my_drawer() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    other = agent_at(station_of(agent))
    with pytest.raises(DrawerNotFoundError):
        selectors.drawer_get(actor=other, drawer_id=drawer.pk)
    with pytest.raises(DrawerNotFoundError):
        services.drawer_close(actor=other, drawer_id=drawer.pk, counted="200.00")


def test_a_supervisor_may_close_an_agents_drawer() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    closed = services.drawer_close(actor=supervisor(), drawer_id=drawer.pk, counted="200.00")
    assert closed.status == "closed"


def test_station_day_report_adds_up_the_drawers() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent)
    order = cash_order(agent)
    services.drawer_close(actor=agent, drawer_id=drawer.pk, counted="190.00", reason="short")

    from django.utils import timezone

    report = selectors.station_day_report(
        actor=agent, station_id=drawer.station_id, day=timezone.localdate()
    )

    assert report.floats == Decimal("200.00")
    assert report.order_cash == order.total
    assert report.variance == Decimal("190.00") - Decimal("200.00") - order.total
    assert report.counted == Decimal("190.00")
    assert [d.id for d in report.drawers] == [drawer.pk]
    assert report.station_cash == Decimal("190.00")
