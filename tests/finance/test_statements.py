"""The monthly statement: its closing balance is the ledger's balance for the seller
(payable + available) at the month's end, with sales, refunds, a settlement, a loan deduction
and a payout in the month; lines are codes, shown in the reader's language."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation

from tests.accounts.factories import UserFactory, user_with_role
from tests.conftest import Clock
from tests.finance.factories import active_loan
from tests.finance.money_helpers import at, refund, sale
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import InvalidStatementMonthError, SellerMoneyNotFoundError
from xiangcun.finance.views.money_documents import statement_csv, statement_pdf
from xiangcun.ledger.selectors import ledger_total, seller_balance, seller_balance_at

pytestmark = pytest.mark.django_db

D = Decimal
NOV = datetime.date(2026, 11, 1)
DEC = datetime.date(2026, 12, 1)


def _month_of_money(clock: Clock) -> tuple[object, object]:
    """November: two sales completed on the 2nd, one returned in the window; settled on the
    9th; on the 10th a payout run takes a loan instalment due the day before and pays the
    rest; a sale completed on the 25th is still pending at the month's end."""
    seller = SellerFactory()
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    clock.now = at(datetime.date(2026, 11, 2))
    sale(seller.pk, "100.00", completed_on=datetime.date(2026, 11, 2))
    returned = sale(seller.pk, "50.00", completed_on=datetime.date(2026, 11, 2))
    clock.now = at(datetime.date(2026, 11, 4))
    refund(returned)
    clock.now = at(datetime.date(2026, 11, 9))
    services.settlement_run(on=datetime.date(2026, 11, 9))
    clock.now = at(datetime.date(2026, 11, 10))
    active_loan(seller=seller, rows=[(-1, "10.00", "1.00")])
    run = services.payout_run(actor=manager, on=datetime.date(2026, 11, 10))
    clock.now = at(datetime.date(2026, 11, 25))
    sale(seller.pk, "20.00", completed_on=datetime.date(2026, 11, 25))
    clock.now = at(datetime.date(2026, 12, 2))
    return seller, run


def test_closing_balance_is_the_ledgers_balance_at_the_months_end(clock: Clock) -> None:
    seller, run = _month_of_money(clock)
    (payout,) = run.payouts.all()  # type: ignore[attr-defined]
    assert (payout.amount, payout.loan_deducted) == (D("84.00"), D("11.00"))

    statement = selectors.month_statement(user=seller.owner, seller_id=seller.pk, month=NOV)

    totals = {total.code: total.amount for total in statement.totals}
    assert statement.opening == D("0.00")
    assert totals["sales"] == D("170.00")
    assert totals["commission"] == D("-6.00")  # 5 + 2.50 + 1 charged, 2.50 given back
    assert totals["refunds"] == D("-50.00")
    assert totals["loan_deductions"] == D("-11.00")
    assert totals["payouts"] == D("-84.00")
    end = seller_balance_at(seller_id=seller.pk, before=at(DEC, hour=0))
    assert statement.closing == end == D("19.00")
    assert statement.closing == seller_balance(seller_id=seller.pk)
    assert statement.rows[-1].balance == statement.closing
    december = selectors.month_statement(user=seller.owner, seller_id=seller.pk, month=DEC)
    assert december.opening == statement.closing
    assert ledger_total() == 0


def test_a_statement_is_only_for_the_shops_people_and_finance_staff(clock: Clock) -> None:
    seller, _run = _month_of_money(clock)
    with pytest.raises(SellerMoneyNotFoundError):
        selectors.month_statement(user=UserFactory(), seller_id=seller.pk, month=NOV)
    with pytest.raises(SellerMoneyNotFoundError):
        selectors.month_statement(user=seller.owner, seller_id=999_999, month=NOV)
    staff = user_with_role(Role.PROGRAMME_MANAGER)
    assert selectors.month_statement(user=staff, seller_id=seller.pk, month=NOV).closing == D(
        "19.00"
    )


@pytest.mark.parametrize(
    "month", ["2026-13", "26-11", "2026-1", "", "2099-01", "\uff12\uff10\uff12\uff16-\uff11\uff11"]
)
def test_bad_months_are_refused(month: str) -> None:
    with pytest.raises(InvalidStatementMonthError):
        selectors.month_parse(month)


def test_csv_and_pdf_in_the_readers_language(clock: Clock) -> None:
    seller, _run = _month_of_money(clock)
    statement = selectors.month_statement(user=seller.owner, seller_id=seller.pk, month=NOV)
    with translation.override("zh-hans"):
        chinese = statement_csv(statement).decode("utf-8-sig")
    with translation.override("en"):
        english = statement_csv(statement).decode("utf-8-sig")
        pdf = statement_pdf(statement)
    assert "期末余额,19.00" in chinese
    assert "Closing balance,19.00" in english
    assert "Sales" in english
    assert not re.search(r"[\u4e00-\u9fff]", english.split("\r\n", 1)[1])
    assert pdf.startswith(b"%PDF")
