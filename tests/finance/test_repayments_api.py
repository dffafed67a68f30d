"""The repayments API: recording cash (201, then 200 for the same reference), bad amounts as
400 with a code (never a 500), a seller seeing only their loans, WeChat Pay started by the
borrower and allocated when payments confirms it, arrears, portfolio and write-off."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import active_loan
from tests.logistics.factories import staff_member
from tests.regions.factories import StationFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Loan, Repayment
from xiangcun.logistics.models import StaffMember
from xiangcun.payments.services import sandbox_decide

pytestmark = pytest.mark.django_db

API = "/api/v1/finance"
Bearer = Callable[[User], dict[str, str]]


def _post(client: Client, url: str, body: object, headers: dict[str, str]):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_cash_is_recorded_once_and_listed_with_its_allocation(client: Client, bearer: Bearer):
    station = StationFactory()
    agent = staff_member(StaffMember.Job.AGENT, station)
    loan = active_loan()
    body = {"amount": "1030.00", "channel": "cash", "reference": "slip-9", "station": station.pk}
    first = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(agent))
    assert first.status_code == 201, first.json()
    assert first.json()["principal"] == "1000.00"
    assert first.json()["allocations"] == [
        {
            "instalment": 1,
            "penalty": "0.00",
            "fee": "0.00",
            "interest": "30.00",
            "principal": "1000.00",
        }
    ]
    again = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(agent))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]

    listed = client.get(f"{API}/loans/{loan.pk}/repayments", headers=bearer(loan.seller.owner))
    assert listed.status_code == 200
    assert listed.json()["balance"]["principal_outstanding"] == "2000.00"
    assert [item["id"] for item in listed.json()["items"]] == [first.json()["id"]]


@pytest.mark.parametrize(
    "amount", ["0", "-1", 0.001, "1e999999", "99999999999999999999", "abc", 1e300, "12.345", ""]
)
def test_a_bad_amount_is_a_400_with_a_code(client: Client, bearer: Bearer, amount: object):
    officer = user_with_role(Role.LOAN_OFFICER)
    loan = active_loan()
    body = {"amount": amount, "channel": "cash", "reference": "x", "station": StationFactory().pk}
    answer = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(officer))
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid_repayment_amount"


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "cash"},
        {"amount": "10", "channel": "gold", "reference": "x"},
        {"amount": "10", "channel": "cash", "reference": "x", "station": 2**70},
        {"amount": "10", "channel": "cash", "reference": "x" * 65, "station": 1},
        {"amount": [1], "channel": "cash"},
        [],
    ],
)
def test_bad_bodies_are_refused_with_a_code(client: Client, bearer: Bearer, body: object):
    officer = user_with_role(Role.LOAN_OFFICER)
    loan = active_loan()
    answer = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(officer))
    assert answer.status_code in (400, 422)
    assert answer.json()["code"]


def test_a_seller_sees_only_their_own_loans(client: Client, bearer: Bearer):
    mine = active_loan()
    theirs = active_loan()
    owner = mine.seller.owner
    assert client.get(f"{API}/loans/{mine.pk}/repayments", headers=bearer(owner)).status_code == 200
    denied = client.get(f"{API}/loans/{theirs.pk}/repayments", headers=bearer(owner))
    assert denied.status_code == 403
    assert client.get(f"{API}/loans/999999/repayments", headers=bearer(owner)).status_code == 404
    assert client.get(f"{API}/loans/{mine.pk}/repayments").status_code == 401
    # A seller cannot record cash for themselves.
    body = {"amount": "10", "channel": "cash", "reference": "self", "station": StationFactory().pk}
    assert (
        _post(client, f"{API}/loans/{mine.pk}/repayments", body, bearer(owner)).status_code == 403
    )


def test_an_agent_of_another_station_is_refused(client: Client, bearer: Bearer):
    loan = active_loan()
    station = StationFactory()
    other = staff_member(StaffMember.Job.AGENT, StationFactory())
    body = {"amount": "10", "channel": "cash", "reference": "far", "station": station.pk}
    answer = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(other))
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_your_station"


def test_wechat_repayment_is_allocated_when_the_payment_succeeds(
    client: Client, bearer: Bearer, settings
):
    settings.FINANCE_ONLINE_PROVIDER = "sandbox"
    settings.PAYMENTS_SANDBOX_ENABLED = True
    loan = active_loan()
    owner = loan.seller.owner
    body = {"amount": "500.00", "channel": "wechat"}
    started = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(owner))
    assert started.status_code == 201, started.json()
    assert started.json()["status"] == "pending"
    assert started.json()["reference"] == f"loan:{loan.pk}:1"
    number = started.json()["payment_number"]
    # Someone else cannot start paying this loan online.
    other = _post(client, f"{API}/loans/{loan.pk}/repayments", body, bearer(UserFactory()))
    assert other.status_code == 403

    sandbox_decide(number=number, approve=True)
    repayment = Repayment.objects.get(reference=f"loan:{loan.pk}:1")
    assert repayment.status == "posted"
    assert repayment.interest == Decimal("30.00")
    assert repayment.principal == Decimal("470.00")
    # The same news again changes nothing.
    sandbox_decide(number=number, approve=True)
    assert Repayment.objects.get(pk=repayment.pk).principal == Decimal("470.00")


def test_arrears_portfolio_and_write_off_are_for_officers(client: Client, bearer: Bearer):
    officer = user_with_role(Role.LOAN_OFFICER)
    late = active_loan(rows=[(-40, "800.00", "8.00")])
    arrears = client.get(f"{API}/arrears", headers=bearer(officer))
    assert arrears.status_code == 200
    assert [(row["loan"], row["bucket"]) for row in arrears.json()] == [(late.pk, "31-60")]
    assert client.get(f"{API}/arrears?bucket=nonsense", headers=bearer(officer)).status_code == 400
    figures = client.get(f"{API}/portfolio", headers=bearer(officer))
    assert figures.json()["par30_percent"] == "100.00"
    for path in ("arrears", "portfolio"):
        assert client.get(f"{API}/{path}", headers=bearer(late.seller.owner)).status_code == 403

    refused = _post(
        client, f"{API}/loans/{late.pk}/write-off", {"reason": "x"}, bearer(late.seller.owner)
    )
    assert refused.status_code == 403
    done = _post(client, f"{API}/loans/{late.pk}/write-off", {"reason": "Left"}, bearer(officer))
    assert done.status_code == 200
    assert done.json()["status"] == "written_off"
    twice = _post(client, f"{API}/loans/{late.pk}/write-off", {"reason": "Left"}, bearer(officer))
    assert twice.status_code == 409
    assert twice.json()["code"] == "nothing_to_write_off"
    assert Loan.objects.get(pk=late.pk).status == "written_off"
