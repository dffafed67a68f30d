"""Storefront pages: shop home, search (Chinese, pinyin, initials; filters, sorts, pages),
category, product, brand and shop pages; their size, their queries and their hosts."""

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.storefront.market import HONEY_CERTIFICATE, Market, product_list
from xiangcun.catalog import services as catalog

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params, **EN)
    assert response.status_code == 200, url
    return response.content.decode()


def result_names(html: str) -> list[str]:
    return re.findall(r'<span class="card-name">([^<]+)</span>', html)


def search(client: Client, **params: Any) -> list[str]:
    return result_names(page(client, reverse("shop:search"), **params))


def photo_bytes(width: int = 800, height: int = 600) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 150, 40)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "honey.jpg"
    return buffer


# --- shop home ---------------------------------------------------------------------------------


def test_shop_home_shows_brands_local_goods_and_goods_for_the_villages(
    client: Client, market: Market
) -> None:
    html = page(client, reverse("shop:home"))
    local = html.split('id="local-heading"', 1)[1].split('id="brands-heading"', 1)[0]
    incoming = html.split('id="incoming-heading"', 1)[1]
    assert "Danzhai wild honey" in local
    assert "Miao batik scarf" in local
    assert "Compound fertiliser" not in local
    assert "Compound fertiliser" in incoming
    assert "Danzhai Honey" in html  # the brand shelf
    assert reverse("shop:brand", kwargs={"slug": "danzhai-honey"}) in html
    assert 'action="/shop/search/"' in html


def test_site_home_has_a_search_box_and_the_storefront_shelves(
    client: Client, market: Market
) -> None:
    html = page(client, reverse("web:home"))
    assert f'action="{reverse("shop:search")}"' in html
    assert 'name="q"' in html
    assert "Danzhai wild honey" in html
    assert "Compound fertiliser" in html


def test_shop_home_prices_are_in_yuan_with_two_places(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:home"))
    assert "¥68.00" in html
    assert "¥128.00" in html


def test_empty_shop_says_what_to_do(client: Client, db: None) -> None:
    html = page(client, reverse("shop:home"))
    assert "No farm goods are on sale yet" in html
    assert "No goods for the villages yet" in html


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["fm", "fengmi", "蜂蜜", "FengMi"])
def test_search_finds_honey_by_chinese_pinyin_and_initials(
    client: Client, market: Market, query: str
) -> None:
    assert search(client, q=query) == ["Danzhai wild honey"]


@pytest.mark.parametrize("query", ["laran", "lr", "蜡染"])
def test_search_finds_batik(client: Client, market: Market, query: str) -> None:
    assert "Miao batik scarf" in search(client, q=query)


def test_search_keeps_the_words_in_the_box(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:search"), q="fm")
    assert re.search(r'<input[^>]*name="q"[^>]*value="fm"', html)


def test_search_without_words_shows_the_newest_products(client: Client, market: Market) -> None:
    assert set(search(client)) == {"Danzhai wild honey", "Miao batik scarf", "Compound fertiliser"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "crafts"}, {"Miao batik scarf"}),
        ({"direction": "down"}, {"Compound fertiliser"}),
        ({"direction": "up"}, {"Danzhai wild honey", "Miao batik scarf"}),
        ({"brand": "danzhai-honey"}, {"Danzhai wild honey"}),
        ({"certified": "on"}, {"Danzhai wild honey"}),
        ({"price_min": "90", "price_max": "100"}, {"Compound fertiliser"}),
        ({"price_max": "70"}, {"Danzhai wild honey"}),
    ],
)
def test_search_filters(
    client: Client, market: Market, filters: dict[str, str], expected: set[str]
) -> None:
    assert set(search(client, **filters)) == expected


def test_search_filters_by_township(client: Client, market: Market) -> None:
    township = market.village.township.code
    assert set(search(client, township=township)) == {"Danzhai wild honey", "Miao batik scarf"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Danzhai wild honey", "Compound fertiliser", "Miao batik scarf"]),
        ("-price", ["Miao batik scarf", "Compound fertiliser", "Danzhai wild honey"]),
    ],
)
def test_search_sorts_by_price(
    client: Client, market: Market, sort: str, expected: list[str]
) -> None:
    assert search(client, sort=sort) == expected


def test_search_shows_an_empty_state_that_says_what_to_do(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:search"), q="zzzzqqq", category="farm")
    assert result_names(html) == []
    assert "Nothing found for “zzzzqqq”" in html
    assert "fengmi or fm" in html
    assert "Remove the filters" in html


def test_search_price_range_the_wrong_way_round_is_explained_next_to_the_field(
    client: Client, market: Market
) -> None:
    html = page(client, reverse("shop:search"), q="fm", price_min="100", price_max="10")
    assert "The lowest price must not be above the highest price." in html
    assert re.search(r'<input[^>]*name="price_min"[^>]*value="100"', html)
    assert re.search(r'<input[^>]*name="q"[^>]*value="fm"', html)


def test_search_bad_price_is_explained_not_a_500(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:search"), price_min="cheap")
    assert "Enter an amount in yuan, like 12.50." in html
    assert "Check the filters marked in red" in html


def test_search_paginates_with_previous_and_next_links(
    client: Client, market: Market, on_commit: Any
) -> None:
    with on_commit():
        for number in range(22):
            product_list(
                staff=market.staff,
                actor=market.farmer,
                seller=market.honey_shop,
                category=market.farm,
                name=f"百花蜂蜜 {number}",
                price=f"{10 + number}.00",
            )
    first = page(client, reverse("shop:search"), q="fengmi", sort="price")
    assert len(result_names(first)) == 20
    assert "Page 1 of 2" in first
    assert "23 products found" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_url
    assert "q=fengmi" in next_url.group(1)
    second = page(client, reverse("shop:search") + next_url.group(1).replace("&amp;", "&"))
    assert len(result_names(second)) == 3
    assert 'rel="prev"' in second
    assert "Page 2 of 2" in second
    assert not set(result_names(first)) & set(result_names(second))


def test_htmx_search_answers_with_the_results_only(client: Client, market: Market) -> None:
    response = client.get(reverse("shop:search"), {"q": "fm"}, HTTP_HX_REQUEST="true", **EN)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert result_names(html) == ["Danzhai wild honey"]


def test_search_form_is_a_plain_get_form_that_htmx_enhances(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:search"))
    form = re.search(r'<form class="search-form"[^>]*>', html)
    assert form
    assert 'method="get"' in form.group(0)
    assert 'action="/shop/search/"' in form.group(0)
    assert 'hx-get="/shop/search/"' in form.group(0)
    assert re.search(
        r'name="price_min"[^>]*inputmode="decimal"|inputmode="decimal"[^>]*name="price_min"', html
    )


def test_search_query_count_does_not_grow_with_the_results(
    client: Client, market: Market, on_commit: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("shop:search"), {"q": "fengmi"}).status_code == 200
        return len(queries)

    few = count()
    with on_commit():
        for number in range(8):
            product_list(
                staff=market.staff,
                actor=market.farmer,
                seller=market.honey_shop,
                category=market.farm,
                name=f"蜂蜜 {number}",
                brand_id=market.brand.pk,
                origin_village_id=market.village.pk,
            )
    assert count() == few


def test_search_page_query_count(
    client: Client, market: Market, django_assert_num_queries: Any
) -> None:
    client.get(reverse("shop:search"), {"q": "fengmi"})  # warm the session machinery
    # A search not in the cache yet (a cached one reads nothing: test_storefront_cache.py).
    # Filter choices: categories, brands (+ their certificates), townships. Search: hits and
    # count. Cards, as plain values: products (shop, brand, category, village joined), lowest
    # prices, first photos, certificates valid today (the product's and its brand's). On
    # PostgreSQL the terms' statistics too (a broad text is counted on the rows).
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 10):
        client.get(reverse("shop:search"), {"q": "fm"})


# --- product, category, brand and shop pages ----------------------------------------------------


def test_product_page_shows_price_options_origin_brand_certificate_and_shop(
    client: Client, market: Market
) -> None:
    html = page(client, reverse("shop:product", kwargs={"product_id": market.honey.pk}))
    assert '<h1 class="product-name">Danzhai wild honey</h1>' in html
    assert "¥68.00" in html
    assert "jar" in html
    assert "25 left" in html
    assert market.village.name in html
    assert market.village.township.name in html
    assert f'href="{reverse("shop:brand", kwargs={"slug": "danzhai-honey"})}"' in html
    assert "Danzhai Honey" in html
    assert "Poverty-alleviation product" in html
    assert HONEY_CERTIFICATE in html
    assert "贵州省扶贫开发办公室" in html
    assert f'href="{reverse("shop:seller", kwargs={"seller_id": market.honey_shop.pk})}"' in html


def test_product_page_says_when_an_option_is_sold_out(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:product", kwargs={"product_id": market.batik.pk}))
    assert "Sold out for now" in html


def test_product_page_photos_are_sized_and_lazy(
    client: Client, market: Market, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    for _ in range(2):
        catalog.product_photo_add(
            actor=market.farmer, product_id=market.honey.pk, image=photo_bytes(), alt="一罐蜂蜜"
        )
    html = page(client, reverse("shop:product", kwargs={"product_id": market.honey.pk}))
    images = re.findall(r'<img class="gallery-photo"[^>]*>', html)
    assert len(images) == 2
    for image in images:
        assert 'width="720"' in image
        assert 'height="540"' in image
        assert "-720.jpg" in image  # the medium copy, not the original upload
    assert 'loading="lazy"' in images[1]
    cards = page(client, reverse("shop:search"), q="fm")
    card = re.search(r'<img class="card-photo"[^>]*>', cards)
    assert card
    assert 'width="240"' in card.group(0)
    assert 'height="180"' in card.group(0)
    assert 'loading="lazy"' in card.group(0)
    assert "-240.jpg" in card.group(0)


def test_product_page_query_count_does_not_grow_with_options_and_photos(
    client: Client, market: Market, settings: Any, tmp_path: Path, on_commit: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    # On commit, as in production: the page is then built afresh, not taken from the cache.
    with on_commit():
        _more_options_and_photos(market)
    assert count() == few


def _more_options_and_photos(market: Market) -> None:
    for number in range(3):
        catalog.variant_create(
            actor=market.farmer,
            product_id=market.honey.pk,
            sku=f"MORE-{number}",
            name=f"{number + 2}罐装",
            unit="box",
            price=Decimal("120.00"),
        )
        catalog.product_photo_add(
            actor=market.farmer, product_id=market.honey.pk, image=photo_bytes()
        )


def test_product_page_query_count(
    client: Client, market: Market, django_assert_num_queries: Any
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    # Not in the cache yet. Read every time: the product's status and options (one query),
    # availability. Then the cached part: product with shop, brand, category, village; photos;
    # the certificates that cover it (not the variants again: the options had them).
    with django_assert_num_queries(5):
        client.get(url)


def test_unlisted_product_is_not_found_for_buyers(client: Client, market: Market) -> None:
    draft = catalog.product_create(
        actor=market.farmer, seller_id=market.honey_shop.pk, category_id=market.farm.pk, name="新蜜"
    )
    url = reverse("shop:product", kwargs={"product_id": draft.pk})
    assert client.get(url).status_code == 404
    client.force_login(market.farmer)
    html = page(client, url)
    assert "Buyers cannot see this product yet" in html


def test_missing_product_is_not_found(client: Client, db: None) -> None:
    assert client.get(reverse("shop:product", kwargs={"product_id": 999})).status_code == 404


def test_category_page_lists_its_products(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:category", kwargs={"slug": "crafts"}))
    assert "<h1>Miao crafts</h1>" in html
    assert result_names(html) == ["Miao batik scarf"]


def test_empty_category_says_what_to_do(client: Client, market: Market) -> None:
    catalog.category_create(actor=market.staff, slug="tea", name="茶叶", direction="up")
    html = page(client, reverse("shop:category", kwargs={"slug": "tea"}))
    assert "Nothing is on sale in this category yet." in html
    assert 'href="/shop/search/"' in html


def test_unknown_category_and_brand_are_not_found(client: Client, market: Market) -> None:
    assert client.get(reverse("shop:category", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("shop:brand", kwargs={"slug": "nope"})).status_code == 404


def test_brand_page_tells_its_story_certificates_and_products(
    client: Client, market: Market
) -> None:
    html = page(client, reverse("shop:brand", kwargs={"slug": "danzhai-honey"}))
    assert "<h1>Danzhai Honey</h1>" in html
    assert "丹寨山高林密" in html
    assert "贵州省丹寨县" in html
    assert HONEY_CERTIFICATE in html
    assert result_names(html) == ["Danzhai wild honey"]


def test_seller_shop_page_shows_story_village_and_products(client: Client, market: Market) -> None:
    html = page(client, reverse("shop:seller", kwargs={"seller_id": market.honey_shop.pk}))
    assert "王家蜂场" in html
    assert "王家蜂场的故事" in html
    assert market.village.name in html
    assert result_names(html) == ["Danzhai wild honey"]


def test_shop_page_of_an_unapproved_seller_is_not_found(client: Client, market: Market) -> None:
    from xiangcun.sellers.services import seller_suspend

    seller_suspend(reviewer=market.staff, seller_id=market.batik_shop.pk, note="检查中")
    url = reverse("shop:seller", kwargs={"seller_id": market.batik_shop.pk})
    assert client.get(url).status_code == 404


# --- weight, hosts, navigation ------------------------------------------------------------------


def _static_size(url: str) -> int:
    found = finders.find(url.removeprefix("/static/"))
    assert found, url
    return Path(str(found)).stat().st_size


@pytest.mark.parametrize("url_name", ["shop:home", "web:home"])
def test_storefront_home_weighs_under_150_kb_without_product_photos(
    client: Client, market: Market, url_name: str
) -> None:
    html = client.get(reverse(url_name)).content
    text = html.decode()
    assets = set(re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"', text))
    assert any(asset.endswith(".css") for asset in assets)
    assert any(asset.endswith(".js") for asset in assets)
    # Images other than product photos (uploads under /media/) count too.
    images = {
        src for src in re.findall(r'<img[^>]+src="([^"]+)"', text) if src.startswith("/static/")
    }
    total = len(html) + sum(_static_size(url) for url in assets | images)
    # Uncompressed bytes; gzip on the wire makes it about a third of this.
    assert total < 150_000


@pytest.mark.parametrize(
    "url",
    [
        "/shop/",
        "/shop/search/?q=fm",
        "/shop/c/farm/",
        "/shop/b/danzhai-honey/",
    ],
)
def test_storefront_loads_nothing_from_another_host(
    client: Client, market: Market, url: str
) -> None:
    html = page(client, url)
    foreign = re.findall(r'(?:src|href|action)\s*=\s*["\']?\s*((?:https?:)?//[^"\'\s>]*)', html)
    assert foreign == []


def test_product_and_shop_pages_load_nothing_from_another_host(
    client: Client, market: Market
) -> None:
    for url in (
        reverse("shop:product", kwargs={"product_id": market.honey.pk}),
        reverse("shop:seller", kwargs={"seller_id": market.honey_shop.pk}),
    ):
        html = page(client, url)
        assert (
            re.findall(r'(?:src|href|action)\s*=\s*["\']?\s*((?:https?:)?//[^"\'\s>]*)', html) == []
        )


def test_everyone_has_a_shop_tab(client: Client, market: Market) -> None:
    html = page(client, reverse("web:home"))
    assert re.search(r'href="/shop/" data-nav="market"', html)
    client.force_login(market.farmer)
    html = page(client, reverse("web:home"))
    assert 'data-nav="market"' in html


def test_sellers_shop_tab_opens_the_console(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    html = page(client, reverse("web:home"))
    assert re.search(r'href="/console/" data-nav="shop"', html)


@pytest.mark.parametrize("url_name", ["shop:home", "web:home"])
def test_storefront_home_query_count_does_not_grow_with_the_catalogue(
    client: Client, market: Market, on_commit: Any, url_name: str
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        return len(queries)

    few = count()
    with on_commit():
        for number in range(6):
            product_list(
                staff=market.staff,
                actor=market.farmer,
                seller=market.honey_shop,
                category=market.farm,
                name=f"高山茶 {number}",
                brand_id=market.brand.pk,
            )
    assert count() == few
