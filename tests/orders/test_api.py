"""The orders API: checkout with an Idempotency-Key, errors with codes (never a 500), the
buyer's list and detail with bounded queries, cancel, pay again, return."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory
from tests.orders.conftest import ADDRESS
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"


def _body(variant: Variant, station: Station, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lines": [{"variant": variant.pk, "quantity": 2}],
        "delivery": {"method": "station_pickup", "station": station.pk},
        "payment_method": "sandbox",
    }
    body.update(changes)
    return body


def _queries(context: CaptureQueriesContext) -> int:
    """Statements that reach the tables (savepoints of atomic blocks left out)."""
    return sum(1 for query in context.captured_queries if "SAVEPOINT" not in query["sql"].upper())


def _post(client: Client, body: Any, key: str | None = None, url: str = URL) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_checkout_answers_201_with_the_order_and_its_payment(
    api: Client, variant: Variant, station: Station
) -> None:
    response = _post(api, _body(variant, station), key="k-1")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending_payment"
    assert data["total"] == "25.00"
    assert data["goods_total"] == "25.00"
    assert data["delivery_fee"] == "0.00"
    assert [line["quantity"] for line in data["lines"]] == [2]
    assert data["payment"]["provider"] == "sandbox"
    assert data["payment"]["client_data"]["approve_url"].startswith("/pay/sandbox/")


def test_retry_with_the_same_key_answers_200_with_the_same_order(
    api: Client, variant: Variant, station: Station
) -> None:
    first = _post(api, _body(variant, station), key="k-1")
    again = _post(api, _body(variant, station), key="k-1")
    other = _post(
        api, _body(variant, station, lines=[{"variant": variant.pk, "quantity": 1}]), key="k-1"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"


def test_home_delivery_with_an_address(api: Client, variant: Variant, station: Station) -> None:
    body = _body(variant, station, delivery={"method": "home", "address": ADDRESS})

    response = _post(api, body)

    assert response.status_code == 201, response.content
    assert response.json()["delivery_fee"] == "8.00"
    assert response.json()["address"].endswith("龙泉镇东湖路12号")


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"lines": [{"variant": 987654321, "quantity": 1}]}, 400, "variant_unavailable"),
        ({"lines": "QTY:0"}, 400, "invalid_quantity"),
        ({"lines": "QTY:10000"}, 400, "invalid_quantity"),
        # Integers past 64 bits are refused by the API's parser, for every endpoint.
        ({"lines": "QTY:99999999999999999999999"}, 400, "invalid_input"),
        ({"lines": [{"variant": 10**20, "quantity": 1}]}, 400, "invalid_input"),
        ({"lines": [{"variant": "honey", "quantity": 1}]}, 422, "invalid_input"),
        ({"delivery": {"method": "station_pickup"}}, 400, "station_required"),
        ({"delivery": {"method": "station_pickup", "station": 10**19}}, 400, "invalid_input"),
        ({"delivery": {"method": "teleport", "station": 1}}, 400, "invalid_delivery_method"),
        (
            {"delivery": {"method": "home", "address": {**ADDRESS, "phone": "110"}}},
            400,
            "invalid_phone",
        ),
        (
            {"delivery": {"method": "home", "address": {**ADDRESS, "township": 10**12}}},
            400,
            "invalid_address",
        ),
        ({"delivery": {"method": "home"}}, 400, "address_required"),
        ({"payment_method": "bitcoin"}, 400, "invalid_payment_method"),
        ({"payment_method": "wechat", "wechat_channel": "app"}, 400, "invalid_payment_method"),
        ({"payment_method": None}, 422, "invalid_input"),
        ({"lines": []}, 400, "invalid_lines"),
    ],
)
def test_bad_input_answers_with_a_code_never_500(
    api: Client, variant: Variant, station: Station, changes: dict, status: int, code: str
) -> None:
    if isinstance(changes.get("lines"), str):
        changes = {"lines": [{"variant": variant.pk, "quantity": int(changes["lines"][4:])}]}

    response = _post(api, _body(variant, station, **changes))

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Order.objects.count() == 0


def test_not_json_and_no_token_are_refused_cleanly(
    api: Client, variant: Variant, station: Station
) -> None:
    broken = api.post(URL, data="{not json", content_type="application/json")
    anonymous = _post(Client(), _body(variant, station))

    assert broken.status_code in (400, 422)
    assert anonymous.status_code == 401


def test_short_stock_is_409(api: Client, variant: Variant, station: Station) -> None:
    body = _body(variant, station, lines=[{"variant": variant.pk, "quantity": 11}])

    response = _post(api, body)

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"


def test_catalog_available_drops_as_orders_reserve(
    api: Client, variant: Variant, station: Station
) -> None:
    def available() -> int:
        product = Client().get(f"/api/v1/catalog/products/{variant.product_id}").json()
        return next(v["available"] for v in product["variants"] if v["id"] == variant.pk)

    assert available() == 10
    _post(api, _body(variant, station))
    assert available() == 8
    _post(api, _body(variant, station, lines=[{"variant": variant.pk, "quantity": 5}]))
    assert available() == 3


def test_list_and_detail_run_a_fixed_number_of_queries(
    api: Client,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
) -> None:
    variants = [stocked(on_hand=10) for _ in range(3)]
    orders = [place([(v.pk, 1) for v in variants]) for _ in range(2)]
    pay(orders[0])
    api.get(URL)  # the token's first use is recorded once

    with CaptureQueriesContext(connection) as listing:
        response = api.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert len(response.json()["items"][0]["lines"]) == 3
    for _ in range(3):
        place([(variants[0].pk, 1)])
    with CaptureQueriesContext(connection) as longer:
        assert len(api.get(URL).json()["items"]) == 5
    # token, count, orders, lines (with their shops)
    assert _queries(listing) == _queries(longer) == 4

    with CaptureQueriesContext(connection) as detail:
        response = api.get(f"{URL}/{orders[0].pk}")
    data = response.json()
    assert [event["status"] for event in data["timeline"]] == ["pending_payment", "paid"]
    assert data["payment"]["status"] == "succeeded"
    # token, order, lines, events, payment
    assert _queries(detail) == 5


def test_other_buyers_cannot_see_an_order_but_its_seller_sees_only_their_lines(
    api: Client,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    client_for: Callable[[User], Client],
) -> None:
    honey, tea = stocked(on_hand=3), stocked(on_hand=3)
    order = place([(honey.pk, 1), (tea.pk, 1)])
    stranger = UserFactory()

    hidden = client_for(stranger).get(f"{URL}/{order.pk}")
    seller_view = client_for(honey.product.seller.owner).get(f"{URL}/{order.pk}")

    assert hidden.status_code == 404
    assert hidden.json()["code"] == "order_not_found"
    assert [line["variant"] for line in seller_view.json()["lines"]] == [honey.pk]


def test_cancel_pay_again_and_return_through_the_api(
    api: Client,
    variant: Variant,
    station: Station,
    client_for: Callable[[User], Client],
    packer: User,
    courier: User,
    agent: User,
) -> None:
    cancelled = _post(api, _body(variant, station)).json()
    response = _post(api, {"reason": "wrong size"}, url=f"{URL}/{cancelled['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"

    order = _post(api, _body(variant, station)).json()
    payments.sandbox_decide(number=order["payment"]["number"], approve=False)
    again = _post(api, {}, url=f"{URL}/{order['id']}/pay")
    assert again.status_code == 200
    assert again.json()["number"] != order["payment"]["number"]
    assert again.json()["status"] == "pending"
    payments.sandbox_decide(number=again.json()["number"], approve=True)

    refused = _post(client_for(packer), {"status": "delivered"}, url=f"{URL}/{order['id']}/status")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    for user, status in ((packer, "packing"), (packer, "shipped"), (courier, "delivered")):
        moved = _post(client_for(user), {"status": status}, url=f"{URL}/{order['id']}/status")
        assert moved.status_code == 200, moved.content
    line_id = moved.json()["lines"][0]["id"]
    returned = _post(
        api,
        {"lines": [{"line": line_id, "quantity": 1}], "reason": "damaged"},
        url=f"{URL}/{order['id']}/return",
    )
    assert returned.status_code == 201, returned.content
    assert returned.json()["amount"] == "12.50"
    bad = _post(api, {"lines": [], "reason": "whim"}, url=f"{URL}/{order['id']}/return")
    assert bad.status_code == 400


@pytest.mark.parametrize("body", [[None, None], [], 5, "cancel", [{"reason": "x"}]])
@pytest.mark.parametrize("action", ["cancel", "pay"])
def test_cancel_and_pay_refuse_a_body_that_is_not_an_object(
    api: Client, variant: Variant, station: Station, body: Any, action: str
) -> None:
    order = _post(api, _body(variant, station)).json()

    response = _post(api, body, url=f"{URL}/{order['id']}/{action}")

    assert response.status_code in (400, 422)
    assert set(response.json()) >= {"code", "message"}
    assert response.json()["code"] == "invalid_input"
    placed = Order.objects.get(pk=order["id"])
    assert placed.status == "pending_payment"
    assert placed.payment_number == order["payment"]["number"]


def test_pay_without_a_body_keeps_working(api: Client, variant: Variant, station: Station) -> None:
    order = _post(api, _body(variant, station)).json()

    empty = api.post(f"{URL}/{order['id']}/pay", data="", content_type="application/json")

    assert empty.status_code == 200
    assert empty.json()["number"] == order["payment"]["number"]


def test_openapi_says_cancel_and_pay_take_an_object() -> None:
    from xiangcun.api import api as ninja_api

    document = ninja_api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    for action in ("cancel", "pay"):
        body = document["paths"][f"{URL}/{{order_id}}/{action}"]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        refs = [schema] if "$ref" in schema else schema["anyOf"]
        objects = [schemas[ref["$ref"].rsplit("/", 1)[1]] for ref in refs if "$ref" in ref]
        assert objects
        assert all(item["type"] == "object" for item in objects)
        assert all(ref.get("type") in (None, "null") for ref in refs)


def test_a_seller_moves_their_lines_through_the_api_and_sees_only_them(
    api: Client,
    stocked: Callable[..., Variant],
    station: Station,
    client_for: Callable[[User], Client],
) -> None:
    honey, tea = stocked(on_hand=3), stocked(on_hand=3)
    body = _body(honey, station, lines=[{"variant": honey.pk, "quantity": 1}])
    body["lines"].append({"variant": tea.pk, "quantity": 1})
    order = _post(api, body).json()
    payments.sandbox_decide(number=order["payment"]["number"], approve=True)
    beekeeper = client_for(honey.product.seller.owner)

    packed = _post(beekeeper, {"status": "packing"}, url=f"{URL}/{order['id']}/status")
    shipped = _post(beekeeper, {"status": "shipped"}, url=f"{URL}/{order['id']}/status")

    assert packed.status_code == shipped.status_code == 200
    assert shipped.json()["status"] == "packing"
    assert [(line["variant"], line["fulfilment"]) for line in shipped.json()["lines"]] == [
        (honey.pk, "shipped")
    ]
    buyer_view = api.get(f"{URL}/{order['id']}").json()
    assert sorted(line["fulfilment"] for line in buyer_view["lines"]) == ["open", "shipped"]
