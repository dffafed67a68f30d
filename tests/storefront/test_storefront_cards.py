"""Product cards read as plain values (catalog.cards): they show what the product models say, in
the reader's language, and the shop page pages through its products in the database."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.storefront.market import Market, product_list
from xiangcun.catalog import selectors
from xiangcun.catalog import services as catalog

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def cards_html(client: Client, url: str, **params: Any) -> list[str]:
    response = client.get(url, params, **EN)
    assert response.status_code == 200
    return re.findall(r'<li class="card">.*?</li>', response.content.decode(), re.DOTALL)


def test_cards_say_what_the_products_say(market: Market) -> None:
    catalog.variant_create(
        actor=market.farmer,
        product_id=market.honey.pk,
        sku="CHEAP-1",
        name="小罐",
        unit="jar",
        price=Decimal("9.90"),
    )
    hidden = catalog.variant_create(
        actor=market.farmer,
        product_id=market.honey.pk,
        sku="CHEAPER-1",
        name="试吃装",
        unit="jar",
        price=Decimal("1.00"),
    )
    catalog.variant_update(actor=market.farmer, variant_id=hidden.pk, is_active=False)
    products = selectors.products_search(sort="new")
    cards = selectors.product_cards_search(sort="new")
    assert [card.id for card in cards.items] == [product.pk for product in products.items]
    assert cards.count == products.count
    for product, card in zip(products.items, cards.items, strict=True):
        assert card.name == product.name
        assert card.price == selectors.product_display_price(product)
        assert card.certified == selectors.product_is_certified(product)
        assert card.seller_name == product.seller.name
    honey = next(card for card in cards.items if card.id == market.honey.pk)
    assert honey.price == Decimal("9.90")  # the cheapest option on sale, not the hidden one
    assert honey.certified  # through its brand


def test_card_shows_brand_else_origin_else_shop_in_the_readers_language(
    client: Client, market: Market
) -> None:
    html = " ".join(cards_html(client, reverse("shop:search")))
    assert '<span class="card-meta">Danzhai Honey</span>' in html  # the brand
    village, township = market.village, market.village.township
    assert f'<span class="card-meta">{township.name} {village.name}</span>' in html
    assert f'<span class="card-meta">{market.outside_shop.name}</span>' in html  # the shop
    assert f'href="{reverse("shop:product", kwargs={"product_id": market.honey.pk})}"' in html
    assert "from ¥68.00" in html
    chinese = client.get(reverse("shop:search"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "丹寨土蜂蜜" in chinese.content.decode()


def test_an_expired_certificate_does_not_make_a_card_certified(market: Market) -> None:
    catalog.certification_add(
        actor=market.staff,
        kind="poverty_alleviation",
        certificate_number="OLD-1",
        issuer="县农业农村局",
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
        product_id=market.batik.pk,
    )
    (card,) = selectors.product_cards(product_ids=[market.batik.pk])
    assert not card.certified


def test_cards_come_in_the_order_asked_and_skip_unknown_ids(market: Market) -> None:
    wanted = [market.fertiliser.pk, 0, market.honey.pk]
    cards = selectors.product_cards(product_ids=wanted)
    assert [card.id for card in cards] == [market.fertiliser.pk, market.honey.pk]
    assert selectors.product_cards(product_ids=[]) == []


def test_shop_page_pages_through_its_products_in_the_database(
    client: Client, market: Market, on_commit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with on_commit():
        for number in range(4):
            product_list(
                staff=market.staff,
                actor=market.farmer,
                seller=market.honey_shop,
                category=market.farm,
                name=f"高山茶 {number}",
            )
    first = selectors.product_cards_for_seller(seller_id=market.honey_shop.pk, page_size=2)
    assert first.count == 5
    assert first.pages == 3
    assert [card.name for card in first.items] == ["高山茶 3", "高山茶 2"]  # newest first
    last = selectors.product_cards_for_seller(seller_id=market.honey_shop.pk, page=99, page_size=2)
    assert last.page == 3  # past the end: the last page, as before
    assert [card.id for card in last.items] == [market.honey.pk]

    from xiangcun.catalog import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    url = reverse("shop:seller", kwargs={"seller_id": market.honey_shop.pk})
    assert len(cards_html(client, url, page=2)) == 2
    html = client.get(url, {"page": 2}, **EN).content.decode()
    assert "Page 2 of 3" in html

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    with on_commit():
        product_list(
            staff=market.staff,
            actor=market.farmer,
            seller=market.honey_shop,
            category=market.farm,
            name="高山茶 9",
        )
    assert count() == few
