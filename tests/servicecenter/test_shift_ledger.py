"""A whole shift at a station, walked through the ledger: the float comes from the county office,
two orders are paid in cash, a loan repayment is taken, a returned order is refunded in cash,
cash goes to the driver, and the close finds ¥0.30 short. Every yuan lands where it should, to
the fen."""

from decimal import Decimal

import pytest

from tests.servicecenter.cash_factories import (
    cash_order,
    cash_return_approved,
    delivered,
    drawer_opened,
    loan_owing,
)
from tests.servicecenter.factories import agent_at
from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.models import AssistedAction, DrawerMovement

pytestmark = pytest.mark.django_db


def test_a_whole_shift_balances_to_the_fen() -> None:
    agent = agent_at()
    drawer = drawer_opened(agent, "200.00")
    station = drawer.station_id
    cash = f"cash:station:{station}"

    first = cash_order(agent, price="12.50", quantity=2)
    second = cash_order(agent, price="33.30", quantity=3)
    loan = loan_owing()
    services.drawer_loan_repayment(
        actor=agent, loan_id=loan.pk, amount="100.00", reference="counter-loan-1"
    )
    refund_number = cash_return_approved(delivered(first), agent)
    refund = services.drawer_refund_pay(actor=agent, refund_number=refund_number)
    services.drawer_handover(
        actor=agent, handed_to="driver", amount="50.00", handover_number="DRV-1"
    )

    expected = Decimal("200.00") + first.total + second.total + Decimal("100.00") - first.total - 50
    view = selectors.drawer_get(actor=agent, drawer_id=drawer.pk)
    assert view.expected == expected
    assert refund.amount == -first.total
    assert account_balance(code=cash) == expected

    counted = expected - Decimal("0.30")
    closed = services.drawer_close(
        actor=agent,
        drawer_id=drawer.pk,
        counted=counted,
        reason="short by three jiao",
        handed_to="warehouse",
    )

    assert (closed.expected, closed.counted, closed.variance) == (
        expected,
        counted,
        Decimal("-0.30"),
    )
    # Everything counted went to the county office: the station holds nothing.
    assert account_balance(code=cash) == Decimal("0.00")
    assert account_balance(code="cash_variance") == Decimal("0.30")
    # The county office gave 200 and got 50 from the driver and the counted cash.
    assert account_balance(code="cash:county") == Decimal("-200.00") + 50 + counted
    # The first order is refunded: clearing holds nothing of either order.
    assert account_balance(code="buyer_payments_clearing") == 0
    assert ledger_total() == 0
    for entry in JournalEntry.objects.all():
        assert sum(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == 0
    variance = JournalEntry.objects.get(reference=f"drawer:{drawer.pk}:variance")
    assert (variance.kind, variance.memo) == ("adjustment", "short by three jiao")
    kinds = sorted(DrawerMovement.objects.filter(drawer=drawer).values_list("kind", flat=True))
    assert kinds == sorted(
        [
            "float",
            "order_cash",
            "order_cash",
            "loan_repayment",
            "refund",
            "handover",
            "handover",
            "variance",
        ]
    )
    assert {
        "drawer_opened",
        "cash_taken",
        "loan_repayment_taken",
        "refund_paid",
        "cash_handed_over",
        "drawer_closed",
    } <= set(AssistedAction.objects.filter(agent=agent).values_list("code", flat=True))
