"""POST /api/v1/logistics/rates/quote: the documented shape for anyone (no login needed),
the fresh refusal with its reason, and bad bodies answered with a code, never a 500."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.shipping.conftest import GUANGZHOU_TIANHE, GUIYANG
from xiangcun.catalog.models import Variant
from xiangcun.shipping.models import CarrierService

URL = "/api/v1/logistics/rates/quote"


def _quote(client: Client, body: Any, **headers: str):
    return client.post(URL, body, content_type="application/json", headers=headers)


def _body(variant: Variant, county: str = GUANGZHOU_TIANHE, quantity: int = 1) -> dict:
    return {
        "lines": [{"variant": variant.pk, "quantity": quantity}],
        "address": {"county_code": county, "detail": "体育西路 123 号", "recipient": "张三"},
    }


def test_an_anonymous_visitor_gets_the_options_in_the_documented_shape(
    client: Client, standard: CarrierService, cold_chain: CarrierService, honey: Variant
) -> None:
    answer = _quote(client, _body(honey, quantity=3))
    assert answer.status_code == 200
    assert answer.json() == {
        "options": [
            {
                "carrier": "sf",
                "carrier_name": "顺丰",
                "service": "standard",
                "service_name": "标准快递",
                "fee": "30.00",
                "days_min": 2,
                "days_max": 3,
                "cold_chain": False,
                "free_shipping": False,
            },
            {
                "carrier": "sf",
                "carrier_name": "顺丰",
                "service": "cold_chain",
                "service_name": "冷运",
                "fee": "65.00",
                "days_min": 2,
                "days_max": 2,
                "cold_chain": True,
                "free_shipping": False,
            },
        ]
    }


def test_english_readers_get_english_names(
    client: Client, standard: CarrierService, honey: Variant
) -> None:
    standard.carrier.name_en = "SF Express"
    standard.carrier.save()
    answer = _quote(client, _body(honey), **{"Accept-Language": "en"})
    option = answer.json()["options"][0]
    assert (option["carrier_name"], option["service_name"]) == ("SF Express", "Standard")


def test_fresh_goods_that_cannot_arrive_in_time_are_refused_with_the_reason(
    client: Client, standard: CarrierService, pork: Variant
) -> None:
    answer = _quote(client, _body(pork, county=GUIYANG), **{"Accept-Language": "en"})
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "cannot_ship_fresh"
    assert body["message"].startswith("Danzhai black-hair pork must be kept cold")
    assert body["details"]["reason"] == "cold_chain"
    assert body["details"]["product_id"] == pork.product_id


def test_a_place_no_carrier_reaches_is_a_409(
    client: Client, standard: CarrierService, honey: Variant
) -> None:
    answer = _quote(client, _body(honey, county="310115"))
    assert answer.status_code == 409
    assert answer.json()["code"] == "no_shipping_to_destination"


def test_an_unknown_variant_is_a_400_naming_it(
    client: Client, standard: CarrierService, honey: Variant
) -> None:
    body = _body(honey)
    body["lines"].append({"variant": honey.pk + 99, "quantity": 1})
    answer = _quote(client, body)
    assert answer.status_code == 400
    assert answer.json()["code"] == "unknown_variant"
    assert answer.json()["details"] == {"variant": honey.pk + 99}


@pytest.mark.parametrize(
    "change",
    [
        {"lines": []},
        {"lines": [{"variant": 1, "quantity": 0}]},
        {"lines": [{"variant": 1, "quantity": 1000}]},
        {"lines": [{"variant": 0, "quantity": 1}]},
        {"lines": [{"variant": 2**70, "quantity": 1}]},
        {"lines": [{"variant": 1, "quantity": 1}] * 51},
        {"lines": "honey"},
        {"address": {}},
        {"address": {"county_code": "4401"}},
        {"address": {"county_code": "44010\uff16"}},
        {"address": {"county_code": "440106\u0000"}},
        {"address": {"county_code": "440106", "detail": "x" * 201}},
        {"address": "广州"},
    ],
)
def test_bad_bodies_are_refused_with_a_code(
    client: Client, standard: CarrierService, honey: Variant, change: dict
) -> None:
    answer = _quote(client, {**_body(honey), **change})
    assert answer.status_code in (400, 422)
    assert answer.json()["code"]


def test_a_body_that_is_not_json_is_a_400(client: Client, standard: CarrierService) -> None:
    answer = client.post(URL, b"{nope", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
_line = st.fixed_dictionaries(
    {"variant": st.integers(min_value=-5, max_value=2**64) | _json, "quantity": _json}
)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(_line, max_size=3) | _json,
    county=st.sampled_from(["440106", "520102", "650102", "000000", "", "abc"]) | st.text(),
)
@pytest.mark.django_db
def test_no_body_is_a_500(lines: Any, county: Any) -> None:
    answer = _quote(Client(), {"lines": lines, "address": {"county_code": county}})
    assert answer.status_code in (200, 400, 404, 409, 422)
    assert "code" in answer.json() or "options" in answer.json()


def test_money_is_a_string_with_two_places(
    client: Client, standard: CarrierService, honey: Variant
) -> None:
    with translation.override("zh-hans"):
        fee = _quote(client, _body(honey)).json()["options"][0]["fee"]
    assert fee == "18.00"
    assert Decimal(fee) == Decimal("18.00")
