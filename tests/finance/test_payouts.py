"""Payout runs: what is available leaves through the seller's provider once, failures come
back to the balance or are tried again, and the ledger stays whole throughout."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import PayoutAccountFactory
from tests.finance.money_helpers import sale
from tests.payments.wechat_fake import FakeWechatPay
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.errors import (
    FinancePermissionDeniedError,
    InvalidPayoutAccountError,
    PayoutRunExistsError,
    PayoutStateError,
    SellerMoneyNotFoundError,
)
from xiangcun.finance.models import Payout, PayoutAccount
from xiangcun.finance.providers import PayoutTransientError, bank_file_csv
from xiangcun.finance.selectors import payout_order
from xiangcun.ledger.selectors import account_balance, ledger_total, seller_money
from xiangcun.ledger.types import BANK_OPERATING, payout_clearing_account
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date(2026, 11, 2)
PAY_DAY = DAY + datetime.timedelta(days=7)


@pytest.fixture
def manager(db: None) -> User:
    return user_with_role(Role.PROGRAMME_MANAGER)


def _owed(seller: Seller, goods: str = "100.00") -> None:
    """The seller has goods less 5 % available (sold, completed and settled)."""
    sale(seller.pk, goods, completed_on=DAY)
    services.settlement_run(on=PAY_DAY)


def _whole() -> None:
    assert ledger_total() == 0


def test_a_run_pays_what_is_available_through_the_simulated_provider(manager: User) -> None:
    seller = SellerFactory()
    _owed(seller)

    run = services.payout_run(actor=manager, on=PAY_DAY)

    (payout,) = Payout.objects.filter(run=run)
    assert (payout.seller_id, payout.amount, payout.provider) == (
        seller.pk,
        D("95.00"),
        "simulated",
    )
    assert payout.status == "paid"
    assert payout.attempts == 1
    assert payout.provider_reference == f"SIM-{payout.idempotency_key}"
    assert run.status == "done"
    assert seller_money(seller_id=seller.pk).available == D("0.00")
    assert account_balance(code=payout_clearing_account("simulated")) == D("0.00")
    assert account_balance(code=BANK_OPERATING) == D("-95.00")
    _whole()


def test_one_run_a_day(manager: User) -> None:
    seller = SellerFactory()
    _owed(seller)
    services.payout_run(actor=manager, on=PAY_DAY)
    sale(seller.pk, "10.00", completed_on=DAY)
    services.settlement_run(on=PAY_DAY)
    with pytest.raises(PayoutRunExistsError):
        services.payout_run(actor=manager, on=PAY_DAY)
    assert Payout.objects.count() == 1
    # The next day's run pays what came in since.
    services.payout_run(actor=None, on=PAY_DAY + datetime.timedelta(days=1))
    assert sorted(Payout.objects.values_list("amount", flat=True)) == [D("9.50"), D("95.00")]


def test_only_finance_staff_run_payouts() -> None:
    seller = SellerFactory()
    _owed(seller)
    for actor in (seller.owner, UserFactory(), user_with_role(Role.LOAN_OFFICER)):
        with pytest.raises(FinancePermissionDeniedError):
            services.payout_run(actor=actor, on=PAY_DAY)
    assert Payout.objects.count() == 0


def test_nothing_is_paid_from_a_negative_or_empty_balance(manager: User) -> None:
    SellerFactory()
    sale(SellerFactory().pk, "10.00", completed_on=None)  # still pending
    run = services.payout_run(actor=manager, on=PAY_DAY)
    assert run.payouts.count() == 0


def test_a_refused_account_returns_the_money_to_the_balance(manager: User) -> None:
    seller = SellerFactory()
    PayoutAccountFactory(seller=seller, method="simulated", account_number="6222000000000000")
    _owed(seller)

    run = services.payout_run(actor=manager, on=PAY_DAY)

    (payout,) = run.payouts.all()
    assert (payout.status, payout.failure_code) == ("returned", "account_invalid")
    assert seller_money(seller_id=seller.pk).available == D("95.00")
    assert account_balance(code=BANK_OPERATING) == D("0.00")
    _whole()


def test_an_unreachable_provider_is_tried_again_later_and_pays_once(
    manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = SellerFactory()
    _owed(seller)
    calls: list[str] = []

    def down(self: Any, order: Any) -> Any:
        calls.append(order.key)
        raise PayoutTransientError("unreachable")

    monkeypatch.setattr("xiangcun.finance.providers.simulated.SimulatedProvider.send", down)
    run = services.payout_run(actor=manager, on=PAY_DAY)
    (payout,) = run.payouts.all()
    assert (payout.status, payout.attempts) == ("pending", 1)
    assert payout.next_attempt_at is not None
    # Not due yet: nothing is tried.
    assert (
        services.payouts_retry_due(now=payout.next_attempt_at - datetime.timedelta(seconds=1)) == 0
    )

    monkeypatch.undo()
    assert services.payouts_retry_due(now=payout.next_attempt_at) == 1
    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("paid", 2)
    assert calls == [payout.idempotency_key]
    assert account_balance(code=BANK_OPERATING) == D("-95.00")
    assert services.payouts_retry_due(now=payout.next_attempt_at or payout.updated_at) == 0
    _whole()


def test_after_the_last_attempt_staff_retry_or_return(
    manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller, other = SellerFactory(), SellerFactory()
    _owed(seller)
    _owed(other, "20.00")

    def down(self: Any, order: Any) -> Any:
        raise PayoutTransientError("unreachable")

    monkeypatch.setattr("xiangcun.finance.providers.simulated.SimulatedProvider.send", down)
    services.payout_run(actor=manager, on=PAY_DAY)
    for _attempt in range(10):
        services.payouts_retry_due(
            now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
        )
    first = Payout.objects.get(seller=seller)
    second = Payout.objects.get(seller=other)
    assert (first.status, first.attempts) == ("failed", 6)
    with pytest.raises(FinancePermissionDeniedError):
        services.payout_retry(actor=seller.owner, payout_id=first.pk)

    monkeypatch.undo()
    assert services.payout_retry(actor=manager, payout_id=first.pk).status == "paid"
    returned = services.payout_return(actor=manager, payout_id=second.pk)
    assert returned.status == "returned"
    assert seller_money(seller_id=other.pk).available == D("19.00")
    with pytest.raises(PayoutStateError):
        services.payout_return(actor=manager, payout_id=first.pk)
    _whole()


def test_bank_payouts_wait_for_staff_and_the_file_lists_them(manager: User) -> None:
    paid_one, refused_one = SellerFactory(), SellerFactory()
    PayoutAccountFactory(seller=paid_one, account_name="王秀英", bank_name="丹寨农商银行")
    PayoutAccountFactory(seller=refused_one, account_name="=HYPERLINK(1)")
    _owed(paid_one)
    _owed(refused_one, "20.00")

    run = services.payout_run(actor=manager, on=PAY_DAY)

    payouts = list(run.payouts.order_by("id"))
    assert [p.status for p in payouts] == ["sent", "sent"]
    assert account_balance(code=payout_clearing_account("bank")) == D("-114.00")
    data = bank_file_csv(payout_order(payout=p) for p in payouts)
    text = data.decode("gb18030")
    lines = text.split("\r\n")
    assert lines[0] == "户名,账号,开户行,金额,用途"
    assert lines[1].startswith(f"王秀英,{payouts[0].account_number},丹寨农商银行,95.00,")
    # A name that Excel would run as a formula is written as text.
    assert lines[2].startswith("'=HYPERLINK(1),")

    services.payout_confirm_paid(actor=manager, payout_id=payouts[0].pk)
    services.payout_confirm_paid(actor=manager, payout_id=payouts[0].pk)  # twice: once
    services.payout_return(actor=manager, payout_id=payouts[1].pk)
    assert account_balance(code=BANK_OPERATING) == D("-95.00")
    assert account_balance(code=payout_clearing_account("bank")) == D("0.00")
    assert seller_money(seller_id=refused_one.pk).available == D("19.00")
    # The periodic job leaves bank payouts to staff.
    assert (
        services.payouts_retry_due(
            now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=9)
        )
        == 0
    )
    _whole()


def test_wechat_transfer_pays_once_even_when_sent_again(
    manager: User, wechat: FakeWechatPay
) -> None:
    seller = SellerFactory()
    PayoutAccount.objects.create(
        seller=seller, method="wechat", openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    )
    _owed(seller)

    run = services.payout_run(actor=manager, on=PAY_DAY)

    (payout,) = run.payouts.all()
    assert payout.status == "paid"
    assert payout.batch_reference == payout.idempotency_key
    assert payout.provider_reference.startswith("1030000")
    sent = wechat.transfers[payout.idempotency_key]["request"]
    assert (sent["total_amount"], sent["total_num"]) == (9500, 1)
    assert sent["transfer_detail_list"][0]["openid"] == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    # Sent again with the same out_batch_no (a lost answer): WeChat pays nothing more.
    from xiangcun.finance.providers import WechatTransferProvider

    again = WechatTransferProvider().send(payout_order(payout=payout))
    assert again.status == "paid"
    assert wechat.transfers_paid() == 1
    assert account_balance(code=BANK_OPERATING) == D("-95.00")
    _whole()


def test_wechat_transfer_in_flight_is_asked_about_later(
    manager: User, wechat: FakeWechatPay
) -> None:
    seller, refused = SellerFactory(), SellerFactory()
    PayoutAccount.objects.create(seller=seller, method="wechat", openid="oUpF8uMuAJO_M2pxb1Q9z")
    PayoutAccount.objects.create(seller=refused, method="wechat", openid="oBADopenid_0000000000")
    wechat.transfer_batch_status = "PROCESSING"
    wechat.transfer_fail_openids.add("oBADopenid_0000000000")
    _owed(seller)
    _owed(refused, "20.00")

    services.payout_run(actor=manager, on=PAY_DAY)
    assert set(Payout.objects.values_list("status", flat=True)) == {"sent"}

    for out_batch_no in list(wechat.transfers):
        wechat.transfer_finish(out_batch_no)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    assert services.payouts_retry_due(now=later) == 2
    assert Payout.objects.get(seller=seller).status == "paid"
    failed = Payout.objects.get(seller=refused)
    assert (failed.status, failed.failure_code) == ("returned", "openid_invalid")
    assert seller_money(seller_id=refused.pk).available == D("19.00")
    assert wechat.transfers_paid() == 1
    _whole()


def test_wechat_busy_is_tried_again(manager: User, wechat: FakeWechatPay) -> None:
    seller = SellerFactory()
    PayoutAccount.objects.create(seller=seller, method="wechat", openid="oUpF8uMuAJO_M2pxb1Q9z")
    _owed(seller)
    wechat.failures.append((500, "SYSTEM_ERROR", "系统繁忙"))
    services.payout_run(actor=manager, on=PAY_DAY)
    payout = Payout.objects.get()
    assert payout.status == "pending"
    services.payouts_retry_due(
        now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    )
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert wechat.transfers_paid() == 1


def test_the_owner_sets_the_payout_account_and_others_cannot() -> None:
    seller = SellerFactory()
    account = services.payout_account_set(
        actor=seller.owner,
        seller_id=seller.pk,
        method="bank",
        account_name="王秀英",
        account_number="6222 0240 0001 2345 678",
        bank_name="丹寨农商银行",
    )
    assert account.account_number == "6222024000012345678"
    with pytest.raises(SellerMoneyNotFoundError):
        services.payout_account_set(actor=UserFactory(), seller_id=seller.pk, method="simulated")
    for bad in (
        {"method": "cash"},
        {"method": "bank", "account_name": "王", "account_number": "12ab", "bank_name": "x"},
        {"method": "bank", "account_name": "", "account_number": "62220240", "bank_name": "x"},
        {"method": "wechat", "openid": "bad id!"},
    ):
        with pytest.raises(InvalidPayoutAccountError):
            services.payout_account_set(actor=seller.owner, seller_id=seller.pk, **bad)
