# ruff: noqa: S608 - SQL is assembled from model table names and fixed fragments; every value
# is a query parameter.
"""The built-in search backend, which keeps its index in the database's own full-text engine
(the interface it offers is in `interface`; what differs between SQLite and PostgreSQL is in
`engines`).

The index is one SearchRow per listed product: its terms in eight weight bands (see `tokens`)
and its filter and sort columns. SQLite indexes the bands with FTS5 (and the township,
category, brand and direction as facet terms beside them), PostgreSQL with a GIN index on them
cast to tsvectors. A query is cut into parts; a product must have, for every
part, a term starting with it. It ranks by the sum over the parts of the score of the best band
holding such a term, newest first among equals (then the higher id). `count` is exact up to
COUNT_CAP.

How a query is answered, so that none costs more than a bounded amount of work:

- the count stops at COUNT_CAP + 1 (a LIMIT-ed subquery), and is kept in the cache under the
  catalogue's version (`fragments.catalog_version`, which every catalogue write changes) for
  SEARCH_COUNT_CACHE_SECONDS: a broad word's count reads thousands of index entries, and the
  same words are asked again and again. Not with the certified filter, which depends on the
  day and on which lots are in stock, and not inside a transaction, which may not commit;
- at most COUNT_CAP matches are ranked exactly, all of them (one statement);
- more than that, in relevance order: the bands of the first part are taken best first, each
  read newest first and stopped at the page (a walk of the recency index that tests each row,
  bounded by WALK_ROWS, else read from the full-text index and sorted); the next band is read
  only if the page is not full. With one part that is the exact order; with several, such a
  broad query ranks by the first part's band (the others only have to match);
- by price or date over many matches: the sort index is walked, each row tested, and stopped
  at the page; over few, the matches are sorted;
- pages beyond COUNT_CAP are not served.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from xiangcun.catalog.certified import certified_products_sql, certified_union_sql
from xiangcun.catalog.fragments import catalog_changed_on_commit, catalog_version
from xiangcun.catalog.models import SearchRow
from xiangcun.catalog.search.documents import ProductDocument, product_documents
from xiangcun.catalog.search.engines import FTS_TABLE, Engine, Facets, engine
from xiangcun.catalog.search.interface import SearchHits, SearchQuery
from xiangcun.catalog.search.text import characters_of, query_parts
from xiangcun.catalog.search.tokens import BANDS, COLUMNS, band_texts, higher_bands

# Counting stops here: `count` is exact up to COUNT_CAP and COUNT_CAP when more match (the API
# documents it as "at least"). Pages beyond it are not served.
COUNT_CAP = 1000
# Up to this many matches (at most COUNT_CAP), relevance ranks every match exactly; beyond it,
# the bands are walked (see `_rank_walk`).
RANK_ALL_CAP = COUNT_CAP
# PostgreSQL: a text that the statistics call broad is counted by testing rows' text (those the
# filters keep, in the order the planner reads them; about 2 us a row: COUNT_CAP + 1 matches
# need (COUNT_CAP + 1) / share rows) rather than on the GIN index, whose bitmap costs about 0.12
# us for every entry of the text's terms (a broad word's 190,000 at 1,000,000 products) and
# whose rows the planner casts to tsvectors (30 us each) when it reads the table instead. Rows
# are read where they cost less than the entries (a row about ROW_COST entries), the share is
# at least BROAD_SHARE, and no further than three times the rows the share says are needed,
# nor BROAD_ROWS; if the matches are not there, the index counts.
BROAD_SHARE = 0.05
BROAD_ROWS = 20_000
ROW_COST = 16
# A walk of the recency index for one band of a broad query reads at most this many rows; a
# band that fills no page within them is read from the full-text index and sorted instead.
WALK_ROWS = 4000


class DatabaseSearchBackend:
    """The index in the application database's full-text engine (SQLite FTS5 or PostgreSQL)."""

    batch_size = 2000

    @staticmethod
    def _engine() -> Engine:
        return engine()

    # --- writing ---------------------------------------------------------------------------

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if not ids:
            return
        documents = product_documents(ids)
        with transaction.atomic():
            self._delete(ids)
            self._insert(documents)
            self._changed()

    def index_product(self, product_id: int) -> None:
        self.index_products([product_id])

    def remove_product(self, product_id: int) -> None:
        with transaction.atomic():
            self._delete([product_id])
            self._changed()

    def clear(self) -> None:
        with transaction.atomic():
            SearchRow.objects.all().delete()
            self._changed()

    @staticmethod
    def _changed() -> None:
        # The counts kept under the catalogue's version (and the pages) follow the index
        # itself, however it was written: a task re-indexing for a synonym, say, or a count
        # kept between a service's commit and its re-index.
        catalog_changed_on_commit()

    def optimize(self) -> None:
        self._engine().optimize()

    def _delete(self, ids: list[int]) -> None:
        # On SQLite a trigger takes each row's terms out of the FTS5 index (migration 0004).
        for start in range(0, len(ids), 500):
            SearchRow.objects.filter(product_id__in=ids[start : start + 500]).delete()

    def _insert(self, documents: list[ProductDocument]) -> None:
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
                    **band_texts(doc),
                )
                for doc in documents
            ],
            batch_size=self.batch_size,
        )

    # --- reading ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchHits:
        parts = query_parts(query.text)
        if not parts:
            where, params = self._filters(query)
            hits = self._browse(query, where, params)
        else:
            hits = self._match(parts, query)
            if hits.count == 0:
                # A Chinese word the index never cut out (say 蜂糖 inside 土蜂糖浆) is still
                # found by its characters, each of which is a term.
                characters = characters_of(parts)
                if characters != parts:
                    hits = self._match(characters, query)
        # Results end where the count does, so the last page agrees with it.
        return SearchHits(
            product_ids=hits.product_ids[: max(0, COUNT_CAP - query.offset)], count=hits.count
        )

    @staticmethod
    def _facets(query: SearchQuery) -> Facets:
        """The filters an index with facets answers itself (see engines)."""
        groups: list[tuple[str, ...]] = []
        if query.category_ids:
            groups.append(tuple(f"c{category}" for category in query.category_ids))
        if query.brand_id is not None:
            groups.append((f"b{query.brand_id}",))
        if query.township_id is not None:
            groups.append((f"t{query.township_id}",))
        if query.direction:
            groups.append((f"d{query.direction}",))
        return tuple(groups)

    @classmethod
    def _filters(cls, query: SearchQuery, row: str = "r") -> tuple[list[str], list[Any]]:
        """Every filter as a condition on the SearchRow `row`."""
        where, params = cls._facet_filters(query, row)
        more, more_params = cls._row_filters(query, row)
        return [*where, *more], [*params, *more_params]

    @staticmethod
    def _facet_filters(query: SearchQuery, row: str) -> tuple[list[str], list[Any]]:
        """The filters `_facets` also gives, as conditions on the row."""
        where: list[str] = []
        params: list[Any] = []
        if query.category_ids:
            marks = ", ".join(["%s"] * len(query.category_ids))
            where.append(f"{row}.category_id IN ({marks})")
            params.extend(query.category_ids)
        if query.brand_id is not None:
            where.append(f"{row}.brand_id = %s")
            params.append(query.brand_id)
        if query.township_id is not None:
            where.append(f"{row}.township_id = %s")
            params.append(query.township_id)
        if query.direction:
            where.append(f"{row}.direction = %s")
            params.append(query.direction)
        return where, params

    @staticmethod
    def _row_filters(query: SearchQuery, row: str) -> tuple[list[str], list[Any]]:
        """The filters only the row answers: price and certificates."""
        where: list[str] = []
        params: list[Any] = []
        if query.price_min is not None:
            where.append(f"{row}.min_price >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            where.append(f"{row}.min_price <= %s")
            params.append(query.price_max)
        if query.certified:
            # Certificates are few and their validity depends on today, so they are looked up
            # at query time rather than copied into the row (where they would go stale).
            sql, sql_params = certified_products_sql(f"{row}.product_id", on=timezone.localdate())
            where.append(sql)
            params.extend(sql_params)
        return where, params

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _count(
        self,
        rows_sql: str,
        params: list[Any],
        *,
        cap: int = COUNT_CAP,
        keep: bool = True,
        broad: Callable[[], bool] | None = None,
    ) -> int:
        """How many rows `SELECT 1 {rows_sql}` gives, counting no further than `cap` + 1; kept
        in the cache for the catalogue as it is now (see the module's docstring) unless not
        `keep`. `broad`, when given, may find more than `cap` a cheaper way first."""
        sql = f"SELECT COUNT(*) FROM (SELECT 1 {rows_sql} LIMIT %s) c"
        args = [*params, cap + 1]

        def counted() -> int:
            if broad is not None and broad():
                return cap + 1
            return int(self._fetch(sql, args)[0][0])

        seconds = settings.SEARCH_COUNT_CACHE_SECONDS
        if not keep or not seconds or connection.in_atomic_block:
            return counted()
        raw = repr((connection.vendor, catalog_version(), sql, args))
        key = "catalog:search-count:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
        found = cache.get(key)
        if found is None:
            found = counted()
            cache.set(key, found, seconds)
        return int(found)

    def _broad(self, parts: list[str], query: SearchQuery) -> bool:
        """Whether more than COUNT_CAP rows match, found by testing rows' text where the
        statistics say that is cheaper (see BROAD_SHARE): the rows the filters keep, in the
        order the planner reads them (a filter's index, or the table). False when not found
        that way, and for the certified filter (whose products are few)."""
        eng = self._engine()
        if query.certified:
            return False
        share, entries = eng.text_statistics(parts)
        if share < BROAD_SHARE or (COUNT_CAP + 1) / share * ROW_COST > entries:
            return False
        where, params = self._filters(query)
        kept = f"SELECT * FROM {SearchRow._meta.db_table} r"
        if where:
            kept += " WHERE " + " AND ".join(where)
        tests = [eng.any_band(part) for part in parts]
        found = self._fetch(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM ({kept} LIMIT %s) r "
            f"WHERE {' AND '.join(sql for sql, _ in tests)} LIMIT %s) c",
            [
                *params,
                min(BROAD_ROWS, int(3 * (COUNT_CAP + 1) / share)),
                *(p for _, ps in tests for p in ps),
                COUNT_CAP + 1,
            ],
        )
        return int(found[0][0]) > COUNT_CAP

    def _sorted_page(
        self, condition: str, params: list[Any], query: SearchQuery, *, walk: bool
    ) -> list[int]:
        """One page of SearchRow `r` rows meeting `condition`, in the query's sort (not relevance).

        `walk`: many rows match, so read the sort index in order and stop at the page (SQLite
        is told to); otherwise let the planner start from the filters and sort what they give.
        """
        rows_table = SearchRow._meta.db_table
        end = [query.offset + query.limit]
        if query.sort not in ("price", "-price"):
            hint = self._engine().hint("catalog_row_new") if walk else ""
            rows = self._fetch(
                f"SELECT r.product_id FROM {rows_table} r{hint} WHERE {condition} "
                "ORDER BY r.listed_at DESC, r.product_id DESC LIMIT %s",
                [*params, *end],
            )
            return [row[0] for row in rows[query.offset :]]
        # Products without a price go last in both directions. Written as two LIMIT-ed arms
        # so each can walk the (min_price, product) index; `(min_price IS NULL), min_price`
        # as one ORDER BY would sort every match.
        hint = self._engine().hint("catalog_row_price") if walk else ""
        direction = "DESC" if query.sort == "-price" else "ASC"
        rows = self._fetch(
            f"SELECT product_id, k, min_price FROM (SELECT r.product_id, 0 AS k, r.min_price "
            f"FROM {rows_table} r{hint} WHERE {condition} AND r.min_price IS NOT NULL "
            f"ORDER BY r.min_price {direction}, r.product_id DESC LIMIT %s) priced "
            f"UNION ALL SELECT product_id, k, min_price FROM (SELECT r.product_id, 1 AS k, "
            f"r.min_price FROM {rows_table} r WHERE {condition} AND r.min_price IS NULL "
            f"ORDER BY r.product_id DESC LIMIT %s) unpriced",
            [*params, *end, *params, *end],
        )
        sign = -1 if query.sort == "-price" else 1
        rows.sort(key=lambda row: (row[1], sign * (row[2] or 0), -row[0]))
        return [row[0] for row in rows[query.offset : query.offset + query.limit]]

    def _browse(self, query: SearchQuery, where: list[str], params: list[Any]) -> SearchHits:
        rows_table = SearchRow._meta.db_table
        condition = " AND ".join(where) if where else "1 = 1"
        count = self._count(
            f"FROM {rows_table} r WHERE {condition}", params, keep=not query.certified
        )
        ids: list[int] = []
        if query.offset < min(count, COUNT_CAP):
            ids = self._sorted_page(condition, params, query, walk=count > COUNT_CAP)
        return SearchHits(product_ids=ids, count=min(count, COUNT_CAP))

    def _certified_few(self) -> bool:
        """Whether products certified today are at most COUNT_CAP (certificates are few)."""
        union, params = certified_union_sql(on=timezone.localdate())
        return self._count(f"FROM ({union}) certified", params, keep=False) <= COUNT_CAP

    def _match_certified(self, parts: list[str], query: SearchQuery) -> SearchHits:
        """Text with the certified filter when few products are certified: their rows are
        tested for the text, instead of every match of the text for the certificate (a broad
        word's thousands of matches for three certified products: 30 ms -> 1 ms)."""
        eng = self._engine()
        tests = [eng.any_band(part) for part in parts]
        where, params = self._filters(query)
        condition = " AND ".join([*(sql for sql, _ in tests), *where])
        condition_params = [p for _, ps in tests for p in ps] + params
        source = f"FROM {SearchRow._meta.db_table} r"
        count = self._count(f"{source} WHERE {condition}", condition_params, keep=False)
        if count == 0 or query.offset >= count:
            return SearchHits(product_ids=[], count=count)
        if query.sort == "relevance":
            ids = self._rank_all(parts, query, source, condition, condition_params)
        else:
            ids = self._sorted_page(condition, condition_params, query, walk=False)
        return SearchHits(product_ids=ids, count=count)

    def _match(self, parts: list[str], query: SearchQuery) -> SearchHits:
        if query.certified and self._certified_few():
            return self._match_certified(parts, query)
        eng = self._engine()
        if eng.indexes_facets:
            # The index answers the text and the facet filters; the row only price and
            # certificates.
            facets = self._facets(query)
            where, params = self._row_filters(query, "r")
        else:
            facets = ()
            where, params = self._filters(query)
        source, text, text_params = eng.matching(parts, facets=facets)
        conditions = " AND ".join([text, *where])
        condition_params = [*text_params, *params]

        def broad() -> bool:
            return self._broad(parts, query)

        if not where:
            # The full-text index counts alone (on SQLite its triggers keep it to the rows).
            index_only, index_params = eng.index_only(parts, facets)
            count = self._count(index_only, index_params, broad=broad)
        else:
            count = self._count(
                f"{source} WHERE {conditions}",
                condition_params,
                keep=not query.certified,
                broad=broad,
            )
        shown = min(count, COUNT_CAP)
        if count == 0 or query.offset >= shown:
            return SearchHits(product_ids=[], count=shown)
        dense = count > COUNT_CAP
        if query.sort == "relevance" and count <= RANK_ALL_CAP:
            ids = self._rank_all(parts, query, source, conditions, condition_params)
        elif query.sort == "relevance":
            ids = self._rank_walk(parts, query, facets)
        elif dense:
            # Walking the sort index tests each row's own columns, the facet filters included.
            every, every_params = self._filters(query)
            tests = [eng.any_band(part) for part in parts]
            condition = " AND ".join([*(sql for sql, _ in tests), *every])
            walk_params = [p for _, ps in tests for p in ps] + every_params
            ids = self._sorted_page(condition, walk_params, query, walk=True)
        else:
            matching, matching_params = eng.matching_ids(parts, facets)
            condition = " AND ".join([matching, *where])
            ids = self._sorted_page(condition, [*matching_params, *params], query, walk=False)
        return SearchHits(product_ids=ids, count=shown)

    def _score(self, parts: list[str]) -> tuple[str, list[Any]]:
        """The relevance of a matching row `r`: per part, the score of its best band."""
        eng = self._engine()
        terms: list[str] = []
        params: list[Any] = []
        for part in parts:
            cases = []
            for column, score in BANDS[:-1]:
                sql, values = eng.in_band(part, column)
                cases.append(f"WHEN {sql} THEN {score}")
                params.extend(values)
            terms.append(f"(CASE {' '.join(cases)} ELSE {BANDS[-1][1]} END)")
        return " + ".join(terms), params

    def _rank_all(
        self,
        parts: list[str],
        query: SearchQuery,
        source: str,
        conditions: str,
        params: list[Any],
    ) -> list[int]:
        """Rank every match (at most COUNT_CAP of them) by its summed band scores."""
        score, score_params = self._score(parts)
        rows = self._fetch(
            f"SELECT r.product_id FROM (SELECT r.product_id, r.listed_at, {score} AS score "
            f"{source} WHERE {conditions}) r "
            "ORDER BY r.score DESC, r.listed_at DESC, r.product_id DESC LIMIT %s OFFSET %s",
            [*score_params, *params, query.limit, query.offset],
        )
        return [row[0] for row in rows]

    def _rank_walk(self, parts: list[str], query: SearchQuery, facets: Facets) -> list[int]:
        """Many matches in relevance order: the first part's bands best first, each newest
        first, until the page is full."""
        eng = self._engine()
        where, params = self._filters(query)
        driver, others = parts[0], parts[1:]
        want = query.offset + query.limit
        ids: list[int] = []
        for column in COLUMNS:
            tests = [eng.in_band(driver, column)]
            for higher in higher_bands(column):
                sql, values = eng.in_band(driver, higher)
                tests.append((f"NOT {sql}", values))
            tests.extend(eng.any_band(part) for part in others)
            condition = " AND ".join([*(sql for sql, _ in tests), *where])
            condition_params = [p for _, ps in tests for p in ps] + params
            ids += self._band_page(
                parts, facets, column, condition, condition_params, want - len(ids)
            )
            if len(ids) >= want:
                break
        return ids[query.offset : want]

    def _band_page(
        self,
        parts: list[str],
        facets: Facets,
        column: str,
        condition: str,
        params: list[Any],
        want: int,
    ) -> list[int]:
        """The newest `want` rows meeting `condition` (one band of a broad query; `condition`
        tests the row's own columns for every filter)."""
        eng = self._engine()
        rows_table = SearchRow._meta.db_table
        order = "ORDER BY r.listed_at DESC, r.product_id DESC"
        if eng.vendor == "postgresql":
            # The planner weighs walking the recency index against reading the band's
            # matches from the GIN index and sorting them, from its statistics of the terms.
            source, text, text_params = eng.matching(parts, band=column)
            rows = self._fetch(
                f"SELECT r.product_id {source} WHERE {text} AND {condition} {order} LIMIT %s",
                [*text_params, *params, want],
            )
            return [row[0] for row in rows]
        # SQLite: a band with few entries in the FTS5 index is read from it and sorted; a
        # broad one is walked on the recency index, newest first, testing each row, no further
        # than its newest WALK_ROWS rows (an index-only seek finds where that is). A walk that
        # fills no page there (the filters keep few) falls back to the FTS5 read.
        source, text, text_params = eng.matching(parts, band=column, facets=facets)
        entries = self._count(f"FROM {FTS_TABLE} WHERE {text}", text_params, cap=WALK_ROWS)
        if entries > WALK_ROWS:
            hint = eng.hint("catalog_row_new")
            rows = self._fetch(
                f"SELECT r.product_id FROM {rows_table} r{hint} WHERE r.listed_at >= "
                f"COALESCE((SELECT listed_at FROM {rows_table}{hint} ORDER BY listed_at DESC "
                f"LIMIT 1 OFFSET %s), '') AND {condition} {order} LIMIT %s",
                [WALK_ROWS, *params, want],
            )
            if len(rows) >= want:
                return [row[0] for row in rows]
        rows = self._fetch(
            f"SELECT r.product_id {source} WHERE {text} AND {condition} {order} LIMIT %s",
            [*text_params, *params, want],
        )
        return [row[0] for row in rows]
