"""Checkout to anywhere in mainland China through the API: the address checked against the
national divisions, the carrier service priced again at placing time, fresh goods refused
with the reason, the fee booked with the payment, and a retry answered with the same order."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.catalog.factories import ProductFactory
from tests.orders.conftest import ADDRESS
from tests.orders.nationwide import DANZHAI, TIANHE, URUMQI, sf_cold_chain_build
from tests.shipping.factories import sf_standard_build
from xiangcun.catalog.models import Variant
from xiangcun.ledger.selectors import account_balance, ledger_total, unbalanced_entries
from xiangcun.ledger.types import DELIVERY_INCOME
from xiangcun.orders.models import Order
from xiangcun.regions.models import County
from xiangcun.shipping.models import CarrierService

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"
GUANGZHOU = {
    "county_code": TIANHE,
    "detail": "体育西路123号",
    "recipient": "张三",
    "phone": "13912345678",
}


@pytest.fixture
def danzhai(db: None) -> County:
    """The programme's own county, so 522636 counts as local."""
    county, _created = County.objects.get_or_create(
        code=DANZHAI,
        defaults={"name": "丹寨县", "province": "贵州省", "city": "黔东南苗族侗族自治州"},
    )
    return county


@pytest.fixture
def sf(db: None) -> CarrierService:
    return sf_standard_build()


@pytest.fixture
def sf_cold(sf: CarrierService) -> CarrierService:
    return sf_cold_chain_build(sf)


@pytest.fixture
def honey(stocked: Callable[..., Variant]) -> Variant:
    """A jar of honey, 800 g packed, ¥68, ten in stock."""
    return stocked(
        on_hand=10,
        price="68.00",
        product=ProductFactory(name="苗岭土蜂蜜"),
        net_weight_g=500,
        shipping_weight_g=800,
    )


@pytest.fixture
def pork(stocked: Callable[..., Variant]) -> Variant:
    """Chilled pork that keeps 3 days, 1.4 kg packed, ¥58."""
    return stocked(
        on_hand=10,
        price="58.00",
        product=ProductFactory(
            name="丹寨黑毛猪鲜肉", is_fresh=True, needs_cold_chain=True, keeps_days=3
        ),
        net_weight_g=1000,
        shipping_weight_g=1400,
    )


def _body(variant: Variant, address: dict[str, Any], **delivery: Any) -> dict[str, Any]:
    return {
        "lines": [{"variant": variant.pk, "quantity": 1}],
        "delivery": {"method": "home", "address": address, **delivery},
        "payment_method": "sandbox",
    }


def _post(client: Client, body: Any, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_guangzhou_order_is_priced_by_the_carrier_and_carries_the_fee_and_days(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, GUANGZHOU))

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["shipping_fee"] == "18.00"
    assert data["delivery_fee"] == "18.00"
    assert data["total"] == "86.00"
    assert data["promised_days"] == {"min": 2, "max": 3}
    assert data["shipping"] == {"carrier": "sf", "service": "standard"}
    assert data["county_code"] == TIANHE
    assert data["address"] == "广东省广州市天河区体育西路123号"
    order = Order.objects.get(pk=data["id"])
    assert (order.shipping_cost, order.township_id, order.phone) == (
        Decimal("14.00"),
        None,
        "13912345678",
    )


def test_a_fee_the_client_sends_is_never_read(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    body = _body(honey, GUANGZHOU, service="sf:standard")
    body["delivery_fee"] = "0.00"
    body["shipping_fee"] = "0.01"

    response = _post(api, body)

    assert response.status_code == 201, response.content
    assert response.json()["shipping_fee"] == "18.00"


def test_without_a_service_the_cheapest_that_can_carry_is_taken(
    api: Client, honey: Variant, sf_cold: CarrierService, danzhai: County
) -> None:
    cheapest = _post(api, _body(honey, GUANGZHOU), key="a")
    chosen = _post(api, _body(honey, GUANGZHOU, service="sf:cold_chain"), key="b")

    assert cheapest.json()["shipping"]["service"] == "standard"
    assert chosen.status_code == 201, chosen.content
    assert chosen.json()["shipping"]["service"] == "cold_chain"
    assert chosen.json()["shipping_fee"] == "45.00"
    assert chosen.json()["promised_days"] == {"min": 2, "max": 2}


def test_a_county_code_that_does_not_exist_is_refused_naming_the_field(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, {**GUANGZHOU, "county_code": "449999"}))

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_division"
    assert response.json()["field"] == "address.county_code"
    assert Order.objects.count() == 0


def test_a_county_outside_the_named_province_is_refused(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, {**GUANGZHOU, "province": "浙江省"}))

    assert response.status_code == 400
    assert response.json()["code"] == "division_mismatch"
    assert response.json()["field"] == "address.province"
    assert Order.objects.count() == 0


@pytest.mark.parametrize("phone", ["02012345678", "1391234567", "23912345678", "not a phone"])
def test_a_phone_that_is_not_a_mainland_mobile_is_refused(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County, phone: str
) -> None:
    response = _post(api, _body(honey, {**GUANGZHOU, "phone": phone}))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert response.json()["field"] == "address.phone"


@pytest.mark.parametrize("code", ["44010", "4401066", "abcdef", "44 106"])
def test_a_county_code_that_is_not_six_digits_is_refused(
    api: Client, honey: Variant, sf: CarrierService, code: str
) -> None:
    response = _post(api, _body(honey, {**GUANGZHOU, "county_code": code}))

    assert response.status_code == 400
    assert response.json()["field"] == "address.county_code"


@pytest.mark.parametrize("service", ["sf", "sf:", ":standard", "SF:Standard", "sf:standard:x"])
def test_a_service_not_written_carrier_colon_service_is_refused(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County, service: str
) -> None:
    response = _post(api, _body(honey, GUANGZHOU, service=service))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_shipping_service"
    assert response.json()["field"] == "delivery.service"


def test_a_service_that_cannot_take_the_goods_there_is_refused(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, GUANGZHOU, service="sf:cold_chain"))

    assert response.status_code == 400
    assert response.json()["code"] == "shipping_service_unavailable"
    assert Order.objects.count() == 0


def test_chilled_pork_to_xinjiang_is_refused_with_the_reason(
    api: Client, pork: Variant, sf_cold: CarrierService, danzhai: County
) -> None:
    address = {**GUANGZHOU, "county_code": URUMQI, "detail": "人民路1号"}

    response = _post(api, _body(pork, address))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "cannot_ship_fresh"
    assert "丹寨黑毛猪鲜肉" in body["message"]
    assert Order.objects.count() == 0


def test_a_retry_answers_the_same_order_and_another_service_conflicts(
    api: Client, honey: Variant, sf_cold: CarrierService, danzhai: County
) -> None:
    first = _post(api, _body(honey, GUANGZHOU, service="sf:standard"), key="n-1")
    again = _post(api, _body(honey, GUANGZHOU, service="sf:standard"), key="n-1")
    other = _post(api, _body(honey, GUANGZHOU, service="sf:cold_chain"), key="n-1")
    elsewhere = _post(api, _body(honey, {**GUANGZHOU, "county_code": "440104"}), key="n-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_conflict")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (409, "idempotency_conflict")
    assert Order.objects.count() == 1


def test_an_address_in_the_county_s_own_code_is_the_county_s_delivery(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, {**GUANGZHOU, "county_code": DANZHAI}))

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["shipping"] is None
    assert data["promised_days"] is None
    assert data["county_code"] == ""
    assert data["delivery_fee"] == "8.00"  # the county's flat fee: ¥68 is under ¥99
    assert data["address"].startswith("贵州省黔东南苗族侗族自治州丹寨县")


def test_the_county_s_own_address_without_a_code_is_unchanged(
    api: Client, honey: Variant, sf: CarrierService, danzhai: County
) -> None:
    response = _post(api, _body(honey, ADDRESS))

    assert response.status_code == 201, response.content
    assert response.json()["shipping"] is None
    assert response.json()["delivery_fee"] == "8.00"


def test_the_paid_fee_is_booked_as_delivery_income_and_the_entry_balances(
    api: Client,
    honey: Variant,
    sf: CarrierService,
    danzhai: County,
    pay: Callable[[Order], Order],
) -> None:
    response = _post(api, _body(honey, GUANGZHOU))
    order = pay(Order.objects.get(pk=response.json()["id"]))

    assert order.status == Order.Status.PAID
    assert account_balance(code=DELIVERY_INCOME) == Decimal("-18.00")
    assert unbalanced_entries() == []
    assert ledger_total() == Decimal("0.00")
