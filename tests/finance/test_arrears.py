"""Arrears: days past due and the buckets at every edge, the late fee charged once, reminder
texts queued once and written in the reader's language, write-offs and the portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.accounts.factories import user_with_role
from tests.finance.factories import active_loan, loan_disbursed_in_ledger
from tests.regions.factories import StationFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import (
    InvalidRepaymentError,
    NothingToWriteOffError,
    RepaymentPermissionDeniedError,
)
from xiangcun.finance.models import Instalment, LateFee, Loan, LoanAction, LoanReminder
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.ledger.types import LOAN_LOSS_EXPENSE, PENALTY_INCOME, loan_receivable_account

pytestmark = pytest.mark.django_db

EDGES = [
    (-5, None),
    (0, None),
    (1, "1-3"),
    (3, "1-3"),
    (4, "4-30"),
    (30, "4-30"),
    (31, "31-60"),
    (60, "31-60"),
    (61, "61-90"),
    (90, "61-90"),
    (91, "91-120"),
    (120, "91-120"),
    (121, "121-150"),
    (150, "121-150"),
    (151, "151-180"),
    (180, "151-180"),
    (181, "181-240"),
    (240, "181-240"),
    (241, "241+"),
    (10_000, "241+"),
]


@pytest.mark.parametrize(("days", "bucket"), EDGES)
def test_bucket_at_every_edge(days, bucket):
    assert selectors.arrears_bucket(days) == bucket


@pytest.fixture
def officer():
    return user_with_role(Role.LOAN_OFFICER)


def test_days_past_due_count_from_the_oldest_instalment_still_owing(officer):
    today = timezone.localdate()
    loan = active_loan(
        rows=[(-45, "1000.00", "30.00"), (-15, "1000.00", "20.00"), (15, "1000.00", "10.00")]
    )
    assert selectors.loan_days_past_due(loan_id=loan.pk, on=today) == 45
    services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="1030.00",
        channel="cash",
        reference="old-one",
        station_id=StationFactory().pk,
    )
    assert selectors.loan_days_past_due(loan_id=loan.pk, on=today) == 15
    # Due today is not late; due yesterday is one day late.
    assert selectors.loan_days_past_due(loan_id=loan.pk, on=today - datetime.timedelta(15)) == 0
    assert selectors.loan_days_past_due(loan_id=loan.pk, on=today - datetime.timedelta(14)) == 1


def test_late_fee_is_charged_once_after_the_products_days():
    today = timezone.localdate()
    loan = active_loan(rows=[(-3, "1000.00", "30.00"), (-4, "1000.00", "20.00")])
    # Three days late is within the grace (late_fee_after_days=3); four is past it.
    assert services.late_fees_charge(on=today) == 1
    assert services.late_fees_charge(on=today) == 0
    assert services.late_fees_charge(on=today + datetime.timedelta(days=5)) == 1
    assert services.late_fees_charge(on=today + datetime.timedelta(days=30)) == 0
    penalties = list(
        Instalment.objects.filter(loan=loan).order_by("number").values_list("penalty", flat=True)
    )
    assert penalties == [Decimal("20.00"), Decimal("20.00")]
    assert LateFee.objects.filter(instalment__loan=loan).count() == 2
    assert LoanAction.objects.filter(loan=loan, code="late_fee").count() == 2
    # Income only when paid: nothing is posted at charge time.
    assert account_balance(code=PENALTY_INCOME) == 0


def test_no_late_fee_on_a_paid_instalment_or_a_product_without_one(officer):
    today = timezone.localdate()
    paid = active_loan(rows=[(-10, "100.00", "1.00")])
    services.loan_repay(
        actor=officer,
        loan_id=paid.pk,
        amount="101.00",
        channel="cash",
        reference="paid-up",
        station_id=StationFactory().pk,
    )
    free = active_loan(rows=[(-10, "100.00", "1.00")])
    free.product.late_fee = Decimal("0.00")
    free.product.save()
    assert services.late_fees_charge(on=today) == 0


def test_a_paid_late_fee_is_penalty_income(officer):
    today = timezone.localdate()
    loan = active_loan(rows=[(-10, "100.00", "1.00"), (20, "100.00", "1.00")])
    services.late_fees_charge(on=today)
    repayment = services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="25.00",
        channel="cash",
        reference="fee-first",
        station_id=StationFactory().pk,
    )
    assert (repayment.penalty, repayment.interest, repayment.principal) == (
        Decimal("20.00"),
        Decimal("1.00"),
        Decimal("4.00"),
    )
    assert account_balance(code=PENALTY_INCOME) == Decimal("-20.00")


def test_reminders_go_once_before_the_due_date_and_when_late(
    sms_outbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    soon = active_loan(rows=[(3, "500.00", "5.00"), (33, "500.00", "5.00")])
    late = active_loan(rows=[(-8, "500.00", "5.00")])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.loan_reminders_queue(on=today) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.loan_reminders_queue(on=today) == 0
    kinds = dict(LoanReminder.objects.values_list("loan_id", "kind"))
    assert kinds == {soon.pk: "before", late.pk: "late_7"}
    assert len(sms_outbox) == 2
    by_phone = {message.phone: message.message for message in sms_outbox}
    soon_text = by_phone[soon.seller.phone or soon.seller.owner.phone]
    assert soon.number in soon_text
    assert "505.00" in soon_text
    # Twenty-two days on, the late loan reaches 30 days: one more text, once.
    later = today + datetime.timedelta(days=22)
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_reminders_queue(on=later)
        services.loan_reminders_queue(on=later)
    assert LoanReminder.objects.filter(loan=late, kind="late_30").count() == 1


def test_a_reminder_for_an_instalment_paid_meanwhile_is_not_sent(
    sms_outbox, django_capture_on_commit_callbacks, officer
):
    loan = active_loan(rows=[(2, "500.00", "5.00")])
    services.loan_reminders_queue(on=timezone.localdate())
    reminder = LoanReminder.objects.get(loan=loan)
    services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="505.00",
        channel="cash",
        reference="before-text",
        station_id=StationFactory().pk,
    )
    phone = loan.seller.phone or loan.seller.owner.phone
    assert services.loan_reminder_sms(phone, {"reminder_id": reminder.pk}) is None


def test_reminder_text_is_written_in_the_readers_language():
    from django.utils import translation

    loan = active_loan(rows=[(-2, "500.00", "5.00")])
    services.loan_reminders_queue(on=timezone.localdate())
    reminder = LoanReminder.objects.get(loan=loan)
    phone = loan.seller.phone or loan.seller.owner.phone
    with translation.override("zh-hans"):
        chinese = services.loan_reminder_sms(phone, {"reminder_id": reminder.pk})
    with translation.override("en"):
        english = services.loan_reminder_sms(phone, {"reminder_id": reminder.pk})
    assert chinese is not None
    assert "逾期" in chinese
    assert english is not None
    assert "overdue" in english
    assert services.loan_reminder_sms("13000000000", {"reminder_id": reminder.pk}) is None


def test_write_off_posts_the_principal_to_loss_and_records_who_and_why(officer):
    loan = active_loan()
    loan_disbursed_in_ledger(loan)
    services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="1030.00",
        channel="cash",
        reference="w-1",
        station_id=StationFactory().pk,
    )
    with pytest.raises(InvalidRepaymentError):
        services.loan_write_off(actor=officer, loan_id=loan.pk, reason="  ")
    services.loan_write_off(actor=officer, loan_id=loan.pk, reason="Moved away")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.WRITTEN_OFF
    assert account_balance(code=LOAN_LOSS_EXPENSE) == Decimal("2000.00")
    assert account_balance(code=loan_receivable_account(loan.pk)) == 0
    assert ledger_total() == 0
    action = LoanAction.objects.get(loan=loan, code="written_off")
    assert action.actor == officer
    assert action.params == {"reason": "Moved away", "principal": "2000.00"}
    with pytest.raises(NothingToWriteOffError):
        services.loan_write_off(actor=officer, loan_id=loan.pk, reason="again")


def test_money_recovered_after_a_write_off_reduces_the_loss_and_closes_the_loan(officer):
    loan = active_loan(rows=[(-100, "1000.00", "10.00")])
    loan_disbursed_in_ledger(loan)
    services.loan_write_off(actor=officer, loan_id=loan.pk, reason="Gone quiet")
    services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount="1010.00",
        channel="cash",
        reference="recovered",
        station_id=StationFactory().pk,
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CLOSED
    assert account_balance(code=LOAN_LOSS_EXPENSE) == 0


def test_only_officers_write_off(officer):
    loan = active_loan()
    for role in (Role.AGENT, Role.SELLER, Role.PROGRAMME_MANAGER):
        with pytest.raises(RepaymentPermissionDeniedError):
            services.loan_write_off(actor=user_with_role(role), loan_id=loan.pk, reason="x")
    with pytest.raises(RepaymentPermissionDeniedError):
        services.loan_write_off(actor=loan.seller.owner, loan_id=loan.pk, reason="x")


def test_arrears_list_and_portfolio(officer):
    today = timezone.localdate()
    on_time = active_loan(rows=[(10, "1000.00", "10.00")])
    late = active_loan(rows=[(-45, "800.00", "8.00"), (-15, "800.00", "8.00")])
    slightly = active_loan(rows=[(-2, "500.00", "5.00")])
    gone = active_loan(rows=[(-200, "700.00", "7.00")])
    services.loan_write_off(actor=officer, loan_id=gone.pk, reason="Left the county")

    rows = selectors.arrears_list(user=officer, on=today)
    assert [(row.loan_id, row.days, row.bucket) for row in rows] == [
        (late.pk, 45, "31-60"),
        (slightly.pk, 2, "1-3"),
    ]
    assert rows[0].overdue == Decimal("1616.00")
    assert [r.loan_id for r in selectors.arrears_list(user=officer, bucket="1-3")] == [slightly.pk]

    figures = selectors.portfolio_figures(user=officer, on=today)
    assert figures.active_loans == 3
    assert figures.outstanding_principal == Decimal("3100.00")
    assert figures.par30_amount == Decimal("1600.00")
    assert figures.par30_percent == Decimal("51.61")
    assert figures.written_off_this_year == Decimal("700.00")
    assert figures.by_bucket["31-60"] == 1
    assert on_time.pk not in {row.loan_id for row in rows}
    with pytest.raises(RepaymentPermissionDeniedError):
        selectors.arrears_list(user=user_with_role(Role.AGENT))
