"""More than is left, or more than one order may take: the product page (add to cart), the cart
and the API say the same sentence, in the reader's language, and the cart takes nothing."""

import json
from html import unescape
from typing import Any

import pytest
from django.test import Client

from tests.orders_pages.conftest import Shop
from xiangcun.accounts.services import api_token_issue
from xiangcun.inventory import services as inventory
from xiangcun.orders.models import CartLine, Order

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# The honey of the storefront's market has 25 units left.
SENTENCES = {
    "en": "Only 25 left: choose from 1 to 25.",
    "zh": "只剩 25 件：请选 1 到 25 件。",
}
LIMIT_SENTENCES = {
    "en": "At most 99 per order: choose from 1 to 99.",
    "zh": "每单最多 99 件：请选 1 到 99 件。",
}
LANGUAGES = [("en", EN), ("zh", ZH)]


def _page(response: Any) -> str:
    return unescape(response.content.decode())


def _add_from_product_page(client: Client, shop: Shop, quantity: str, headers: Any) -> Any:
    product_url = f"/shop/p/{shop.market.honey.pk}/"
    return client.post(
        "/cart/add/",
        {"variant": shop.honey_variant, "quantity": quantity, "next": product_url},
        follow=True,
        **headers,
    )


def _api_order(shop: Shop, quantity: int, headers: Any) -> Any:
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=shop.buyer).token}"})
    body = {
        "lines": [{"variant": shop.honey_variant, "quantity": quantity}],
        "delivery": {"method": "station_pickup", "station": shop.station.pk},
        "payment_method": "cash",
    }
    return client.post(
        "/api/v1/orders", data=json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.parametrize(("language", "headers"), LANGUAGES)
@pytest.mark.parametrize("quantity", [26, 150])
def test_product_page_says_how_many_are_left_and_adds_nothing(
    client: Client, shop: Shop, language: str, headers: Any, quantity: int
) -> None:
    response = _add_from_product_page(client, shop, str(quantity), headers)

    assert response.redirect_chain[-1][0] == f"/shop/p/{shop.market.honey.pk}/"
    html = _page(response)
    assert SENTENCES[language] in html
    assert "99" not in html.split(SENTENCES[language])[0][-200:]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(("language", "headers"), LANGUAGES)
def test_cart_refuses_more_than_is_left_in_the_same_words(
    client: Client, shop: Shop, language: str, headers: Any
) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "20"})

    changed = client.post(
        f"/cart/lines/{shop.honey_variant}/", {"quantity": "80"}, follow=True, **headers
    )
    added = client.post(
        "/cart/add/", {"variant": shop.honey_variant, "quantity": "6"}, follow=True, **headers
    )

    assert SENTENCES[language] in _page(changed)
    assert SENTENCES[language] in _page(added)
    assert CartLine.objects.get().quantity == 20


@pytest.mark.parametrize(("language", "headers"), LANGUAGES)
def test_cart_line_left_over_when_stock_drops_says_the_same_sentence(
    client: Client, shop: Shop, language: str, headers: Any
) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "25"})
    CartLine.objects.update(quantity=30)  # someone else bought some meanwhile, in effect

    html = _page(client.get("/cart/", **headers))

    assert SENTENCES[language] in html


@pytest.mark.parametrize(("language", "headers"), LANGUAGES)
@pytest.mark.parametrize(
    ("quantity", "code", "status"),
    [(26, "insufficient_stock", 409), (150, "invalid_quantity", 400)],
)
def test_api_says_the_same_sentence_with_a_code_and_the_counts(
    shop: Shop, language: str, headers: Any, quantity: int, code: str, status: int
) -> None:
    response = _api_order(shop, quantity, headers)

    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"] == SENTENCES[language]
    assert body["details"]["available"] == 25
    assert body["details"]["maximum"] == 25
    assert body["details"]["requested"] == quantity
    assert not Order.objects.exists()


@pytest.mark.parametrize(("language", "headers"), LANGUAGES)
def test_with_plenty_left_the_per_order_limit_is_said_the_same_way(
    client: Client, shop: Shop, language: str, headers: Any
) -> None:
    farm = inventory.location_for_seller(seller_id=shop.market.honey.seller_id)
    inventory.stock_receive(
        actor=shop.market.farmer,
        variant_id=shop.honey_variant,
        location_id=farm.pk,
        quantity=500,
    )

    page = _add_from_product_page(client, shop, "100", headers)
    api = _api_order(shop, 100, headers)

    assert LIMIT_SENTENCES[language] in _page(page)
    assert api.json()["message"] == LIMIT_SENTENCES[language]
    assert api.json()["details"]["maximum"] == 99
    assert not CartLine.objects.exists()


def test_up_to_what_is_left_goes_in(client: Client, shop: Shop) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "20"})
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "5"})

    assert CartLine.objects.get().quantity == 25
