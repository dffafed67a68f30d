"""Two payout runs started at the same moment (the staff button and the daily job) pay each
seller once; two workers retrying the same payout call the provider once."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.accounts.factories import user_with_role
from tests.concurrency import run_together
from tests.finance.money_helpers import sale
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.models import Payout
from xiangcun.finance.providers import PayoutTransientError
from xiangcun.ledger.selectors import account_balance, ledger_total, seller_money
from xiangcun.ledger.types import BANK_OPERATING

DAY = datetime.date(2026, 11, 2)
PAY_DAY = DAY + datetime.timedelta(days=7)


@pytest.mark.postgres
def test_two_runs_at_once_pay_once(transactional_db: None) -> None:
    sellers = [SellerFactory() for _ in range(3)]
    for seller in sellers:
        sale(seller.pk, "100.00", completed_on=DAY)
    services.settlement_run(on=PAY_DAY)
    staff = user_with_role(Role.PROGRAMME_MANAGER)

    outcomes = run_together(
        2, lambda i: services.payout_run(actor=staff if i else None, on=PAY_DAY)
    )

    assert sorted(outcomes) == ["ok", "payout_run_exists"]
    assert Payout.objects.count() == 3
    assert account_balance(code=BANK_OPERATING) == Decimal("-285.00")
    for seller in sellers:
        assert seller_money(seller_id=seller.pk).available == Decimal("0.00")
    assert ledger_total() == 0


@pytest.mark.postgres
def test_two_workers_retrying_one_payout_call_the_provider_once(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = SellerFactory()
    sale(seller.pk, "100.00", completed_on=DAY)
    services.settlement_run(on=PAY_DAY)

    def down(self: Any, order: Any) -> Any:
        raise PayoutTransientError("unreachable")

    monkeypatch.setattr("xiangcun.finance.providers.simulated.SimulatedProvider.send", down)
    services.payout_run(actor=None, on=PAY_DAY)
    monkeypatch.undo()
    calls: list[str] = []
    real_send = services.payout_send.__globals__["provider_for"]

    def counting(name: str) -> Any:
        provider = real_send(name)
        original = provider.send

        def send(order: Any) -> Any:
            calls.append(order.key)
            return original(order)

        provider.send = send
        return provider

    monkeypatch.setattr("xiangcun.finance.services.payouts.provider_for", counting)
    payout = Payout.objects.get()
    later = payout.next_attempt_at + datetime.timedelta(minutes=1)

    run_together(2, lambda _i: services.payouts_retry_due(now=later))

    payout.refresh_from_db()
    assert payout.status == "paid"
    assert len(calls) == 1
    assert account_balance(code=BANK_OPERATING) == Decimal("-95.00")
