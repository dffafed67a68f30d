"""Checkout to anywhere in China and the address book as pages, without JavaScript: a pasted
address fills the fields, the division selects narrow by round trips, the delivery options
show their fee and days before payment, fresh goods are refused with the reason, and the
order page shows the carrier and the promised days."""

import re
from typing import Any

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.orders.factories import SavedAddressFactory
from tests.orders.nationwide import TIANHE, URUMQI
from tests.orders_pages.conftest import Shop
from tests.shipping.factories import sf_standard_build
from xiangcun.catalog.models import Product
from xiangcun.orders import services as orders
from xiangcun.orders.models import Order, SavedAddress
from xiangcun.shipping.models import CarrierService

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PASTED = "广东省广州市天河区体育西路 123 号 张三 13912345678"


@pytest.fixture
def sf(db: None) -> CarrierService:
    return sf_standard_build()


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert found, "the checkout page carries a hidden idempotency key"
    return found.group(1)


def _selected(html: str, name: str) -> str:
    """The value of the option chosen in the select `name`."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else ""


def _in_cart(client: Client, shop: Shop) -> str:
    client.force_login(shop.buyer)
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": 1})
    return _key(client.get("/cart/checkout/").content.decode())


def _guangzhou(key: str, **values: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "delivery_method": "home",
        "province_code": "440000",
        "prefecture_code": "440100",
        "county_code": TIANHE,
        "detail": "体育西路123号",
        "recipient": "张三",
        "phone": "13912345678",
        "payment_method": "sandbox",
        **values,
    }


def test_the_checkout_page_offers_paste_and_the_division_selects_in_both_languages(
    client: Client, shop: Shop
) -> None:
    _in_cart(client, shop)

    english = client.get("/cart/checkout/", **EN).content.decode()
    chinese = client.get("/cart/checkout/", **ZH).content.decode()

    assert "Paste an address" in english
    assert "Fill from pasted text" in english
    assert 'name="province_code"' in english
    assert "Guangdong" in english
    assert "智能" in chinese or "粘贴" in chinese
    assert "广东省" in chinese
    assert "Paste an address" not in chinese


def test_fill_from_pasted_text_round_trips_the_form_with_the_fields_filled(
    client: Client, shop: Shop, sf: CarrierService
) -> None:
    key = _in_cart(client, shop)

    response = client.post(
        "/cart/checkout/",
        {"idempotency_key": key, "action": "parse", "paste": PASTED, "payment_method": "sandbox"},
        **EN,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert _selected(html, "province_code") == "440000"
    assert _selected(html, "prefecture_code") == "440100"
    assert _selected(html, "county_code") == TIANHE
    assert 'value="体育西路123号"' in html or 'value="体育西路 123 号"' in html
    assert 'value="张三"' in html
    assert 'value="13912345678"' in html
    assert "¥18.00" in html
    assert "2 to 3 days" in html
    assert Order.objects.count() == 0


def test_choosing_a_province_narrows_the_cities_by_a_round_trip(client: Client, shop: Shop) -> None:
    key = _in_cart(client, shop)

    html = client.post(
        "/cart/checkout/",
        {
            "idempotency_key": key,
            "action": "refresh",
            "province_code": "440000",
            "prefecture_code": "522600",
            "county_code": "522636",
        },
        **EN,
    ).content.decode()

    assert _selected(html, "province_code") == "440000"
    assert 'value="440100"' in html  # Guangzhou among the cities now offered
    assert _selected(html, "prefecture_code") == ""  # Qiandongnan is not in Guangdong
    assert _selected(html, "county_code") == ""


def test_a_guangzhou_order_is_placed_from_the_form_and_its_address_saved(
    client: Client, shop: Shop, sf: CarrierService
) -> None:
    key = _in_cart(client, shop)

    response = client.post(
        "/cart/checkout/", _guangzhou(key, service="sf:standard", save_address="on")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    assert (order.county_code, order.shipping_carrier, order.delivery_fee) == (TIANHE, "sf", 18)
    assert (order.promised_days_min, order.promised_days_max) == (2, 3)
    saved = SavedAddress.objects.get(user=shop.buyer)
    assert (saved.county, saved.is_default) == ("天河区", True)
    page = client.get(f"/orders/{order.pk}/", **EN).content.decode()
    assert "Arrives 2 to 3 days after it is sent" in page
    assert "Express" in page or "顺丰" in page


def test_a_bad_phone_stands_next_to_the_phone_field(
    client: Client, shop: Shop, sf: CarrierService
) -> None:
    key = _in_cart(client, shop)

    html = client.post("/cart/checkout/", _guangzhou(key, phone="02088889999"), **EN)

    assert html.status_code == 200
    assert "mobile" in html.content.decode()
    assert Order.objects.count() == 0


def test_chilled_goods_to_xinjiang_show_the_reason_and_no_option(
    client: Client, shop: Shop, sf: CarrierService
) -> None:
    Product.objects.filter(pk=shop.market.honey.pk).update(
        is_fresh=True, needs_cold_chain=True, keeps_days=3
    )
    key = _in_cart(client, shop)

    html = client.post(
        "/cart/checkout/",
        _guangzhou(
            key,
            action="refresh",
            province_code="650000",
            prefecture_code="650100",
            county_code=URUMQI,
        ),
        **ZH,
    ).content.decode()

    assert 'data-testid="shipping-refusal"' in html
    assert shop.market.honey.name in html
    assert 'name="service"' not in html


def test_the_default_saved_address_prefills_checkout(client: Client, shop: Shop) -> None:
    SavedAddressFactory(user=shop.buyer, detail="天河路385号", is_default=True)
    _in_cart(client, shop)

    html = client.get("/cart/checkout/", **EN).content.decode()

    assert _selected(html, "county_code") == TIANHE
    assert 'value="天河路385号"' in html


def test_the_address_book_pages_add_change_default_and_delete(client: Client, shop: Shop) -> None:
    client.force_login(shop.buyer)

    narrowed = client.post(
        "/orders/addresses/new/", {"action": "refresh", "province_code": "440000"}, **EN
    ).content.decode()
    added = client.post(
        "/orders/addresses/new/",
        {
            "province_code": "440000",
            "prefecture_code": "440100",
            "county_code": TIANHE,
            "detail": "体育西路1号",
            "recipient": "张三",
            "phone": "13912345678",
        },
    )
    first = SavedAddress.objects.get()
    other = SavedAddressFactory(user=shop.buyer)
    changed = client.post(
        f"/orders/addresses/{first.pk}/",
        {
            "province_code": "310000",
            "prefecture_code": "310100",
            "county_code": "310115",
            "detail": "世纪大道100号",
            "recipient": "李四",
            "phone": "13912345678",
        },
    )
    client.post(f"/orders/addresses/{other.pk}/default/")
    listing = client.get("/orders/addresses/", **EN).content.decode()
    client.post(f"/orders/addresses/{first.pk}/delete/")

    assert 'value="440100"' in narrowed
    assert added.status_code == 302
    assert changed.status_code == 302
    first_row = SavedAddress.objects.filter(pk=first.pk).first()
    assert first_row is None
    assert SavedAddress.objects.get(pk=other.pk).is_default is True
    assert "上海市浦东新区世纪大道100号" in listing


def test_another_person_s_address_pages_are_404(client: Client, shop: Shop) -> None:
    address = orders.saved_address_create(
        actor=shop.buyer,
        data={
            "county_code": TIANHE,
            "detail": "体育西路1号",
            "recipient": "张三",
            "phone": "13912345678",
        },
    )
    client.force_login(UserFactory())

    assert client.get(f"/orders/addresses/{address.pk}/").status_code == 404
    assert client.post(f"/orders/addresses/{address.pk}/delete/").status_code == 404
    assert client.post(f"/orders/addresses/{address.pk}/default/").status_code == 404
    assert SavedAddress.objects.filter(pk=address.pk).exists()
