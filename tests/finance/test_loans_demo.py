"""The loans demo: three products, the credit rules, two officers with limits, and a loan in
each state the loans work makes; running it again adds nothing."""

import pytest

from xiangcun.accounts.services import demo_users_ensure
from xiangcun.finance import services as finance_services
from xiangcun.finance.demo import loans_demo_load
from xiangcun.finance.models import CreditRule, Loan, LoanProduct, OfficerLimit
from xiangcun.sellers.services import sellers_demo_load

pytestmark = pytest.mark.django_db


def test_the_loans_demo_has_a_loan_in_each_state_and_runs_twice():
    demo_users_ensure(password="demo-test-1")
    sellers_demo_load()
    first = loans_demo_load(password="demo-test-1")
    assert first["loan_products"] == 3
    statuses = set(Loan.objects.values_list("status", flat=True))
    expected = {"submitted", "more_info", "approved", "rejected", "withdrawn", "active"}
    if hasattr(finance_services, "loan_write_off"):
        expected.add("written_off")
    assert expected <= statuses
    approved = Loan.objects.get(status="approved")
    assert approved.second_approved_by_id is not None
    assert approved.second_approved_by_id != approved.approved_by_id
    assert LoanProduct.objects.filter(frequency="weekly", interest_method="flat").exists()
    assert CreditRule.objects.count() >= 5
    assert OfficerLimit.objects.count() == 2
    count = Loan.objects.count()
    again = loans_demo_load(password="demo-test-1")
    assert again["loans"] == 0
    assert Loan.objects.count() == count
