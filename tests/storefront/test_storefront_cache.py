"""The storefront's cached fragments (catalog.fragments): a catalogue write shows on the next
request, a page in one language never shows the other's cached text, and a page found in the
cache reads only what is never cached (the category or product, stock)."""

import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.storefront.market import Market, product_list
from xiangcun.catalog import fragments
from xiangcun.catalog import services as catalog
from xiangcun.catalog.selectors import catalog_version
from xiangcun.inventory import services as inventory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def html(client: Client, url: str, *, headers: dict[str, str] = EN, **params: Any) -> str:
    response = client.get(url, params, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def card_names(text: str) -> list[str]:
    return re.findall(r'<span class="card-name">([^<]+)</span>', text)


def card_prices(text: str) -> list[str]:
    return re.findall(r'<span class="card-price">([^<]+)</span>', text)


def queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params, **EN).status_code == 200
    return len(captured)


def honey_variant_id(market: Market) -> int:
    return int(market.honey.variants.get().pk)


LIST_PAGES = [
    ("shop:category", {"slug": "farm"}, {}),
    ("shop:search", {}, {"q": "fengmi"}),
    ("shop:home", {}, {}),
    ("web:home", {}, {}),
]


@pytest.mark.parametrize(("name", "kwargs", "params"), LIST_PAGES)
def test_a_new_price_shows_on_cached_lists_at_once(
    client: Client, market: Market, on_commit: Any, name: str, kwargs: Any, params: Any
) -> None:
    url = reverse(name, kwargs=kwargs)
    assert "from ¥68.00" in card_prices(html(client, url, **params))
    assert "from ¥68.00" in card_prices(html(client, url, **params))  # now from the cache
    with on_commit():
        catalog.variant_update(
            actor=market.farmer, variant_id=honey_variant_id(market), price=Decimal("72.50")
        )
    prices = card_prices(html(client, url, **params))
    assert "from ¥72.50" in prices
    assert "from ¥68.00" not in prices


def test_a_new_price_shows_on_the_product_page_at_once(
    client: Client, market: Market, on_commit: Any
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    assert "¥68.00" in html(client, url)
    with on_commit():
        catalog.variant_update(
            actor=market.farmer, variant_id=honey_variant_id(market), price=Decimal("72.50")
        )
    page = html(client, url)
    assert "¥72.50" in page
    assert "¥68.00" not in page


@pytest.mark.parametrize(("name", "kwargs", "params"), LIST_PAGES[:3])
def test_a_delisted_product_leaves_cached_lists_at_once(
    client: Client, market: Market, on_commit: Any, name: str, kwargs: Any, params: Any
) -> None:
    url = reverse(name, kwargs=kwargs)
    assert "Danzhai wild honey" in card_names(html(client, url, **params))
    with on_commit():
        catalog.product_delist(actor=market.farmer, product_id=market.honey.pk)
    assert "Danzhai wild honey" not in card_names(html(client, url, **params))


def test_a_delisted_product_page_is_gone_although_it_was_cached(
    client: Client, market: Market, on_commit: Any
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    assert "Danzhai wild honey" in html(client, url)
    with on_commit():
        catalog.product_delist(actor=market.farmer, product_id=market.honey.pk)
    assert client.get(url, **EN).status_code == 404
    client.force_login(market.farmer)
    assert "Buyers cannot see this product yet" in html(client, url)


def test_a_new_product_and_a_new_description_show_at_once(
    client: Client, market: Market, on_commit: Any
) -> None:
    category = reverse("shop:category", kwargs={"slug": "farm"})
    product = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    html(client, category)
    html(client, product)
    with on_commit():
        product_list(
            staff=market.staff,
            actor=market.farmer,
            seller=market.honey_shop,
            category=market.farm,
            name="高山绿茶",
            name_en="Mountain green tea",
        )
        catalog.product_update(
            actor=market.farmer,
            product_id=market.honey.pk,
            description_en="Taken once a year, in autumn.",
        )
    assert "Mountain green tea" in card_names(html(client, category))
    assert "Taken once a year, in autumn." in html(client, product)


@pytest.mark.parametrize(
    ("name", "kwargs", "params"),
    [*LIST_PAGES, ("shop:product", None, {}), ("shop:seller", None, {})],
)
def test_the_cache_keeps_each_language_apart(
    client: Client, market: Market, name: str, kwargs: Any, params: Any
) -> None:
    if name == "shop:product":
        kwargs = {"product_id": market.honey.pk}
    elif name == "shop:seller":
        kwargs = {"seller_id": market.honey_shop.pk}
    url = reverse(name, kwargs=kwargs)
    chinese = html(client, url, headers=ZH, **params)
    english = html(client, url, headers=EN, **params)
    assert "丹寨土蜂蜜" in chinese
    assert "Danzhai wild honey" not in chinese
    assert "Danzhai wild honey" in english
    assert "丹寨土蜂蜜" not in english
    # Each from the cache now, each still in its own language.
    assert "丹寨土蜂蜜" in html(client, url, headers=ZH, **params)
    again = html(client, url, headers=EN, **params)
    assert "Danzhai wild honey" in again
    assert "丹寨土蜂蜜" not in again


def test_a_cached_category_page_reads_only_the_category(client: Client, market: Market) -> None:
    url = reverse("shop:category", kwargs={"slug": "farm"})
    cold = queries(client, url)
    assert queries(client, url) == 1  # the category itself: an unknown one is a 404
    assert cold > 1
    assert client.get(reverse("shop:category", kwargs={"slug": "nothing"})).status_code == 404


def test_a_cached_search_page_reads_nothing(client: Client, market: Market) -> None:
    url = reverse("shop:search")
    assert queries(client, url, q="fm") > 0
    assert queries(client, url, q="fm") == 0
    assert card_names(html(client, url, q="fm")) == ["Danzhai wild honey"]


def test_a_cached_product_page_reads_prices_and_stock_every_time(
    client: Client, market: Market
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    assert queries(client, url) > 2
    # The product's status, shop and options on sale with their prices; their stock.
    assert queries(client, url) == 2
    assert "25 left" in html(client, url)


def test_stock_is_never_taken_from_the_cache(client: Client, market: Market) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.batik.pk})
    assert "Sold out for now" in html(client, url)
    farm = inventory.location_for_seller(seller_id=market.batik_shop.pk)
    # Stock is not a catalogue write: it must show without the version changing.
    version = catalog_version()
    inventory.stock_receive(
        actor=market.maker,
        variant_id=int(market.batik.variants.get().pk),
        location_id=farm.pk,
        quantity=3,
    )
    assert catalog_version() == version
    assert "3 left" in html(client, url)


def test_the_version_changes_only_when_a_write_commits(market: Market, on_commit: Any) -> None:
    version = catalog_version()
    with on_commit(), transaction.atomic():
        catalog.variant_update(
            actor=market.farmer, variant_id=honey_variant_id(market), price=Decimal("1.00")
        )
        transaction.set_rollback(True)
    assert catalog_version() == version
    with on_commit():
        catalog.variant_update(
            actor=market.farmer, variant_id=honey_variant_id(market), price=Decimal("2.00")
        )
    assert catalog_version() != version


def test_another_process_s_change_shows_within_a_second(
    market: Market, on_commit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = catalog_version()
    # Another process changes the version in the shared cache.
    cache.set(fragments.VERSION_KEY, "changed-elsewhere", timeout=None)
    assert catalog_version() == seen  # kept for LOCAL_SECONDS
    later = time.monotonic() + fragments.LOCAL_SECONDS + 0.01
    monkeypatch.setattr(fragments.time, "monotonic", lambda: later)
    assert catalog_version() == "changed-elsewhere"


def test_no_fragment_is_kept_when_the_cache_time_is_zero(
    client: Client, market: Market, settings: Any
) -> None:
    settings.STOREFRONT_CACHE_SECONDS = 0
    url = reverse("shop:category", kwargs={"slug": "farm"})
    cold = queries(client, url)
    assert queries(client, url) == cold


def test_a_product_sent_to_review_tells_its_seller_so_on_its_page(
    client: Client, market: Market, on_commit: Any
) -> None:
    draft = catalog.product_create(
        actor=market.farmer, seller_id=market.honey_shop.pk, category_id=market.farm.pk, name="新蜜"
    )
    catalog.variant_create(
        actor=market.farmer, product_id=draft.pk, sku="NEW-1", name="1斤", unit="jin", price=10
    )
    client.force_login(market.farmer)
    url = reverse("shop:product", kwargs={"product_id": draft.pk})
    assert "it is “Draft”" in html(client, url)
    with on_commit():
        catalog.product_submit(actor=market.farmer, product_id=draft.pk)
    assert "it is “In review”" in html(client, url)


def test_a_shop_renamed_outside_the_catalogue_shows_at_once(
    client: Client, market: Market, on_commit: Any
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    assert market.honey_shop.name_en in html(client, url)
    shop = market.honey_shop
    with on_commit():
        shop.name_en = "Hill Bees Cooperative"
        shop.save()  # as the admin does: no catalogue service involved
    assert "Hill Bees Cooperative" in html(client, url)


def test_a_description_edited_in_the_admin_shows_at_once(
    client: Client, market: Market, on_commit: Any
) -> None:
    url = reverse("shop:product", kwargs={"product_id": market.honey.pk})
    html(client, url)
    honey = market.honey
    with on_commit():
        honey.description_en = "Taken from the hives in October."
        honey.save()
    assert "Taken from the hives in October." in html(client, url)
    version = catalog_version()
    with on_commit(), transaction.atomic():
        honey.description_en = "Never committed."
        honey.save()
        transaction.set_rollback(True)
    assert catalog_version() == version
    assert "Never committed." not in html(client, url)


def test_a_product_page_built_afresh_reads_no_more_than_the_api(
    client: Client, market: Market, settings: Any
) -> None:
    settings.STOREFRONT_CACHE_SECONDS = 0
    page = queries(client, reverse("shop:product", kwargs={"product_id": market.honey.pk}))
    api = queries(client, f"/api/v1/catalog/products/{market.honey.pk}")
    # The page's options come from its offer query; its description reads no variant again.
    assert page <= api
