# ruff: noqa: S608 - SQL is assembled from model table names and fixed fragments; every value
# is a query parameter.
"""The search backend interface and the built-in backend that keeps its index in the database.

`search_backend()` returns the backend named by the setting `CATALOG_SEARCH_BACKEND` (a dotted
path to a class with no constructor arguments), so a search server can replace the built-in
index without touching the services that keep it current or the selectors that query it.

The built-in index is two tables: `SearchTerm` (term, product, weight) and `SearchRow` (one row
per listed product with the filter and sort columns). A query is cut into parts; each part
matches a term exactly or as a prefix, written as the range `term >= p AND term < p+U+FFFF` so
the (term, product, weight) btree answers it on SQLite and PostgreSQL alike; a product must
match every part and ranks by the summed weights of its best match per part, newest first
among equals.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from xiangcun.catalog.models import Certification, Product, SearchRow, SearchTerm
from xiangcun.catalog.search.documents import ProductDocument, product_documents
from xiangcun.catalog.search.text import characters_of, query_parts

DEFAULT_BACKEND = "xiangcun.catalog.search.backend.DatabaseSearchBackend"
SORTS = ("relevance", "price", "-price", "new")
PREFIX_END = "\uffff"
# Index entries counted per part to pick the most selective part to drive a query. Counting
# stops here, so estimating costs at most this many index reads per part.
ESTIMATE_CAP = 20000
# Multi-part queries whose rarest part has at most this many index entries get the exact
# summed rank (one probe per candidate); broader ones rank by the rarest part (see _match).
PROBE_LIMIT = 3000


@dataclass(frozen=True)
class SearchQuery:
    """What to find. Ids, not slugs: the caller resolves slugs and codes (see selectors)."""

    text: str = ""
    category_ids: tuple[int, ...] = ()
    brand_id: int | None = None
    township_id: int | None = None
    certified: bool = False
    direction: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class SearchHits:
    """Product ids of one page, best first, and how many products matched in all."""

    product_ids: list[int]
    count: int


class SearchBackend(Protocol):
    def index_products(self, product_ids: Iterable[int]) -> None:
        """(Re)index these products: listed ones are added or replaced, others removed."""

    def index_product(self, product_id: int) -> None: ...

    def remove_product(self, product_id: int) -> None: ...

    def search(self, query: SearchQuery) -> SearchHits: ...

    def clear(self) -> None:
        """Forget every product (before a full rebuild)."""


@lru_cache(maxsize=4)
def _backend_for(path: str) -> SearchBackend:
    backend: SearchBackend = import_string(path)()
    return backend


def search_backend() -> SearchBackend:
    return _backend_for(getattr(settings, "CATALOG_SEARCH_BACKEND", DEFAULT_BACKEND))


class DatabaseSearchBackend:
    """The index in two tables of the application database (SQLite or PostgreSQL)."""

    batch_size = 5000

    # --- writing ---------------------------------------------------------------------------

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if not ids:
            return
        documents = product_documents(ids)
        with transaction.atomic():
            self._delete(ids)
            self._insert(documents)

    def index_product(self, product_id: int) -> None:
        self.index_products([product_id])

    def remove_product(self, product_id: int) -> None:
        with transaction.atomic():
            self._delete([product_id])

    def clear(self) -> None:
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            SearchRow.objects.all().delete()

    def _delete(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            SearchTerm.objects.filter(product_id__in=chunk).delete()
            SearchRow.objects.filter(product_id__in=chunk).delete()

    def _insert(self, documents: Sequence[ProductDocument]) -> None:
        SearchRow.objects.bulk_create(
            [
                SearchRow(
                    product_id=doc.product_id,
                    category_id=doc.category_id,
                    brand_id=doc.brand_id,
                    seller_id=doc.seller_id,
                    township_id=doc.township_id,
                    direction=doc.direction,
                    min_price=doc.min_price,
                    listed_at=doc.listed_at,
                )
                for doc in documents
            ],
            batch_size=self.batch_size,
        )
        rows = [
            (term, doc.product_id, weight, int(doc.listed_at.timestamp()) // 60)
            for doc in documents
            for term, weight in doc.terms.items()
        ]
        # A product has about a hundred terms, so a catalogue has millions: they skip model
        # instances and go in with COPY (PostgreSQL) or one prepared INSERT (SQLite).
        table = SearchTerm._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(
                    f"COPY {table} (term, product_id, weight, recency) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} (term, product_id, weight, recency) "
                    "VALUES (%s, %s, %s, %s)",
                    rows,
                )

    # --- reading ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchHits:
        where, params = self._filters(query)
        parts = query_parts(query.text)
        if not parts:
            return self._browse(query, where, params)
        hits = self._match(parts, query, where, params)
        if hits.count == 0:
            # A Chinese word the index never cut out (say 蜂糖 inside 土蜂糖浆) is still found
            # by its characters, each of which is a term.
            characters = characters_of(parts)
            if characters != parts:
                hits = self._match(characters, query, where, params)
        return hits

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if query.category_ids:
            marks = ", ".join(["%s"] * len(query.category_ids))
            where.append(f"r.category_id IN ({marks})")
            params.extend(query.category_ids)
        if query.brand_id is not None:
            where.append("r.brand_id = %s")
            params.append(query.brand_id)
        if query.township_id is not None:
            where.append("r.township_id = %s")
            params.append(query.township_id)
        if query.direction:
            where.append("r.direction = %s")
            params.append(query.direction)
        if query.price_min is not None:
            where.append("r.min_price >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            where.append("r.min_price <= %s")
            params.append(query.price_max)
        if query.certified:
            # Certifications are few and their validity depends on today, so they are looked
            # up at query time rather than copied into the row (where they would go stale).
            table = Certification._meta.db_table
            valid = "c.valid_from <= %s AND (c.valid_until IS NULL OR c.valid_until >= %s)"
            where.append(
                f"(r.product_id IN (SELECT c.product_id FROM {table} c "
                f"WHERE c.product_id IS NOT NULL AND {valid}) "
                f"OR r.brand_id IN (SELECT c.brand_id FROM {table} c "
                f"WHERE c.brand_id IS NOT NULL AND {valid}))"
            )
            today = timezone.localdate()
            params.extend([today, today, today, today])
        return where, params

    @staticmethod
    def _order(sort: str, *, scored: bool) -> str:
        if sort == "price":
            return "(r.min_price IS NULL), r.min_price, r.product_id DESC"
        if sort == "-price":
            return "(r.min_price IS NULL), r.min_price DESC, r.product_id DESC"
        if sort == "relevance" and scored:
            return "m.score DESC, r.listed_at DESC, r.product_id DESC"
        return "r.listed_at DESC, r.product_id DESC"

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _browse(self, query: SearchQuery, where: list[str], params: list[Any]) -> SearchHits:
        rows_table = SearchRow._meta.db_table
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        order = self._order(query.sort, scored=False)
        ids = self._fetch(
            f"SELECT r.product_id FROM {rows_table} r {condition} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, query.limit, query.offset],
        )
        count = self._fetch(f"SELECT COUNT(*) FROM {rows_table} r {condition}", params)
        return SearchHits(product_ids=[row[0] for row in ids], count=int(count[0][0]))

    def _estimates(self, parts: list[str]) -> list[int]:
        terms_table = SearchTerm._meta.db_table
        selects = ", ".join(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {terms_table}{self._hint('lookup')} "
            f"WHERE term >= %s AND term < %s LIMIT {ESTIMATE_CAP}) e{i})"
            for i in range(len(parts))
        )
        params: list[Any] = []
        for part in parts:
            params.extend([part, part + PREFIX_END])
        return [int(value) for value in self._fetch(f"SELECT {selects}", params)[0]]

    @staticmethod
    def _hint(index: str) -> str:
        # SQLite's planner prefers the (product, term) index for GROUP BY product_id and then
        # scans it whole (120 ms instead of 5 ms at 100,000 products); name the index it should
        # use. PostgreSQL chooses well on its own and has no such syntax.
        if connection.vendor == "sqlite":
            return f" INDEXED BY catalog_term_{index}"
        return ""

    def _match(
        self, parts: list[str], query: SearchQuery, where: list[str], params: list[Any]
    ) -> SearchHits:
        terms_table = SearchTerm._meta.db_table
        rows_table = SearchRow._meta.db_table
        estimates = [0]
        if len(parts) > 1:
            # Drive from the rarest part: every other part only filters its candidates.
            estimates = self._estimates(parts)
            ordered = sorted(zip(estimates, parts, strict=True))
            estimates, parts = [e for e, _ in ordered], [p for _, p in ordered]
        driver, others = parts[0], parts[1:]
        lookup = self._hint("lookup")
        also = "".join(
            f" AND product_id IN (SELECT product_id FROM {terms_table}{lookup} "
            f"WHERE term >= %s AND term < %s)"
            for _ in others
        )
        also_params: list[Any] = []
        for part in others:
            also_params.extend([part, part + PREFIX_END])
        candidates = (
            f"SELECT product_id, MAX(weight) AS w, MAX(recency) AS n FROM {terms_table}{lookup} "
            f"WHERE term >= %s AND term < %s{also} GROUP BY product_id"
        )
        candidate_params: list[Any] = [driver, driver + PREFIX_END, *also_params]
        score = "d.w"
        score_params: list[Any] = []
        if others and estimates[0] <= PROBE_LIMIT:
            # Few candidates: add every part's best weight (the exact summed rank). Above the
            # limit, per-candidate probes would cost more than the page is worth, so a broad
            # query ranks by its rarest part's weight, then newest.
            probe = self._hint("product")
            score += "".join(
                f" + COALESCE((SELECT MAX(x{i}.weight) FROM {terms_table} x{i}{probe} "
                f"WHERE x{i}.product_id = d.product_id AND x{i}.term >= %s AND x{i}.term < %s)"
                ", 0)"
                for i in range(len(others))
            )
            score_params = list(also_params)
        if not where and query.sort in ("relevance", "new"):
            # No filter needs the row table: rank straight from the index.
            order = "score DESC, d.n DESC, d.product_id DESC"
            if query.sort == "new":
                order = "d.n DESC, d.product_id DESC"
            ids = self._fetch(
                f"SELECT d.product_id, {score} AS score FROM ({candidates}) d "
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*score_params, *candidate_params, query.limit, query.offset],
            )
            count = self._fetch(f"SELECT COUNT(*) FROM ({candidates}) d", candidate_params)
            return SearchHits(product_ids=[row[0] for row in ids], count=int(count[0][0]))
        filters = "".join(f" AND {clause}" for clause in where)
        matched = (
            f"FROM (SELECT d.product_id, {score} AS score FROM ({candidates}) d) m "
            f"JOIN {rows_table} r ON r.product_id = m.product_id WHERE 1 = 1{filters}"
        )
        matched_params = [*score_params, *candidate_params, *params]
        order = self._order(query.sort, scored=True)
        ids = self._fetch(
            f"SELECT m.product_id {matched} ORDER BY {order} LIMIT %s OFFSET %s",
            [*matched_params, query.limit, query.offset],
        )
        count = self._fetch(f"SELECT COUNT(*) {matched}", matched_params)
        return SearchHits(product_ids=[row[0] for row in ids], count=int(count[0][0]))


def reindex_all(*, batch_size: int = 1000, progress: Callable[[int], object] | None = None) -> int:
    """Re-index every product in batches (listed ones in, others out); returns how many."""
    backend = search_backend()
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        backend.index_products(batch)
        if progress is not None:
            progress(len(batch))
    return len(ids)
