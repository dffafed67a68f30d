"""Search relevance: the evaluation set (tests/catalog/search_eval.py) finds every expected
product in its first ten against the demo catalogue among distractors; relaxed searches say
so; synonyms are staff data that re-index what they touch; counts past the cap read "1,000+"."""

import pytest

from tests.catalog import search_eval
from xiangcun.catalog import selectors
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
    # Nonsense still finds nothing, and says nothing.
    assert _relaxed("zzzqqq") == ("", "", [])


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
