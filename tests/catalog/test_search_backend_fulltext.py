"""The built-in backend on the databases' full-text engines: bands, the index kept current,
ranking by summed band scores, and the walked plan agreeing with the exact one."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tests.catalog.conftest import Committed
from xiangcun.catalog import services
from xiangcun.catalog.models import Product, SearchRow
from xiangcun.catalog.search import backend
from xiangcun.catalog.search.documents import ProductDocument
from xiangcun.catalog.search.engines import TextStatistics, engine
from xiangcun.catalog.search.interface import SORTS, SearchQuery, search_backend
from xiangcun.catalog.search.text import query_parts
from xiangcun.catalog.search.tokens import band_of, band_texts
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _search(text: str = "", **fields: Any) -> list[int]:
    return search_backend().search(SearchQuery(text=text, limit=100, **fields)).product_ids


def _indexed(part: str) -> list[int]:
    """Product ids the full-text index itself (FTS5 / GIN) gives for a prefix."""
    condition, params = engine().matching_ids([part])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.product_id FROM {SearchRow._meta.db_table} r WHERE {condition}",  # noqa: S608 - fixed fragments
            params,
        )
        return sorted(row[0] for row in cursor.fetchall())


def test_each_weight_goes_to_the_band_of_the_same_or_next_lower_score() -> None:
    assert [band_of(w) for w in (17, 16, 15, 14, 12, 9, 8, 7, 5, 4, 3, 2, 1)] == [
        "band_a", "band_a", "band_a", "band_b", "band_c", "band_d", "band_e", "band_e", "band_f",
        "band_g", "band_g", "band_h", "band_h",
    ]  # fmt: skip
    document = ProductDocument(
        product_id=1, terms={"fm": 8, "蜂蜜": 9, "miaoling": 5, "feng": 1}, category_id=1,
        brand_id=None, seller_id=1, township_id=None, direction="up", min_price=None,
        listed_at=Product().created_at,
    )  # fmt: skip
    assert band_texts(document) == {
        "band_d": " 蜂蜜",
        "band_e": " fm",
        "band_f": " miaoling",
        "band_h": " feng",
    } | dict.fromkeys(("band_a", "band_b", "band_c", "band_g"), "")


def test_a_term_that_starts_another_of_its_band_or_a_higher_one_is_left_out() -> None:
    document = ProductDocument(
        product_id=1, terms={"蜂蜜": 12, "蜂": 10, "feng": 10, "fengmi": 3, "fm": 3, "fmx": 1,
                             "mi": 3, "miao": 9, "hong": 15, "hongmi": 15},
        category_id=1, brand_id=None, seller_id=1, township_id=None, direction="up",
        min_price=None, listed_at=Product().created_at,
    )  # fmt: skip
    texts = band_texts(document)
    # 蜂 (band_d) starts 蜂蜜 (band_c), `mi` starts `miao` higher up, `hong` starts `hongmi` in
    # its own band; `feng` stays, since `fengmi` is in a lower band, and so does `fm` (`fmx`).
    assert texts == {
        "band_a": " hongmi",
        "band_c": " 蜂蜜",
        "band_d": " feng miao",
        "band_g": " fengmi fm",
        "band_h": " fmx",
    } | dict.fromkeys(("band_b", "band_e", "band_f"), "")


def test_the_engine_index_follows_edits_and_delisting(
    make_product: Callable[..., Product], committed: Committed, shop: Seller
) -> None:
    with committed():
        product = make_product(name="雅灰百花蜜", listed=True)
    assert _indexed("yahui") == [product.pk]
    with committed():
        services.product_update(actor=shop.owner, product_id=product.pk, name="高山蓝莓")
    # The old terms are out of the full-text index itself, not only filtered away.
    assert _indexed("yahui") == []
    assert _indexed("lanmei") == [product.pk]
    with committed():
        services.product_delist(actor=shop.owner, product_id=product.pk)
    assert _indexed("lanmei") == []
    assert not SearchRow.objects.filter(pk=product.pk).exists()


def test_clear_and_reindex_through_the_backend(
    make_product: Callable[..., Product], committed: Committed
) -> None:
    with committed():
        product = make_product(name="雅灰百花蜜", listed=True)
    search_backend().clear()
    assert _indexed("yahui") == []
    assert _search("yahui") == []
    search_backend().index_products([product.pk])
    search_backend().optimize()
    assert _search("yahui") == [product.pk]


def test_rank_is_the_sum_of_each_parts_best_band_then_newest(
    make_product: Callable[..., Product], committed: Committed
) -> None:
    with committed():
        # Both parts in the name: 8 + 8 (plus the category, 蜂蜜: still band A).
        both = make_product(name="雅灰蜂蜜", listed=True)
        # 雅灰 only in the description (band D), 蜂蜜 from the category (band C).
        described = make_product(name="高山好物", description="雅灰村出产", listed=True)
        # One part in the name, the other in the description: 8 + 3 (category) ...
        older = make_product(name="雅灰土产", description="好吃", listed=True)
        newer = make_product(name="雅灰土产", description="好吃", listed=True)
    Product.objects.filter(pk=older.pk).update(listed_at=older.listed_at - timedelta(days=1))
    search_backend().index_products([older.pk])
    assert _search("雅灰 蜂蜜") == [both.pk, newer.pk, older.pk, described.pk]
    # One part: the best band only (A for three of them), newest first. A description is
    # found by its words but not by their pinyin.
    assert _search("yahui") == [newer.pk, both.pk, older.pk]
    assert _search("雅灰") == [newer.pk, both.pk, older.pk, described.pk]


@pytest.mark.parametrize("walk_rows", [4000, 2, 0])
@pytest.mark.parametrize("query", ["fm", "丹寨", "m", "蜂", "laran"])
def test_walking_the_bands_gives_the_exact_ranking_with_filters(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, query: str, walk_rows: int
) -> None:
    services.catalog_demo_generate(count=120)
    categories = sorted(set(SearchRow.objects.values_list("category_id", flat=True)))
    cases: list[dict[str, Any]] = [
        {},
        {"direction": "up"},
        {"category_ids": tuple(categories[:3])},
    ]
    exact = [_search(query, **filters) for filters in cases]
    assert exact[0], query
    monkeypatch.setattr(backend, "RANK_ALL_CAP", 0)
    monkeypatch.setattr(backend, "WALK_ROWS", walk_rows)
    assert [_search(query, **filters) for filters in cases] == exact


@pytest.mark.parametrize("text", ['fm" OR *', "'; DROP", "蜂蜜:* & !", "NEAR(a b)", "\\'x"])
@pytest.mark.parametrize("sort", SORTS)
def test_engine_syntax_in_the_text_is_just_text(
    demo_catalogue: dict[str, Seller], text: str, sort: str
) -> None:
    hits = search_backend().search(SearchQuery(text=text, sort=sort))
    assert hits.count >= 0
    assert SearchRow.objects.exists()


def _passes(row: SearchRow, filters: dict[str, Any]) -> bool:
    return (
        ("township_id" not in filters or row.township_id == filters["township_id"])
        and ("brand_id" not in filters or row.brand_id == filters["brand_id"])
        and ("direction" not in filters or row.direction == filters["direction"])
        and ("category_ids" not in filters or row.category_id in filters["category_ids"])
        and (
            "price_max" not in filters
            or (row.min_price is not None and row.min_price <= filters["price_max"])
        )
    )


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("text", ["丹寨", "m", "fm"])
def test_text_with_filters_finds_exactly_the_matches_that_pass_them(
    demo_catalogue: dict[str, Seller], text: str, sort: str
) -> None:
    # On SQLite the index answers township, brand, category and direction itself (facet
    # terms); the rows still answer price. Either way the same products must come back.
    services.catalog_demo_generate(count=120)
    rows = {row.product_id: row for row in SearchRow.objects.all()}
    some = next(row for row in rows.values() if row.township_id and row.brand_id)
    cases: list[dict[str, Any]] = [
        {"township_id": some.township_id},
        {"brand_id": some.brand_id},
        {"direction": some.direction, "category_ids": (some.category_id, 10**9)},
        {"township_id": some.township_id, "price_max": some.min_price},
    ]

    def found(**filters: Any) -> tuple[int, set[int]]:
        hits = search_backend().search(SearchQuery(text=text, sort=sort, limit=1000, **filters))
        return hits.count, set(hits.product_ids)

    count, every = found()
    assert 0 < count < 1000
    for filters in cases:
        expected = {pid for pid in every if _passes(rows[pid], filters)}
        assert found(**filters) == (len(expected), expected), filters
    assert found(township_id=10**9) == (0, set())


def test_text_is_not_found_in_the_facets(
    make_product: Callable[..., Product], committed: Committed
) -> None:
    # The SQLite index holds ` t<township> c<category> b<brand> d<direction>` beside the bands;
    # a query `dup` or `c1` must find products by their terms, never by those.
    with committed():
        make_product(name="雅灰蜂蜜", listed=True)
    row = SearchRow.objects.get()
    for text in (f"d{row.direction}", f"c{row.category_id}", f"t{row.township_id}"):
        assert _search(text) == [], text


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("text", ["丹寨", "m", "fm", "蜂蜜"])
def test_text_with_few_certified_products_tests_their_rows_and_finds_the_same(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, text: str, sort: str
) -> None:
    # Few products are certified: their rows are tested for the text instead of the index's
    # matches for the certificate. Both plans must give the same page and count.
    services.catalog_demo_generate(count=120)
    query = SearchQuery(text=text, sort=sort, certified=True, limit=1000)
    few = search_backend().search(query)
    assert few.count > 0, text
    monkeypatch.setattr(backend.DatabaseSearchBackend, "_certified_few", lambda self: False)
    assert search_backend().search(query) == few
    everything = search_backend().search(SearchQuery(text=text, sort=sort, limit=1000))
    assert set(few.product_ids) < set(everything.product_ids)


def test_a_broad_text_counted_on_the_rows_gives_the_index_count(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL counts text its statistics call broad by testing rows' text; told every text
    # is broad, the counts must be those of the index (capped, or exact after falling back).
    services.catalog_demo_generate(count=1400)
    texts = ["m", "丹寨", "hongmi", "蜡染 丹寨", "zzz"]
    filters: list[dict[str, Any]] = [{}, {"direction": "up"}, {"price_max": Decimal("60")}]

    def counts() -> list[int]:
        return [
            search_backend().search(SearchQuery(text=text, **some)).count
            for text in texts
            for some in filters
        ]

    exact = {text: search_backend().search(SearchQuery(text=text)).count for text in texts}
    every = counts()
    assert exact["m"] == backend.COUNT_CAP
    assert 0 < exact["hongmi"] < backend.COUNT_CAP
    search_backend().optimize()  # the statistics (ANALYZE)
    share, entries = engine().text_statistics(["m"])
    if connection.vendor == "sqlite":
        assert (share, entries) == (0.0, 0.0)
    else:
        assert 0.3 < share <= 1.0
        assert entries > 0.3 * 1400
    broad = TextStatistics(share=1.0, entries=10.0**9)
    monkeypatch.setattr(type(engine()), "text_statistics", lambda self, parts: broad)
    found = backend.DatabaseSearchBackend()
    assert found._broad(["m"], SearchQuery(text="m"))
    assert not found._broad(["hongmi"], SearchQuery(text="hongmi"))
    assert not found._broad(["m"], SearchQuery(text="m", certified=True))
    assert counts() == every
    # Found broad only when more than the cap match, filters or not.
    said = [found._broad(query_parts(text), SearchQuery(text=text, **some))
            for text in texts for some in filters]  # fmt: skip
    assert any(said)
    capped = [count == backend.COUNT_CAP for count in every]
    assert all(cap for cap, broad in zip(capped, said, strict=True) if broad)
