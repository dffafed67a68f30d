"""/api/v1/servicecenter/orders: an agent orders for a resident with an Idempotency-Key; the same
key and body answer the same order, another body is 409; bad input is a 4xx with a code."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.regions.factories import StationFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock
from xiangcun.orders.models import Order
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import DrawerMovement

pytestmark = pytest.mark.django_db

URL = "/api/v1/servicecenter/orders"


@pytest.fixture
def setup():
    station = StationFactory()
    agent = agent_at(station)
    services.drawer_open(actor=agent, float_amount=Decimal("50.00"))
    resident = consented_resident(station, agent, name="杨阿婆")
    rice = goods_in_stock(on_hand=10, price=Decimal("12.50"))
    return station, agent, resident, rice


def _post(client: Client, body: object, headers: dict[str, str], key: str | None = "k-1"):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(URL, body, content_type="application/json", headers=headers)


def _body(resident, rice, quantity=2, payment="cash"):
    return {
        "resident": resident.pk,
        "lines": [{"variant": rice.pk, "quantity": quantity}],
        "payment_method": payment,
    }


def test_order_then_replay_then_conflict(client: Client, bearer, setup) -> None:
    station, agent, resident, rice = setup
    first = _post(client, _body(resident, rice), bearer(agent))
    assert first.status_code == 201, first.json()
    order = first.json()
    assert order["buyer"] is None
    assert order["resident"] == resident.pk
    assert order["placed_by"] == agent.pk
    assert order["status"] == "paid"
    assert order["station"] == station.pk
    assert Decimal(order["total"]) >= Decimal("25.00")
    assert [(line["variant"], line["quantity"]) for line in order["lines"]] == [(rice.pk, 2)]

    again = _post(client, _body(resident, rice), bearer(agent))
    assert again.status_code == 200
    assert again.json()["id"] == order["id"]
    assert Order.objects.count() == 1
    assert DrawerMovement.objects.filter(kind="order_cash").count() == 1

    other = _post(client, _body(resident, rice, quantity=3), bearer(agent))
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"

    listed = client.get(URL, headers=bearer(agent))
    assert [item["id"] for item in listed.json()["items"]] == [order["id"]]
    one = client.get(f"{URL}/{order['id']}", headers=bearer(agent))
    assert one.status_code == 200
    assert one.json()["number"] == order["number"]


@pytest.mark.parametrize("key", [None, "", "bad key", "x" * 65])
def test_a_missing_or_bad_key_is_400(client: Client, bearer, setup, key) -> None:
    _station, agent, resident, rice = setup
    answer = _post(client, _body(resident, rice), bearer(agent), key=key)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_idempotency_key"
    assert not Order.objects.exists()


def test_a_price_change_answers_409_with_the_lines(client: Client, bearer, setup) -> None:
    _station, agent, resident, rice = setup
    body = {**_body(resident, rice), "expected_prices": {str(rice.pk): "11.00"}}
    answer = _post(client, body, bearer(agent))
    assert answer.status_code == 409
    assert answer.json()["code"] == "price_changed"
    assert answer.json()["details"]["lines"] == [
        {"variant": rice.pk, "expected": "11.00", "price": "12.50"}
    ]


def test_sold_out_answers_409_with_the_lines(client: Client, bearer, setup) -> None:
    _station, agent, resident, rice = setup
    answer = _post(client, _body(resident, rice, quantity=11), bearer(agent))
    assert answer.status_code == 409
    assert answer.json()["code"] == "insufficient_stock"
    assert answer.json()["details"]["lines"] == [
        {"variant": rice.pk, "requested": 11, "available": 10}
    ]


def test_an_agent_of_another_station_gets_403_and_404(client: Client, bearer, setup) -> None:
    _station, agent, resident, rice = setup
    placed = _post(client, _body(resident, rice), bearer(agent)).json()
    stranger = agent_at(StationFactory())
    answer = _post(client, _body(resident, rice), bearer(stranger), key="theirs")
    assert answer.status_code == 403
    assert answer.json()["code"] == "no_consent"
    assert client.get(f"{URL}/{placed['id']}", headers=bearer(stranger)).status_code == 404
    assert client.get(URL, headers=bearer(stranger)).json()["items"] == []


def test_a_buyer_is_403(client: Client, bearer, setup, buyer) -> None:
    _station, _agent, resident, rice = setup
    assert _post(client, _body(resident, rice), bearer(buyer)).status_code == 403
    assert client.get(URL, headers=bearer(buyer)).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"resident": 1, "lines": [], "payment_method": "cash"},
        {"resident": 1, "lines": [{"variant": 1, "quantity": 1}] * 51, "payment_method": "cash"},
        {"resident": 1, "lines": [{"variant": 1, "quantity": 0}], "payment_method": "cash"},
        {"resident": 1, "lines": [{"variant": 1, "quantity": 1000}], "payment_method": "cash"},
        {"resident": 2**70, "lines": [{"variant": 1, "quantity": 1}], "payment_method": "cash"},
        {"resident": 1, "lines": [{"variant": -1, "quantity": 1}], "payment_method": "cash"},
        {"resident": 1, "lines": [{"variant": 1, "quantity": 1}], "payment_method": "gold"},
        {"resident": 1, "lines": [{"variant": 1, "quantity": 1}], "payment_method": "x" * 21},
        {"resident": 1, "lines": "x", "payment_method": "cash"},
        {
            "resident": 1,
            "lines": [{"variant": 1, "quantity": 1}],
            "payment_method": "cash",
            "delivery": {"method": "drone"},
        },
        {
            "resident": 1,
            "lines": [{"variant": 1, "quantity": 1}],
            "payment_method": "cash",
            "expected_prices": {"abc": "1.00"},
        },
        {
            "resident": 1,
            "lines": [{"variant": 1, "quantity": 1}],
            "payment_method": "cash",
            "expected_prices": {"²": "1.00"},
        },
        {
            "resident": 1,
            "lines": [{"variant": 1, "quantity": 1}],
            "payment_method": "cash",
            "expected_prices": {"1": "-1"},
        },
    ],
)
def test_bad_bodies_are_refused_with_a_code(client: Client, bearer, setup, body) -> None:
    _station, agent, _resident, _rice = setup
    answer = _post(client, body, bearer(agent))
    assert answer.status_code in (400, 403, 404, 409, 422), answer.content
    assert answer.json()["code"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", ["/0", "/99999999999999999999999", "/abc"])
def test_bad_paths_are_not_500(client: Client, bearer, setup, path) -> None:
    _station, agent, _resident, _rice = setup
    assert client.get(URL + path, headers=bearer(agent)).status_code in (404, 400, 422)


def test_wechat_answers_the_qr_code_for_the_resident_to_scan(
    client: Client, bearer, setup, wechat
) -> None:
    _station, agent, resident, rice = setup
    answer = _post(client, _body(resident, rice, payment="wechat"), bearer(agent))
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "pending_payment"
    assert answer.json()["payment"]["code_url"].startswith("weixin://")
    assert not DrawerMovement.objects.filter(kind="order_cash").exists()


def test_the_list_costs_the_same_queries_however_many_orders(client: Client, bearer, setup) -> None:
    _station, agent, resident, rice = setup
    headers = bearer(agent)
    _post(client, _body(resident, rice, quantity=1), bearer(agent), key="q-0")
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL, headers=headers).status_code == 200
    for index in range(1, 4):
        _post(client, _body(resident, rice, quantity=1), bearer(agent), key=f"q-{index}")
    with CaptureQueriesContext(connection) as four:
        answer = client.get(URL, headers=headers)
    assert len(answer.json()["items"]) == 4
    assert len(four.captured_queries) == len(one.captured_queries)
