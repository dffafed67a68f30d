"""The search evaluation set (tests/catalog/search_eval.py): every query finds its products in
the first ten, and the set covers every kind of query shoppers type."""

from collections import Counter

import pytest

from tests.catalog.search_eval import QUERIES
from xiangcun.catalog import selectors
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def test_the_set_is_large_and_covers_every_kind() -> None:
    kinds = Counter(kind for _, kind, _ in QUERIES)
    assert len(QUERIES) >= 60
    assert set(kinds) == {"zh", "pinyin", "initials", "en", "mixed", "typo"}
    assert min(kinds.values()) >= 6


def test_every_query_finds_its_products_in_the_first_ten(
    demo_catalogue: dict[str, Seller],
) -> None:
    misses = []
    for query, _, names in QUERIES:
        found = [p.name for p in selectors.products_search(query=query, page_size=10).items]
        missing = [name for name in names if name not in found]
        if missing:
            misses.append((query, missing, found))
    assert misses == []
