"""The drawer API: open with a float, see what it should hold, close once with a bounded count;
errors answer {"code", "message"} and no body makes a 500."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.servicecenter.cash_factories import cash_order, station_of
from tests.servicecenter.factories import agent_at, supervisor
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.servicecenter.models import Drawer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/servicecenter/drawers"


def _client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user).token}"})


def _post(client: Client, url: str, body: object) -> tuple[int, dict]:
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_open_see_and_close_a_drawer() -> None:
    agent = agent_at()
    api = _client(agent)

    status, opened = _post(api, BASE, {"float": "200.00"})
    assert status == 201
    assert (opened["status"], opened["expected"], opened["float"]) == ("open", "200.00", "200.00")

    order = cash_order(agent)
    seen = api.get(f"{BASE}/{opened['id']}").json()
    assert seen["expected"] == f"{Decimal('200.00') + order.total:.2f}"
    assert [m["kind"] for m in seen["movements"]] == ["float", "order_cash"]

    status, closed = _post(
        api, f"{BASE}/{opened['id']}/close", {"counted": "220.00", "reason": "coins missing"}
    )
    assert status == 200
    assert closed["status"] == "closed"
    assert closed["expected"] == seen["expected"]
    assert closed["counted"] == "220.00"
    assert closed["variance"] == f"{Decimal('220.00') - Decimal(seen['expected']):.2f}"

    status, again = _post(api, f"{BASE}/{opened['id']}/close", {"counted": "220.00"})
    assert (status, again["code"]) == (409, "drawer_closed")


def test_a_second_open_drawer_is_409() -> None:
    api = _client(agent_at())
    assert _post(api, BASE, {"float": "100"})[0] == 201
    status, body = _post(api, BASE, {"float": "100"})
    assert (status, body["code"]) == (409, "drawer_already_open")
    assert Drawer.objects.count() == 1


@pytest.mark.parametrize(
    "counted", ["-5", "-0.01", "1000000.01", 1e300, "1e999", "NaN", "Infinity", "12.345", "x"]
)
def test_a_negative_or_absurd_count_is_400(counted: object) -> None:
    api = _client(agent_at())
    drawer = _post(api, BASE, {"float": "100"})[1]
    status, body = _post(api, f"{BASE}/{drawer['id']}/close", {"counted": counted, "reason": "r"})
    assert status == 400
    assert body["code"] == "invalid_cash_amount"
    assert Drawer.objects.get(pk=drawer["id"]).status == "open"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "x",
        {},
        {"float": None},
        {"float": {"a": 1}},
        {"float": "1" * 5000},
        {"float": "100", "station": -1},
        {"float": "100", "station": 10**30},
        {"float": "\x00"},
    ],
)
def test_no_open_body_makes_a_500(body: object) -> None:
    api = _client(agent_at())
    status, answer = _post(api, BASE, body)
    assert 400 <= status < 500
    assert "code" in answer


@pytest.mark.parametrize(
    "body",
    [
        {"counted": "10", "denominations": {"100": -1}},
        {"counted": "10", "denominations": {"3": 1}},
        {"counted": "10", "denominations": "x"},
        {"counted": "10", "handed_to": "moon"},
        {"counted": "10", "handed_to": "bank", "handed_amount": "11"},
        {"counted": "10", "reason": "r" * 201},
    ],
)
def test_bad_close_bodies_are_400(body: dict) -> None:
    api = _client(agent_at())
    drawer = _post(api, BASE, {"float": "10"})[1]
    status, answer = _post(api, f"{BASE}/{drawer['id']}/close", body)
    assert status in (400, 422), answer
    assert "code" in answer
    assert Drawer.objects.get(pk=drawer["id"]).status == "open"


def test_unknown_and_foreign_drawers_are_404() -> None:
    owner = agent_at()
    drawer = _post(_client(owner), BASE, {"float": "10"})[1]
    other = _client(agent_at(station_of(owner)))
    assert other.get(f"{BASE}/{drawer['id']}").status_code == 404
    assert _post(other, f"{BASE}/{drawer['id']}/close", {"counted": "10"})[0] == 404
    assert other.get(f"{BASE}/999999999").status_code == 404
    assert other.get(f"{BASE}/99999999999999999999999").status_code in (400, 404, 422)
    assert other.get(f"{BASE}/abc").status_code in (400, 404, 422)


def test_only_agents_and_staff_above_them_use_drawers() -> None:
    status, body = _post(_client(UserFactory()), BASE, {"float": "10"})
    assert (status, body["code"]) == (403, "not_an_agent")
    assert Client().post(BASE, data="{}", content_type="application/json").status_code == 401


def test_a_supervisor_names_the_station() -> None:
    boss = _client(supervisor())
    status, body = _post(boss, BASE, {"float": "10"})
    assert (status, body["code"]) == (409, "station_required")
    station = station_of(agent_at())
    status, body = _post(boss, BASE, {"float": "10", "station": station.pk})
    assert (status, body["station"]) == (201, station.pk)


def test_handover_refund_and_repayment_endpoints() -> None:
    agent = agent_at()
    api = _client(agent)
    drawer = _post(api, BASE, {"float": "100.00"})[1]

    status, body = _post(
        api,
        f"{BASE}/{drawer['id']}/handovers",
        {"handed_to": "driver", "amount": "30", "handover_number": "R-1"},
    )
    assert status == 200
    assert body["expected"] == "70.00"

    status, body = _post(api, f"{BASE}/{drawer['id']}/refunds", {"refund_number": "nope"})
    assert status == 404

    status, body = _post(
        api,
        f"{BASE}/{drawer['id']}/loan-repayments",
        {"loan": 999999, "amount": "5", "reference": "L1"},
    )
    assert 400 <= status < 500


def test_day_report() -> None:
    agent = agent_at()
    api = _client(agent)
    drawer = _post(api, BASE, {"float": "100.00"})[1]
    _post(api, f"{BASE}/{drawer['id']}/close", {"counted": "100.00"})
    report = api.get(f"{BASE}/report").json()
    assert report["floats"] == "100.00"
    assert report["counted"] == "100.00"
    assert report["variance"] == "0.00"
    assert [d["id"] for d in report["drawers"]] == [drawer["id"]]
    assert api.get(f"{BASE}/report?day=2026-13-45").status_code in (400, 422)
