"""Repayments through the services: allocation order, credit, closing, idempotency, postings,
who may take cash, deductions from payouts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import active_loan, loan_disbursed_in_ledger
from tests.logistics.factories import staff_member
from tests.regions.factories import StationFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.errors import (
    InvalidRepaymentAmountError,
    InvalidRepaymentError,
    LoanNotRepayableError,
    NotYourStationError,
    RepaymentPermissionDeniedError,
    RepaymentReferenceConflictError,
)
from xiangcun.finance.models import Instalment, Loan, LoanAction, Repayment
from xiangcun.ledger.selectors import account_balance, entries_for_reference, ledger_total
from xiangcun.ledger.types import (
    INTEREST_INCOME,
    LOAN_FEE_INCOME,
    PENALTY_INCOME,
    loan_credit_account,
    loan_receivable_account,
    seller_available_account,
    station_cash_account,
)
from xiangcun.logistics.models import StaffMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_with_role(Role.LOAN_OFFICER)


@pytest.fixture
def station():
    return StationFactory()


def _cash(officer, loan, amount, reference, station):
    return services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount=Decimal(amount),
        channel="cash",
        reference=reference,
        station_id=station.pk,
    )


def _paid(loan):
    return [
        (row.penalty_paid, row.fee_paid, row.interest_paid, row.principal_paid)
        for row in Instalment.objects.filter(loan=loan).order_by("number")
    ]


def test_repayment_pays_penalties_fees_interest_principal_oldest_instalment_first(officer, station):
    loan = active_loan(
        rows=[(-40, "1000.00", "30.00"), (-10, "1000.00", "20.00"), (20, "1000.00", "10.00")],
        fee="15.00",
    )
    loan_disbursed_in_ledger(loan)
    Instalment.objects.filter(loan=loan, number__in=[1, 2]).update(penalty=Decimal("20.00"))
    # 20 + 15 + 30 + 1000 clears the first; then the second's penalty 20, interest 20, and
    # 100 of its principal.
    repayment = _cash(officer, loan, "1205.00", "slip-1", station)

    assert _paid(loan) == [
        (Decimal("20.00"), Decimal("15.00"), Decimal("30.00"), Decimal("1000.00")),
        (Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), Decimal("100.00")),
        (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    ]
    assert (repayment.penalty, repayment.fee, repayment.interest, repayment.principal) == (
        Decimal("40.00"),
        Decimal("15.00"),
        Decimal("50.00"),
        Decimal("1100.00"),
    )
    assert repayment.credit == 0
    allocations = {a.instalment.number: a for a in repayment.allocations.all()}
    assert sorted(allocations) == [1, 2]
    assert allocations[2].principal == Decimal("100.00")
    first = Instalment.objects.get(loan=loan, number=1)
    assert first.paid_at is not None
    assert Instalment.objects.get(loan=loan, number=2).paid_at is None
    # Postings: cash in at the station; income by kind; principal off the receivable.
    assert account_balance(code=station_cash_account(station.pk)) == Decimal("1205.00")
    assert account_balance(code=PENALTY_INCOME) == Decimal("-40.00")
    assert account_balance(code=LOAN_FEE_INCOME) == Decimal("-15.00")
    assert account_balance(code=INTEREST_INCOME) == Decimal("-50.00")
    assert account_balance(code=loan_receivable_account(loan.pk)) == Decimal("1900.00")
    assert ledger_total() == 0
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE


def test_overpayment_is_held_as_credit_and_the_loan_closes(officer, station):
    loan = active_loan()
    loan_disbursed_in_ledger(loan)
    repayment = _cash(officer, loan, "3100.00", "slip-all", station)

    assert repayment.credit == Decimal("40.00")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CLOSED
    assert loan.closed_at is not None
    assert account_balance(code=loan_credit_account(loan.pk)) == Decimal("-40.00")
    assert account_balance(code=loan_receivable_account(loan.pk)) == 0
    assert not Instalment.objects.filter(loan=loan, paid_at__isnull=True).exists()
    assert list(LoanAction.objects.filter(loan=loan).values_list("code", flat=True)) == [
        "repaid",
        "closed",
    ]
    with pytest.raises(LoanNotRepayableError):
        _cash(officer, loan, "10.00", "slip-after", station)


def test_the_same_reference_twice_has_no_second_effect(officer, station):
    loan = active_loan()
    first = _cash(officer, loan, "500.00", "slip-7", station)
    again = _cash(officer, loan, "500.00", "slip-7", station)

    assert again.pk == first.pk
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert len(entries_for_reference(reference="repayment:slip-7")) == 1
    assert account_balance(code=station_cash_account(station.pk)) == Decimal("500.00")
    assert sum(p[3] for p in _paid(loan)) == Decimal("470.00")
    with pytest.raises(RepaymentReferenceConflictError):
        _cash(officer, loan, "600.00", "slip-7", station)
    other = active_loan()
    with pytest.raises(RepaymentReferenceConflictError):
        _cash(officer, other, "500.00", "slip-7", station)


@pytest.mark.parametrize(
    "amount",
    ["0", "-5", "0.001", "12.345", "abc", "NaN", "Infinity", "1e999999", "1000000.01", "", None],
)
def test_a_bad_amount_is_refused_with_a_code(officer, station, amount):
    loan = active_loan()
    with pytest.raises(InvalidRepaymentAmountError) as refused:
        services.loan_repay(
            actor=officer,
            loan_id=loan.pk,
            amount=amount,
            channel="cash",
            reference="bad",
            station_id=station.pk,
        )
    assert refused.value.code == "invalid_repayment_amount"
    assert not Repayment.objects.exists()


def test_only_an_agent_of_that_station_or_staff_takes_cash(officer, station):
    loan = active_loan()
    agent = staff_member(StaffMember.Job.AGENT, station)
    elsewhere = staff_member(StaffMember.Job.AGENT, StationFactory())
    with pytest.raises(NotYourStationError):
        _cash(elsewhere, loan, "100.00", "slip-a", station)
    with pytest.raises(RepaymentPermissionDeniedError):
        _cash(loan.seller.owner, loan, "100.00", "slip-b", station)
    with pytest.raises(RepaymentPermissionDeniedError):
        _cash(UserFactory(), loan, "100.00", "slip-c", station)
    with pytest.raises(RepaymentPermissionDeniedError):
        _cash(user_with_role(Role.COURIER), loan, "100.00", "slip-d", station)
    assert not Repayment.objects.exists()

    taken = _cash(agent, loan, "100.00", "slip-e", station)
    assert taken.recorded_by == agent
    assert taken.station == station
    assert _cash(officer, loan, "100.00", "slip-f", station).channel == "cash"


def test_cash_needs_a_known_station_and_a_channel_it_knows(officer):
    loan = active_loan()
    with pytest.raises(InvalidRepaymentError) as no_station:
        services.loan_repay(
            actor=officer, loan_id=loan.pk, amount="10", channel="cash", reference="x"
        )
    assert no_station.value.field == "station"
    with pytest.raises(InvalidRepaymentError):
        services.loan_repay(
            actor=officer,
            loan_id=loan.pk,
            amount="10",
            channel="cash",
            reference="x",
            station_id=10**12,
        )
    with pytest.raises(InvalidRepaymentError) as channel:
        services.loan_repay(
            actor=officer, loan_id=loan.pk, amount="10", channel="bitcoin", reference="x"
        )
    assert channel.value.field == "channel"


def test_a_payout_deducts_what_is_due_and_no_more(station):
    today = timezone.localdate()
    loan = active_loan(
        rows=[(-5, "1000.00", "30.00"), (0, "1000.00", "20.00"), (30, "1000.00", "10.00")]
    )
    loan_disbursed_in_ledger(loan)
    taken = services.loan_deduct_from_payout(
        seller_id=loan.seller_id, available=Decimal("5000.00"), reference="payout:1", on=today
    )
    # The overdue and today's instalments, not next month's.
    assert taken == Decimal("2050.00")
    repayment = Repayment.objects.get(loan=loan)
    assert repayment.channel == "payout"
    assert repayment.credit == 0
    assert account_balance(code=seller_available_account(loan.seller_id)) == Decimal("-950.00")
    # The same run again takes nothing more.
    again = services.loan_deduct_from_payout(
        seller_id=loan.seller_id, available=Decimal("5000.00"), reference="payout:1", on=today
    )
    assert again == Decimal("2050.00")
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_a_small_payout_takes_what_it_has_oldest_first():
    today = timezone.localdate()
    loan = active_loan(rows=[(-40, "1000.00", "30.00"), (-10, "1000.00", "20.00")])
    taken = services.loan_deduct_from_payout(
        seller_id=loan.seller_id, available=Decimal("300.00"), reference="payout:2", on=today
    )
    assert taken == Decimal("300.00")
    assert _paid(loan)[0] == (Decimal("0"), Decimal("0"), Decimal("30.00"), Decimal("270.00"))
    assert _paid(loan)[1] == (Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0"))
    nothing = services.loan_deduct_from_payout(
        seller_id=loan.seller_id, available=Decimal("0"), reference="payout:3", on=today
    )
    assert nothing == 0


def test_a_payout_with_nothing_due_takes_nothing():
    loan = active_loan()
    assert (
        services.loan_deduct_from_payout(
            seller_id=loan.seller_id,
            available=Decimal("900.00"),
            reference="payout:4",
            on=timezone.localdate(),
        )
        == 0
    )
    assert not Repayment.objects.exists()


def test_payout_deductions_across_two_loans_of_one_seller_stop_at_the_payout():
    today = timezone.localdate()
    first = active_loan(rows=[(-3, "500.00", "10.00")])
    second = active_loan(rows=[(-2, "500.00", "10.00")], seller=first.seller)
    taken = services.loan_deduct_from_payout(
        seller_id=first.seller_id, available=Decimal("700.00"), reference="payout:5", on=today
    )
    assert taken == Decimal("700.00")
    assert Repayment.objects.get(loan=first).amount == Decimal("510.00")
    assert Repayment.objects.get(loan=second).amount == Decimal("190.00")


def test_repayment_records_the_day_given(officer, station):
    loan = active_loan()
    day = timezone.localdate() - datetime.timedelta(days=2)
    repayment = services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="50",
        channel="cash",
        reference="slip-day",
        station_id=station.pk,
        on=day,
    )
    assert repayment.on == day
