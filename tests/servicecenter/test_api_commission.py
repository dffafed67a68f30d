"""The commission API: the agent's accrued commission and its lines, money as strings."""

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.servicecenter.cash_factories import cash_order, completed, drawer_opened
from tests.servicecenter.factories import agent_at, supervisor
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.servicecenter import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/servicecenter/commission"


def _client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user).token}"})


def test_the_agent_sees_their_accrued_commission_and_its_lines() -> None:
    services.commission_rules_demo_load()
    agent = agent_at()
    drawer_opened(agent)
    order = completed(cash_order(agent, price="12.50", quantity=2))  # 25.00: 0.75
    services.commission_accrue()

    body = _client(agent).get(URL).json()

    assert body["agent"] == agent.pk
    assert (body["accrued"], body["reversed"], body["paid"], body["balance"]) == (
        "0.75",
        "0.00",
        "0.00",
        "0.75",
    )
    assert [
        (line["kind"], line["source"], line["base"], line["amount"]) for line in body["lines"]
    ] == [("accrual", f"order:{order.pk}", "25.00", "0.75")]
    assert len(body["rules"]) == 3


def test_nothing_earned_yet_is_zero() -> None:
    body = _client(agent_at()).get(URL).json()
    assert (body["accrued"], body["balance"], body["lines"]) == ("0.00", "0.00", [])


def test_agents_cannot_look_at_each_other() -> None:
    agent, other = agent_at(), agent_at()
    response = _client(agent).get(f"{URL}?agent={other.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "agent_not_found")
    assert _client(supervisor()).get(f"{URL}?agent={other.pk}").json()["agent"] == other.pk


@pytest.mark.parametrize(
    "query", ["?agent=abc", "?agent=-1", "?agent=99999999999999999999999", "?limit=0", "?limit=x"]
)
def test_bad_queries_are_4xx(query: str) -> None:
    response = _client(agent_at()).get(URL + query)
    assert 400 <= response.status_code < 500
    assert "code" in response.json()


def test_others_are_refused() -> None:
    response = _client(UserFactory()).get(URL)
    assert (response.status_code, response.json()["code"]) == (403, "not_an_agent")
    assert Client().get(URL).status_code == 401
