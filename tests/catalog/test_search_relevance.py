"""Search relevance: the evaluation set (tests/catalog/search_eval.py) finds every expected
product in its first ten against the demo catalogue among distractors; relaxed searches say
so; synonyms are staff data that re-index what they touch; counts past the cap read "1,000+"."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.catalog import search_eval
from tests.catalog.conftest import Committed
from xiangcun.accounts.models import User
from xiangcun.catalog import selectors, services
from xiangcun.catalog.errors import (
    CatalogStaffOnlyError,
    DuplicateSynonymError,
    RequiredFieldError,
    SynonymNotFoundError,
    TextTooLongError,
)
from xiangcun.catalog.models import Category, Product, SearchSynonym
from xiangcun.catalog.types import SearchPage
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _names(query: str) -> list[str]:
    return [product.name for product in selectors.products_search(query=query, page_size=10).items]


def test_evaluation_set_finds_every_expected_product_in_the_first_ten(
    demo_catalogue: dict[str, Seller],
) -> None:
    seller = next(iter(demo_catalogue.values()))
    search_eval.add_distractors(count=1500, seller_id=seller.pk)
    assert len(search_eval.QUERIES) >= 60
    results = search_eval.evaluate(_names)
    misses = [(r.query.text, r.ranks, _names(r.query.text)) for r in results if not r.hit]
    assert misses == []
    hits, mrr = search_eval.summary(results)
    assert hits == 1.0
    assert mrr > 0.8


def _relaxed(query: str) -> tuple[str, str, list[str]]:
    page = selectors.products_search(query=query, page_size=10)
    return page.relaxed, page.searched, [product.name for product in page.items]


def test_a_query_that_matches_as_typed_is_not_relaxed(demo_catalogue: dict[str, Seller]) -> None:
    for query in ["hongmi", "hm", "丹寨hongmi", "蜂蜜", "red rice"]:
        relaxed, searched, names = _relaxed(query)
        assert (relaxed, searched) == ("", "")
        assert names


def test_a_query_with_no_exact_match_relaxes_and_says_how(
    demo_catalogue: dict[str, Seller],
) -> None:
    # One letter off: the first variant that spells pinyin and finds something.
    assert _relaxed("hongmu")[:2] == ("spelling", "hongmi")
    assert _relaxed("hongmu")[2][0] == "丹寨古法红米"
    assert _relaxed("lanmie")[:2] == ("spelling", "lanmei")
    # Pinyin typed without spaces, across jieba's words.
    relaxed, searched, names = _relaxed("danzhaihongmi")
    assert (relaxed, searched) == ("split", "dan zhai hong mi")
    assert names[0] == "丹寨古法红米"
    # A word nothing has is dropped; the rest must still match.
    relaxed, searched, names = _relaxed("hongmi ipad")
    assert (relaxed, searched) == ("fewer_words", "hongmi")
    assert names == ["丹寨古法红米"]
    # Nonsense still finds nothing, and says nothing; long nonsense is not spelt over.
    assert _relaxed("zzzqqq") == ("", "", [])
    assert _relaxed("q" * 200) == ("", "", [])
    assert _relaxed(" ".join(["xqzw"] * 8)) == ("", "", [])


def test_short_words_rank_names_holding_them_first(demo_catalogue: dict[str, Seller]) -> None:
    # `mi` is 米 or 蜜, not the start of miao (苗银) or a word in a description.
    first = _names("mi")[:6]
    assert all("米" in name or "蜜" in name for name in first)
    assert {"丹寨硒锌大米", "丹寨富硒香米", "丹寨古法红米"} <= set(first)
    assert set(_names("cha")[:2]) == {"丹寨明前绿茶", "丹寨红茶"}
    # Exact initials (红米 -> hm) before a longer run that starts with them (黑毛猪 -> hmz).
    assert _names("hm")[0] == "丹寨古法红米"
    # A full-pinyin word of the name before single syllables spread over other names.
    assert _names("hongcha")[0] == "丹寨红茶"


def test_synonyms_are_staff_data_that_reindex_what_they_touch(
    demo_catalogue: dict[str, Seller], committed: Committed, admin: User
) -> None:
    assert _names("珍馐") == []
    crafts = Category.objects.get(slug="crafts")
    with committed():
        synonym = services.search_synonym_save(actor=admin, word="珍馐", category_id=crafts.pk)
    found = set(_names("珍馐"))
    assert found
    assert found <= set(
        Product.objects.filter(category__parent=crafts).values_list("name", flat=True)
    )
    assert selectors.products_search(query="珍馐").relaxed == ""
    # Moved to words in names: the crafts lose it, the honey gains it (re-indexed both).
    with committed():
        services.search_synonym_save(
            actor=admin, synonym_id=synonym.pk, word="珍馐", means="蜂蜜，蜂巢蜜"
        )
    assert set(_names("珍馐")) == {"丹寨土蜂蜜", "百花蜂蜜", "原生蜂巢蜜"}
    # A product holding the word itself still ranks above those given it by a synonym.
    with committed():
        services.search_synonym_save(actor=admin, word="bangle", means="苗银")
    assert _names("bangle")[:2] == ["苗族银手镯", "苗银蝴蝶耳环"]
    with committed():
        services.search_synonym_delete(actor=admin, synonym_id=synonym.pk)
    assert _names("珍馐") == []


def test_synonym_service_checks_who_and_what(
    demo_catalogue: dict[str, Seller], admin: User
) -> None:
    shopper = UserFactory()
    with pytest.raises(CatalogStaffOnlyError):
        services.search_synonym_save(actor=shopper, word="珍馐", means="蜂蜜")
    with pytest.raises(RequiredFieldError):
        services.search_synonym_save(actor=admin, word="珍馐", means=" , ")
    with pytest.raises(TextTooLongError):
        services.search_synonym_save(actor=admin, word="珍" * 41, means="蜂蜜")
    with pytest.raises(DuplicateSynonymError):
        services.search_synonym_save(actor=admin, word="银饰", means="蜂蜜")  # a demo one
    with pytest.raises(SynonymNotFoundError):
        services.search_synonym_delete(actor=admin, synonym_id=10**9)
    saved = services.search_synonym_save(actor=admin, word=" JeWels ", means="苗银 ,手镯")
    assert (saved.word, saved.means) == ("jewels", "苗银 手镯")


@pytest.mark.parametrize(
    ("language", "capped", "expected"),
    [
        ("en", "1,000+ products found.", "No exact match; showing related goods for “hongmi”."),
        ("zh-hans", "1,000+ 件商品", "没有完全匹配的结果，为您显示与“hongmi”相关的商品。"),
    ],
)
def test_results_say_1000_plus_and_when_a_search_was_relaxed(
    language: str, capped: str, expected: str
) -> None:
    page = SearchPage[int](
        items=[], count=1000, page=1, page_size=20, count_capped=True, relaxed="spelling",
        searched="hongmi",
    )  # fmt: skip
    with translation.override(language):
        html = render_to_string("catalog/_results.html", {"results": page, "query": "hongmu"})
    assert capped in html
    assert expected in html


def test_api_reports_the_relaxed_search_in_the_language_asked_for(
    client: Client, demo_catalogue: dict[str, Seller]
) -> None:
    body = client.get(
        "/api/v1/catalog/products", {"q": "hongmu"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    assert (body["relaxed"], body["searched"]) == ("spelling", "hongmi")
    assert body["notice"] == "没有完全匹配的结果，为您显示与“hongmi”相关的商品。"
    assert body["items"][0]["name"] == "丹寨古法红米"
    assert (body["count"], body["count_text"], body["count_capped"]) == (1, "1", False)
    exact = client.get("/api/v1/catalog/products", {"q": "hongmi"}).json()
    assert (exact["relaxed"], exact["searched"], exact["notice"]) == ("", "", "")


def test_staff_edit_synonyms_in_the_admin_through_the_service(
    client: Client, demo_catalogue: dict[str, Seller], committed: Committed, admin: User
) -> None:
    client.force_login(admin)
    tea = Category.objects.get(slug="tea")
    url = "/admin/catalog/searchsynonym/add/"
    empty = {"word": "珍馐", "means": " , ", "category": "", "is_active": "on"}
    refused = client.post(url, empty, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "Give the words it stands for, or a category." in refused.content.decode()
    assert not SearchSynonym.objects.filter(word="珍馐").exists()
    with committed():
        added = client.post(url, {**empty, "category": str(tea.pk)})
    assert added.status_code == 302
    assert set(_names("珍馐")) == {"丹寨明前绿茶", "丹寨红茶"}
    synonym = SearchSynonym.objects.get(word="珍馐")
    with committed():
        client.post(f"/admin/catalog/searchsynonym/{synonym.pk}/delete/", {"post": "yes"})
    assert not SearchSynonym.objects.filter(pk=synonym.pk).exists()
    assert _names("珍馐") == []
