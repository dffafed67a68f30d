"""Search: Chinese, pinyin, initials and English find the demo goods; filters, sorts, and an
index that follows every product change."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from tests.catalog.conftest import Committed
from xiangcun.accounts.models import User
from xiangcun.catalog import selectors, services
from xiangcun.catalog.errors import InvalidPriceRangeError, InvalidSortError
from xiangcun.catalog.models import Brand, Product, SearchRow
from xiangcun.catalog.search import backend
from xiangcun.catalog.search.documents import product_documents
from xiangcun.catalog.search.interface import SORTS, search_backend
from xiangcun.catalog.search.tokens import BANDS, band_of
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _categories(query: str, **filters: object) -> list[str]:
    return [p.category.slug for p in selectors.products_search(query=query, **filters).items]


@pytest.mark.parametrize("query", ["fm", "fengmi", "蜂蜜", "FengMi", "fengm", "feng mi"])
def test_honey_is_found_by_chinese_pinyin_and_initials(
    demo_catalogue: dict[str, Seller], query: str
) -> None:
    categories = _categories(query)
    assert categories
    assert categories[0] == "honey"


@pytest.mark.parametrize("query", ["laran", "lr", "蜡染", "batik"])
def test_batik_is_found(demo_catalogue: dict[str, Seller], query: str) -> None:
    assert _categories(query)[0] == "batik"


def test_every_part_of_a_mixed_query_must_match(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(query="丹寨 dami")
    assert page.count >= 1
    assert {p.category.slug for p in page.items} == {"rice"}
    assert page.items[0].name == "丹寨硒锌大米"


def test_any_single_character_finds(demo_catalogue: dict[str, Seller]) -> None:
    assert "honey" in _categories("蜜")


def test_name_ranks_above_description(demo_catalogue: dict[str, Seller]) -> None:
    # "蜂蜡" is only in the batik descriptions, "蜂蜜" in honey names: honey comes first for 蜂.
    assert _categories("蜂")[0] == "honey"


def test_nothing_matches_nonsense(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(query="zzzqqq")
    assert (page.count, page.items) == (0, [])


def test_category_filter_includes_children(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(category="crafts", page_size=100)
    assert page.count > 0
    assert {p.category.slug for p in page.items} <= {"batik", "paper", "silver", "embroidery"}
    assert selectors.products_search(category="no-such-category").count == 0


def test_brand_township_and_direction_filters(demo_catalogue: dict[str, Seller]) -> None:
    batik = selectors.products_search(brand="paidiao-batik", page_size=100)
    assert batik.count == 3
    paidiao = selectors.products_search(township="522636102", page_size=100)
    assert {p.category.slug for p in paidiao.items} == {"batik"}
    down = selectors.products_search(direction="down", page_size=100)
    assert down.count > 0
    assert all(p.direction == "down" for p in down.items)


def test_certified_only(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(certified=True, page_size=100)
    assert page.count > 0
    assert all(selectors.product_is_certified(p) for p in page.items)
    assert "fertiliser" not in {p.category.slug for p in page.items}


def test_price_range_uses_the_lowest_active_price(demo_catalogue: dict[str, Seller]) -> None:
    page = selectors.products_search(
        price_min=Decimal("40"), price_max=Decimal("50"), page_size=100
    )
    prices = [selectors.product_display_price(p) for p in page.items]
    priced = [price for price in prices if price is not None]
    assert priced
    assert priced == prices  # listed: every one has a price
    assert all(Decimal("40") <= price <= Decimal("50") for price in priced)


@pytest.mark.parametrize("query", ["", "丹寨"])
def test_sorts(demo_catalogue: dict[str, Seller], query: str) -> None:
    cheap = [
        selectors.product_display_price(p)
        for p in selectors.products_search(query=query, sort="price", page_size=100).items
    ]
    assert cheap == sorted(cheap)  # type: ignore[type-var]  # listed: every one has a price
    dear = [
        selectors.product_display_price(p)
        for p in selectors.products_search(query=query, sort="-price", page_size=100).items
    ]
    assert dear == sorted(dear, reverse=True)  # type: ignore[type-var]  # as above
    new = selectors.products_search(query=query, sort="new", page_size=100).items
    assert [p.listed_at for p in new] == sorted((p.listed_at for p in new), reverse=True)  # type: ignore[type-var]  # listed


def test_bad_sort_and_price_range_are_refused(db: None) -> None:
    with pytest.raises(InvalidSortError):
        selectors.products_search(sort="cheapest")
    with pytest.raises(InvalidPriceRangeError):
        selectors.products_search(price_min=Decimal(10), price_max=Decimal(5))


def test_pages(demo_catalogue: dict[str, Seller]) -> None:
    first = selectors.products_search(page_size=10)
    second = selectors.products_search(page=2, page_size=10)
    assert first.count == second.count >= 25
    assert first.pages == -(-first.count // 10)
    assert not {p.pk for p in first.items} & {p.pk for p in second.items}
    beyond = selectors.products_search(query="丹寨", page=50)
    assert beyond.items == []
    assert beyond.count == selectors.products_search(query="丹寨").count


def test_unlisted_products_are_not_found(
    make_product: Callable[..., Product], committed: Committed
) -> None:
    with committed():
        make_product(name="雅灰百花蜜")
    assert selectors.products_search(query="雅灰").count == 0


def test_index_follows_listing_edits_and_delisting(
    make_product: Callable[..., Product], committed: Committed, shop: Seller
) -> None:
    with committed():
        product = make_product(name="雅灰百花蜜", listed=True)
    assert [p.pk for p in selectors.products_search(query="yahui").items] == [product.pk]
    with committed():
        services.product_update(actor=shop.owner, product_id=product.pk, name="高山蓝莓")
    assert selectors.products_search(query="yahui").count == 0
    assert [p.pk for p in selectors.products_search(query="lm").items] == [product.pk]
    with committed():
        services.product_delist(actor=shop.owner, product_id=product.pk)
    assert selectors.products_search(query="lm").count == 0
    assert not SearchRow.objects.filter(product_id=product.pk).exists()


def test_price_change_reaches_the_price_filter(
    make_product: Callable[..., Product], committed: Committed, shop: Seller
) -> None:
    with committed():
        product = make_product(listed=True, price="88.00")
    assert selectors.products_search(price_max=Decimal("50")).count == 0
    assert selectors.products_search(query="fm", price_max=Decimal("50")).count == 0
    with committed():
        services.variant_update(
            actor=shop.owner, variant_id=product.variants.get().pk, price="45.00"
        )
    assert [p.pk for p in selectors.products_search(price_max=Decimal("50")).items] == [product.pk]
    # Text with filters reads the price from the index entries themselves: they follow too.
    found = selectors.products_search(query="fm", price_max=Decimal("50")).items
    assert [p.pk for p in found] == [product.pk]


def test_brand_rename_and_certification_reindex_its_products(
    make_product: Callable[..., Product], committed: Committed, admin: User
) -> None:
    brand = services.brand_create(actor=admin, kind="regional", slug="miaoling", name="苗岭")
    with committed():
        product = make_product(listed=True, brand_id=brand.pk)
    assert selectors.products_search(query="miaoling").count == 1
    assert selectors.products_search(certified=True).count == 0
    with committed():
        services.brand_update(actor=admin, brand_id=brand.pk, name="蜂语")
        services.certification_add(
            actor=admin, kind="poverty_alleviation", certificate_number="FP-9", issuer="扶贫办",
            valid_from=product.created_at.date(), brand_id=brand.pk, product_ids=[product.pk],
        )  # fmt: skip
    assert selectors.products_search(query="miaoling").count == 0
    assert [p.pk for p in selectors.products_search(query="fy").items] == [product.pk]
    assert selectors.products_search(certified=True).count == 1
    assert selectors.products_search(query="fy", certified=True).count == 1


def test_reindex_command_rebuilds_the_index(demo_catalogue: dict[str, Seller]) -> None:
    SearchRow.objects.all().delete()
    assert selectors.products_search(query="fm").count == 0
    call_command("search_reindex", "--quiet")
    assert _categories("fm")[0] == "honey"


def test_search_costs_a_fixed_number_of_queries(
    demo_catalogue: dict[str, Seller], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    services.catalog_demo_generate(count=200)
    for query in ["", "fm", "丹寨 dami"]:
        small = selectors.products_search(query=query, page_size=2)
        assert len(small.items) == 2
        # Two for the index (page and count), then products, variants, first photos, the
        # certificates covering them; on PostgreSQL text also reads the terms' statistics.
        statistics = 1 if query and connection.vendor == "postgresql" else 0
        with django_assert_num_queries(6 + statistics) as context:
            page = selectors.products_search(query=query, page_size=20)
            for product in page.items:
                selectors.product_display_price(product)
                selectors.product_first_photo(product)
                selectors.product_is_certified(product)
                str(product.seller), str(product.category), str(product.origin_village)
        assert len(page.items) == 20, context


def _ids(page_size: int = 100, **arguments: object) -> list[int]:
    page = selectors.products_search(page_size=page_size, **arguments)  # type: ignore[arg-type]  # its keywords
    return [p.pk for p in page.items]


def test_count_stops_at_the_cap_and_pages_beyond_it_are_empty(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = ["", "丹寨", "fm", "丹寨 mi"]
    assert all(selectors.products_search(query=query).count > 2 for query in queries)
    monkeypatch.setattr(backend, "COUNT_CAP", 2)
    for query in queries:
        first = selectors.products_search(query=query, page_size=1)
        # "At least 2": the count says so, and pages stop there.
        assert first.count == 2
        assert first.count_capped
        assert first.pages == 2
        assert len(selectors.products_search(query=query, page=2, page_size=1).items) == 1
        assert selectors.products_search(query=query, page=3, page_size=1).items == []
    # Below the cap the count is exact.
    assert selectors.products_search(query="zzzqqq").count == 0
    assert selectors.products_search(query="丹寨 fm").count == 1
    assert not selectors.products_search(query="丹寨 fm").count_capped


def test_a_product_with_several_terms_of_a_prefix_counts_once(
    demo_catalogue: dict[str, Seller],
) -> None:
    # "蜂" is a term (every character is) and a prefix of 蜂蜜 and 蜂蜡: honey has both.
    terms = {
        term
        for document in product_documents(Product.objects.values_list("pk", flat=True))
        for term in document.terms
    }
    assert len({term for term in terms if term.startswith("蜂")}) > 1
    page = selectors.products_search(query="蜂", page_size=100)
    ids = [p.pk for p in page.items]
    assert len(ids) == len(set(ids)) == page.count


@pytest.mark.parametrize("query", ["丹寨", "fm", "蜂", "f", "d"])
def test_walking_the_index_ranks_as_reading_it_whole(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    ranked = [_ids(query=query, page=page, page_size=7) for page in (1, 2, 3)]
    # Walking the bands newest first (as for many matches) gives the same pages, whether the
    # walk of the recency index fills them or the full-text index is read and sorted.
    monkeypatch.setattr(backend, "RANK_ALL_CAP", 0)
    assert [_ids(query=query, page=page, page_size=7) for page in (1, 2, 3)] == ranked
    monkeypatch.setattr(backend, "WALK_ROWS", 3)
    assert [_ids(query=query, page=page, page_size=7) for page in (1, 2, 3)] == ranked
    # Pages walked one by one join up into the first page of a larger size.
    assert _ids(query=query)[:21] == [pk for page in ranked for pk in page]


@pytest.mark.parametrize(
    "arguments",
    [
        {"sort": "price"},
        {"sort": "-price"},
        {"sort": "new"},
        {"query": "丹寨", "sort": "price"},
        {"query": "丹寨", "sort": "-price", "category": "farm"},
        {"query": "丹寨 dami", "sort": "new"},
        {"direction": "up", "sort": "price"},
    ],
)
def test_sorting_many_matches_walks_the_sort_index_with_the_same_order(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, arguments: dict[str, str]
) -> None:
    few = _ids(**arguments)
    assert len(few) > 2
    # A cap below the match count makes the search walk the sort index (the "many" plan).
    monkeypatch.setattr(backend, "COUNT_CAP", 2)
    many = [_ids(**arguments, page=page, page_size=1)[0] for page in (1, 2)]
    assert many == few[:2]


def test_brand_counts(demo_catalogue: dict[str, Seller]) -> None:
    brand = Brand.objects.get(slug="miaoling-honey")
    counts = selectors.brand_counts(brand_ids=[brand.pk])[brand.pk]
    assert counts.products == 3
    assert counts.sellers == 1


def _all_ids(**arguments: object) -> list[int]:
    """Every match, page by page (pages hold at most 100)."""
    ids: list[int] = []
    for page in range(1, 20):
        found = _ids(page=page, **arguments)
        ids += found
        if len(found) < 100:
            return ids
    raise AssertionError("more pages than expected")


@pytest.mark.parametrize(
    "filters",
    [
        {"township": "522636102"},
        {"category": "farm", "price_max": Decimal("60")},
        {"certified": True},
        {"brand": "miaoling-honey"},
        {"direction": "up", "price_min": Decimal("30")},
    ],
)
def test_text_with_filters_keeps_what_the_filters_keep_of_the_text(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, filters: dict[str, object]
) -> None:
    # With text, filters are checked on the index entries (which carry a copy of the filter
    # columns); without, on the product's search row. Both must keep the same products.
    services.catalog_demo_generate(count=150)
    kept = set(_all_ids(**filters))
    cases = [(query, sort) for query in ["丹寨", "fm", "丹寨 mi", "m"] for sort in SORTS]
    expected = {
        case: [pk for pk in _all_ids(query=case[0], sort=case[1]) if pk in kept] for case in cases
    }
    assert all(expected.values()), "every case should match something"
    for query, sort in cases:
        assert _all_ids(query=query, sort=sort, **filters) == expected[query, sort]
    # Also when the sort walks the sort index (many matches) instead of sorting the matches.
    monkeypatch.setattr(backend, "COUNT_CAP", 3)
    for query, sort in cases:
        pages = [_ids(query=query, sort=sort, page=page, page_size=1, **filters) for page in (1, 2)]
        assert [pk for page in pages for pk in page] == expected[query, sort][:2]


def band_score(weight: int) -> int:
    return dict(BANDS)[band_of(weight)]


def _walk_order(parts: list[str]) -> list[int]:
    """Products matching every part, ranked as a broad multi-part query is documented to be:
    by the score of the first part's best band, newest first, then by id."""
    rows = SearchRow.objects.values_list("product_id", "listed_at")
    listed = dict(rows)
    documents = product_documents(listed)
    found: dict[int, int] = {}
    for document in documents:
        weights = [
            max((w for term, w in document.terms.items() if term.startswith(p)), default=0)
            for p in parts
        ]
        if all(weights):
            found[document.product_id] = band_score(weights[0])
    return sorted(found, key=lambda pk: (found[pk], listed[pk], pk), reverse=True)


@pytest.mark.parametrize("walk_rows", [4000, 40, 0])
def test_a_broad_query_of_several_parts_ranks_by_its_first_part(
    demo_catalogue: dict[str, Seller], monkeypatch: pytest.MonkeyPatch, walk_rows: int
) -> None:
    # Walked newest first band by band, from the recency index or, past WALK_ROWS, from the
    # full-text index: the same order either way.
    services.catalog_demo_generate(count=100)
    monkeypatch.setattr(backend, "RANK_ALL_CAP", 0)  # rank by walking, not by summing
    monkeypatch.setattr(backend, "WALK_ROWS", walk_rows)
    for query in ["丹寨 mi", "mi 丹寨", "fm 丹寨", "丹寨 fm", "d 丹 dz", "dz d 丹"]:
        expected = _walk_order(query.split())
        assert len(expected) > 3, query
        assert _all_ids(query=query) == expected, query


@pytest.mark.django_db(transaction=True)
def test_a_count_is_kept_until_the_catalogue_changes(
    make_product: Callable[..., Product], reviewer: User
) -> None:
    # Outside a transaction a search's count is kept under the catalogue's version: asked
    # again, it is not counted again; a product listed since changes the version, and the count.
    make_product(listed=True, reviewer=reviewer)
    make_product(name="土蜂蜜 百花", listed=True, reviewer=reviewer)
    assert selectors.product_ids_search(query="fengmi").count == 2
    with CaptureQueriesContext(connection) as asked_again:
        assert selectors.product_ids_search(query="fengmi").count == 2
    assert not [q for q in asked_again.captured_queries if "COUNT(*)" in q["sql"]]
    third = make_product(name="土蜂蜜 枣花", listed=True, reviewer=reviewer)
    assert selectors.product_ids_search(query="fengmi").count == 3
    # A write to the index alone (a task re-indexing, the backend called directly) too.
    search_backend().remove_product(third.pk)
    assert selectors.product_ids_search(query="fengmi").count == 2
    # With the certified filter it is counted every time (lots in stock change it).
    with CaptureQueriesContext(connection) as certified:
        selectors.product_ids_search(query="fengmi", certified=True)
        selectors.product_ids_search(query="fengmi", certified=True)
    assert len([q for q in certified.captured_queries if "COUNT(*)" in q["sql"]]) >= 2
