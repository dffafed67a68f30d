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
