"""The repayments demo: one loan repaid in full (closed), one in the 31-60 days bucket with its
reminder queued, the running demo loans' first instalment paid; safe to run twice."""

import pytest
from django.utils import timezone

from tests.accounts.factories import user_with_role
from tests.finance.factories import LoanProductFactory, active_loan
from tests.regions.factories import StationFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import selectors
from xiangcun.finance.demo import repayments_demo_load
from xiangcun.finance.models import Loan, LoanReminder, Repayment

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_loan_and_one_in_arrears_with_its_reminder():
    officer = user_with_role(Role.LOAN_OFFICER)
    StationFactory(county_site=True)
    LoanProductFactory(late_fee="20.00")
    running = active_loan(rows=[(5, "500.00", "5.00"), (35, "500.00", "5.00")])
    SellerFactory()
    SellerFactory()

    first = repayments_demo_load()
    second = repayments_demo_load()

    assert first["in_arrears"] == 1
    assert first["reminders"] >= 1
    assert Repayment.objects.get(loan=running).amount == 505
    rows = selectors.arrears_list(user=officer, on=timezone.localdate())
    assert [row.bucket for row in rows] == ["31-60"]
    late = Loan.objects.get(pk=rows[0].loan_id)
    assert LoanReminder.objects.filter(loan=late, kind="late_30").count() == 1
    assert Loan.objects.filter(status=Loan.Status.CLOSED).count() == 1
    # Again: nothing more paid, created or texted.
    assert second["repayments"] == 0
    assert second["reminders"] == 0
    assert Loan.objects.count() == 3
