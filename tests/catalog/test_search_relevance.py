"""Relevance shoppers can trust: short words rank names first, pinyin of any run of a name,
mixed input, staff's synonyms, relaxation that says so, pinyin one letter off, and counts
that read "1,000+" when capped."""

from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.catalog.conftest import Committed
from xiangcun.accounts.models import User
from xiangcun.catalog import selectors
from xiangcun.catalog.models import Product, SearchSynonym
from xiangcun.catalog.search import base
from xiangcun.catalog.search.text import typo_variants
from xiangcun.core.types import Page
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _names(query: str, size: int = 20) -> list[str]:
    return [p.name for p in selectors.products_search(query=query, page_size=size).items]


@pytest.mark.parametrize(
    ("query", "character"), [("mi", ("米", "蜜")), ("cha", ("茶",)), ("米", ("米",))]
)
def test_a_short_word_ranks_names_with_that_word_first(
    demo_catalogue: dict[str, Seller], query: str, character: tuple[str, ...]
) -> None:
    names = _names(query)
    with_word = [name for name in names if any(c in name for c in character)]
    assert with_word
    # Every name holding the word comes before any that does not (silver, pork, paper...).
    assert names[: len(with_word)] == with_word


@pytest.mark.parametrize("query", ["hongmi", "hm", "丹寨hongmi", "hongmi 丹寨", "gufahongmi"])
def test_pinyin_and_initials_of_any_run_of_a_name_find_it(
    demo_catalogue: dict[str, Seller], query: str
) -> None:
    names = _names(query)
    assert "丹寨古法红米" in names[:3]


def test_a_whole_pinyin_word_outranks_a_stray_prefix(demo_catalogue: dict[str, Seller]) -> None:
    # `mi` is the whole pinyin of 米 and 蜜, and only a prefix of 苗 (miao).
    names = _names("mi")
    first_miao = min(i for i, name in enumerate(names) if "苗" in name)
    last_word = max(i for i, name in enumerate(names) if "米" in name or "蜜" in name)
    assert last_word < first_miao


@pytest.mark.parametrize("query", ["银饰", "yinshi", "首饰"])
def test_a_category_synonym_finds_its_goods(demo_catalogue: dict[str, Seller], query: str) -> None:
    # Migration 0004 seeds 苗银 -> 银饰 首饰: the 苗银 category's goods answer to them.
    names = _names(query)
    assert set(names[:2]) == {"苗族银手镯", "苗银蝴蝶耳环"}
    assert not selectors.products_search(query=query).relaxed


def test_a_synonym_saved_in_the_admin_reaches_its_products(
    demo_catalogue: dict[str, Seller], admin: User, client: Client, committed: Committed
) -> None:
    # Before: only related goods (by the character 果, as in the fruit category).
    assert selectors.products_search(query="浆果").relaxed
    client.force_login(admin)
    with committed():
        response = client.post(
            reverse("admin:catalog_searchsynonym_add"), {"word": "蓝莓", "also": "浆果 jiangguo"}
        )
    assert response.status_code == 302
    assert {"丹寨高山蓝莓", "蓝莓果酱"} <= set(_names("浆果"))
    assert not selectors.products_search(query="浆果").relaxed
    assert {"丹寨高山蓝莓", "蓝莓果酱"} <= set(_names("jiangguo"))
    synonym = SearchSynonym.objects.get(word="蓝莓")
    with committed():
        client.post(
            reverse("admin:catalog_searchsynonym_delete", args=[synonym.pk]), {"post": "yes"}
        )
    assert selectors.products_search(query="浆果").relaxed


@pytest.mark.parametrize("query", ["蜂蜜", "fm", "丹寨 dami", "蜡染"])
def test_an_exact_match_is_not_relaxed(demo_catalogue: dict[str, Seller], query: str) -> None:
    assert not selectors.products_search(query=query).relaxed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("蜂蜜 礼盒", "百花蜂蜜"),  # fewer words: 礼盒 matches nothing
        ("丹寨 zzzz", "丹寨土蜂蜜"),
        ("烧水壶", "电热水壶"),  # characters: 烧 matches nothing, 水 and 壶 do
        ("fenmgi", "百花蜂蜜"),  # pinyin one letter off
        ("hongmii", "丹寨古法红米"),
        ("dianfanbo", "智能电饭煲 4升"),
    ],
)
def test_no_exact_match_relaxes_and_says_so(
    demo_catalogue: dict[str, Seller], query: str, expected: str
) -> None:
    page = selectors.products_search(query=query)
    assert page.relaxed
    assert expected in [p.name for p in page.items]


def test_nonsense_finds_nothing_even_relaxed(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(query="zzzqqq xxyyq")
    assert (page.count, page.items) == (0, [])


def test_typo_variants_are_pinyin_one_letter_off() -> None:
    assert "fengmi" in typo_variants("fenmgi")
    assert "laran" in typo_variants("larna")
    assert "hongcha" in typo_variants("hongca")
    assert typo_variants("fm") == ()  # initials: nothing to correct
    assert typo_variants("蜂蜜") == ()


def test_the_search_page_says_when_it_relaxed(
    demo_catalogue: dict[str, Seller], client: Client
) -> None:
    relaxed = client.get(reverse("shop:search"), {"q": "蜂蜜 礼盒"}, **EN).content.decode()
    assert "No exact match; showing related goods." in relaxed
    exact = client.get(reverse("shop:search"), {"q": "蜂蜜"}, **EN).content.decode()
    assert "No exact match" not in exact
    api = client.get("/api/v1/catalog/products", {"q": "蜂蜜 礼盒"}).json()
    assert api["relaxed"] is True
    assert api["count"] > 0


def test_a_capped_count_reads_as_at_least(
    demo_catalogue: dict[str, Seller], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "COUNT_CAP", 2)
    html = client.get(reverse("shop:search"), {"q": "丹寨"}, **EN).content.decode()
    assert "2+ products found" in html
    results = Page[Product](items=[], count=1000, page=1, page_size=20, count_capped=True)
    with translation.override("en"):
        shown = render_to_string("catalog/_results.html", {"results": results, "query": "x"})
    assert "1,000+ products found" in shown
    assert "1000 products" not in shown
    with translation.override("zh-hans"):
        shown = render_to_string("catalog/_results.html", {"results": results, "query": "x"})
    assert "1000+" in shown  # Chinese numbers are not grouped by thousands


def test_singular_english_finds_a_plural_name(
    make_product: Callable[..., Product], committed: Committed
) -> None:
    with committed():
        make_product(name="高山蓝莓", name_en="Mountain blueberries", listed=True)
    assert _names("blueberry") == ["高山蓝莓"]
