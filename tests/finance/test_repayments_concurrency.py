"""Racing repayments on PostgreSQL: the same reference posts once; two repayments of the whole
loan never allocate more than it owes (the loan row is locked)."""

from decimal import Decimal

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from tests.accounts.factories import user_with_role
from tests.concurrency import run_together
from tests.finance.factories import active_loan, loan_disbursed_in_ledger
from tests.regions.factories import StationFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.models import Instalment, Loan, Repayment
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import loan_credit_account, loan_receivable_account

pytestmark = pytest.mark.postgres


def _allocated(loan: Loan) -> Decimal:
    total = Instalment.objects.filter(loan=loan).aggregate(
        paid=Sum(F("principal_paid") + F("interest_paid") + F("fee_paid") + F("penalty_paid"))
    )["paid"]
    return total or Decimal("0")


def test_the_same_reference_raced_posts_once(transactional_db: None) -> None:
    loan = active_loan()
    station = StationFactory()
    officer = user_with_role(Role.LOAN_OFFICER)

    def repay(index: int) -> None:
        services.loan_repay(
            actor=officer,
            loan_id=loan.pk,
            amount=Decimal("700.00"),
            channel="cash",
            reference="slip-race",
            station_id=station.pk,
        )

    assert run_together(4, repay) == ["ok"] * 4
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert len(entries_for_reference(reference="repayment:slip-race")) == 1
    assert _allocated(loan) == Decimal("700.00")


def test_two_whole_repayments_raced_never_over_allocate(transactional_db: None) -> None:
    loan = active_loan()
    loan_disbursed_in_ledger(loan)
    station = StationFactory()
    officer = user_with_role(Role.LOAN_OFFICER)

    def repay(index: int) -> None:
        services.loan_repay(
            actor=officer,
            loan_id=loan.pk,
            amount=Decimal("3060.00"),
            channel="cash",
            reference=f"whole-{index}",
            station_id=station.pk,
        )

    outcomes = run_together(3, repay)
    assert sorted(outcomes) == ["loan_not_repayable", "loan_not_repayable", "ok"]
    assert _allocated(loan) == Decimal("3060.00")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CLOSED
    assert account_balance(code=loan_receivable_account(loan.pk)) == 0
    assert account_balance(code=loan_credit_account(loan.pk)) == 0


def test_payout_deduction_racing_a_cash_repayment_takes_only_what_is_left(
    transactional_db: None,
) -> None:
    loan = active_loan(rows=[(-5, "1000.00", "30.00"), (40, "1000.00", "20.00")])
    station = StationFactory()
    officer = user_with_role(Role.LOAN_OFFICER)

    def work(index: int) -> None:
        if index == 0:
            services.loan_deduct_from_payout(
                seller_id=loan.seller_id,
                available=Decimal("5000.00"),
                reference="payout:race",
                on=timezone.localdate(),
            )
        else:
            services.loan_repay(
                actor=officer,
                loan_id=loan.pk,
                amount=Decimal("1030.00"),
                channel="cash",
                reference="cash-race",
                station_id=station.pk,
            )

    assert run_together(2, work) == ["ok", "ok"]
    first = Instalment.objects.get(loan=loan, number=1)
    assert first.principal_paid == Decimal("1000.00")
    # Whichever came second found the overdue instalment paid: a payout takes nothing more;
    # cash paid after the payout goes on to the next instalment.
    totals = Repayment.objects.filter(loan=loan).aggregate(paid=Sum("amount"), kept=Sum("credit"))
    assert _allocated(loan) + totals["kept"] == totals["paid"]
    # Cash first: the payout finds nothing due. Payout first: the cash pays the second
    # instalment (1,020) and the 10 left over is held as credit.
    assert (totals["paid"], totals["kept"]) in (
        (Decimal("1030.00"), Decimal("0.00")),
        (Decimal("2060.00"), Decimal("10.00")),
    )
