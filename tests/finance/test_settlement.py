"""Settlement T+N: what a seller is owed for an order moves from pending (payable) to
available N days after the order is completed, net of returns, once; a return after
settlement comes out of the available balance."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.finance.money_helpers import at, refund, sale
from tests.sellers.factories import SellerFactory
from xiangcun.finance.services import settlement_date, settlement_run
from xiangcun.ledger.selectors import ledger_total, seller_balance, seller_money
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def seller() -> Seller:
    shop: Seller = SellerFactory()
    return shop


def test_sale_becomes_available_seven_days_after_completion(seller: Seller) -> None:
    sale(seller.pk, "100.00", completed_on=DAY)

    early = settlement_run(on=DAY + datetime.timedelta(days=6))
    assert early.settled == 0
    assert seller_money(seller_id=seller.pk).available == D("0.00")
    assert seller_money(seller_id=seller.pk).pending == D("95.00")

    result = settlement_run(on=DAY + datetime.timedelta(days=7))
    assert (result.settled, result.amount) == (1, D("95.00"))
    money = seller_money(seller_id=seller.pk)
    assert (money.pending, money.available) == (D("0.00"), D("95.00"))
    assert seller_balance(seller_id=seller.pk) == D("95.00")
    assert settlement_date(completed_at=at(DAY, hour=23)) == DAY + datetime.timedelta(days=7)


def test_settlement_days_is_a_setting(seller: Seller, settings: Any) -> None:
    settings.FINANCE_SETTLEMENT_DAYS = 2
    sale(seller.pk, "20.00", completed_on=DAY)
    assert settlement_run(on=DAY + datetime.timedelta(days=1)).settled == 0
    assert settlement_run(on=DAY + datetime.timedelta(days=2)).settled == 1


def test_running_settlement_again_moves_nothing_more(seller: Seller) -> None:
    sale(seller.pk, "100.00", completed_on=DAY)
    on = DAY + datetime.timedelta(days=10)
    settlement_run(on=on)
    again = settlement_run(on=on)
    assert (again.settled, again.amount) == (0, D("0.00"))
    assert seller_money(seller_id=seller.pk).available == D("95.00")
    assert ledger_total() == 0


def test_orders_not_completed_stay_pending(seller: Seller) -> None:
    sale(seller.pk, "40.00", completed_on=None)
    assert settlement_run(on=DAY + datetime.timedelta(days=30)).settled == 0
    assert seller_money(seller_id=seller.pk).pending == D("38.00")


def test_a_return_inside_the_window_settles_only_the_net(seller: Seller) -> None:
    kept = sale(seller.pk, "100.00", completed_on=DAY)
    returned = sale(seller.pk, "50.00", completed_on=DAY)
    refund(returned)
    assert kept.order_id != returned.order_id

    result = settlement_run(on=DAY + datetime.timedelta(days=7))

    # The fully returned order has nothing left to settle.
    assert (result.settled, result.amount) == (1, D("95.00"))
    money = seller_money(seller_id=seller.pk)
    assert (money.pending, money.available) == (D("0.00"), D("95.00"))


def test_a_return_after_settlement_comes_out_of_available(seller: Seller) -> None:
    first = sale(seller.pk, "100.00", completed_on=DAY)
    settlement_run(on=DAY + datetime.timedelta(days=7))
    refund(first)
    # The refund debits payable, which now owes for an order already settled.
    assert seller_money(seller_id=seller.pk).pending == D("-95.00")

    later = settlement_run(on=DAY + datetime.timedelta(days=8))

    assert (later.returns_after, later.returned_amount) == (1, D("95.00"))
    money = seller_money(seller_id=seller.pk)
    assert (money.pending, money.available) == (D("0.00"), D("0.00"))
    assert settlement_run(on=DAY + datetime.timedelta(days=9)).returns_after == 0
    assert seller_money(seller_id=seller.pk).available == D("0.00")
    assert ledger_total() == 0


def test_a_later_return_is_netted_against_the_next_sales(seller: Seller) -> None:
    first = sale(seller.pk, "100.00", completed_on=DAY)
    settlement_run(on=DAY + datetime.timedelta(days=7))
    refund(first)
    sale(seller.pk, "60.00", completed_on=DAY + datetime.timedelta(days=1))
    settlement_run(on=DAY + datetime.timedelta(days=8))
    money = seller_money(seller_id=seller.pk)
    # 95 settled, 95 returned, 57 settled: 57 available.
    assert (money.pending, money.available) == (D("0.00"), D("57.00"))


def test_each_seller_of_an_order_settles_apart() -> None:
    one, two = SellerFactory(), SellerFactory()
    sale(one.pk, "10.00", completed_on=DAY)
    sale(two.pk, "20.00", completed_on=DAY)
    result = settlement_run(on=DAY + datetime.timedelta(days=7))
    assert result.settled == 2
    assert seller_money(seller_id=one.pk).available == D("9.50")
    assert seller_money(seller_id=two.pk).available == D("19.00")
