# ruff: noqa: S608 - SQL is assembled from model table names and fixed fragments; every value
# is a query parameter.
"""The built-in search backend, which keeps its index in the database (the interface it offers
is in `interface`).

The built-in index is two tables: `SearchTerm` (term, product, weight, and a copy of the product's
filter columns, so a text search with filters never leaves the term index) and `SearchRow` (one
row per listed product with the filter and sort columns). A query is cut into parts; each part
matches a term exactly or as a prefix, written as the range `term >= p AND term < p+U+FFFF` so
the term btree answers it on SQLite and PostgreSQL alike; a product must match every part and
ranks by the summed weights of its best match per part (by the rarest part's weight when that
part is broad, see PROBE_LIMIT), newest first among equals. `count` is exact up to COUNT_CAP.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from xiangcun.catalog.models import Certification, SearchRow, SearchTerm
from xiangcun.catalog.search.documents import ProductDocument, product_documents
from xiangcun.catalog.search.interface import SearchHits, SearchQuery
from xiangcun.catalog.search.text import characters_of, query_parts

PREFIX_END = "\uffff"
# Index entries counted per part to pick the most selective part to drive a query. Counting
# stops here, so estimating costs at most this many index reads per part.
ESTIMATE_CAP = 20000
# Multi-part queries whose rarest part has at most this many index entries get the exact
# summed rank (one probe per candidate); broader ones rank by the rarest part (see _match).
PROBE_LIMIT = 3000
# Counting stops here: `count` is exact up to COUNT_CAP and COUNT_CAP when more match (the API
# documents it as "at least"). Pages beyond it are not served.
COUNT_CAP = 1000
# A prefix with more distinct terms than this (say a single pinyin letter) is read as one
# range and sorted, instead of one ordered index walk per term.
MAX_TERMS = 8
# A SearchTerm row as written: the term, its product, rank, and the product's filter columns.
TERM_COLUMNS = (
    "term",
    "product_id",
    "weight",
    "recency",
    "category_id",
    "brand_id",
    "township_id",
    "direction",
    "min_price",
)


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

    def optimize(self) -> None:
        # Without statistics the planners guess at the millions of term rows: SQLite then
        # picks the wrong index where no INDEXED BY names one, PostgreSQL a hash join over a
        # whole term range. A sampled ANALYZE (SQLite reads 1,000 rows per index) is cheap.
        tables = [SearchTerm._meta.db_table, SearchRow._meta.db_table]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")
                for table in tables:
                    cursor.execute(f"ANALYZE {table}")
                cursor.execute("PRAGMA optimize")
            elif connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {', '.join(tables)}")

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
            (
                term,
                doc.product_id,
                weight,
                int(doc.listed_at.timestamp()) // 60,
                doc.category_id,
                doc.brand_id,
                doc.township_id,
                doc.direction,
                doc.min_price,
            )
            for doc in documents
            for term, weight in doc.terms.items()
        ]
        # A product has about a hundred terms, so a catalogue has millions: they skip model
        # instances and go in with COPY (PostgreSQL) or one prepared INSERT (SQLite).
        table = SearchTerm._meta.db_table
        columns = ", ".join(TERM_COLUMNS)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(TERM_COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    # --- reading ---------------------------------------------------------------------------
    #
    # Every query is answered by bounded walks, never by ranking or counting every match:
    #
    # - the count stops at COUNT_CAP (a LIMIT-ed subquery), so counting 18,000 honey products
    #   costs what counting 1,001 does;
    # - relevance walks each term of the rarest part in (weight, recency, product) order on the
    #   lookup index and stops at the page, probing the other parts and the filters per row;
    # - a sort by price or date over many matches walks the SearchRow sort index and stops at
    #   the page; over few matches (the capped count said so) it sorts them;
    # - pages beyond COUNT_CAP are not served (they would be OFFSET scans of the whole set).

    def search(self, query: SearchQuery) -> SearchHits:
        where, params = self._filters(query)
        parts = query_parts(query.text)
        if not parts:
            hits = self._browse(query, where, params)
        else:
            hits = self._match(parts, query, where, params)
            if hits.count == 0:
                # A Chinese word the index never cut out (say 蜂糖 inside 土蜂糖浆) is still
                # found by its characters, each of which is a term.
                characters = characters_of(parts)
                if characters != parts:
                    hits = self._match(characters, query, where, params)
        # Results end where the count does, so the last page agrees with it.
        return SearchHits(
            product_ids=hits.product_ids[: max(0, COUNT_CAP - query.offset)], count=hits.count
        )

    @staticmethod
    def _filters(query: SearchQuery, row: str = "r") -> tuple[list[str], list[Any]]:
        """The filters as conditions on `row`: a SearchRow, or a SearchTerm (same columns)."""
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
        if query.price_min is not None:
            where.append(f"{row}.min_price >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            where.append(f"{row}.min_price <= %s")
            params.append(query.price_max)
        if query.certified:
            # Certifications are few and their validity depends on today, so they are looked
            # up at query time rather than copied into the row (where they would go stale).
            table = Certification._meta.db_table
            valid = "c.valid_from <= %s AND (c.valid_until IS NULL OR c.valid_until >= %s)"
            where.append(
                f"({row}.product_id IN (SELECT c.product_id FROM {table} c "
                f"WHERE c.product_id IS NOT NULL AND {valid}) "
                f"OR {row}.brand_id IN (SELECT c.brand_id FROM {table} c "
                f"WHERE c.brand_id IS NOT NULL AND {valid}))"
            )
            today = timezone.localdate()
            params.extend([today, today, today, today])
        return where, params

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _count(self, rows_sql: str, params: list[Any]) -> int:
        """How many rows `SELECT 1 {rows_sql}` gives, counting no further than COUNT_CAP + 1."""
        found = self._fetch(
            f"SELECT COUNT(*) FROM (SELECT 1 {rows_sql} LIMIT %s) c", [*params, COUNT_CAP + 1]
        )
        return int(found[0][0])

    @staticmethod
    def _hint(index: str) -> str:
        # SQLite's planner does not know how a prefix range or a LIMIT-ed walk will turn out
        # and picks, say, the (product, term) index for a term range (a whole-index scan);
        # name the index each walk is written for. PostgreSQL has no such syntax.
        if connection.vendor == "sqlite":
            return f" INDEXED BY {index}"
        return ""

    @staticmethod
    def _per_row() -> str:
        # Ends an EXISTS probe that must run once per row of a LIMIT-ed walk. PostgreSQL would
        # otherwise turn it into a join, and with a statistics sample that guesses a prefix
        # range well it hashes the whole other side first (200 ms instead of 2 for 丹寨 dami);
        # an OFFSET keeps the subquery a per-row probe. SQLite probes per row anyway.
        return " OFFSET 0" if connection.vendor == "postgresql" else ""

    @staticmethod
    def _probe_range(column: str) -> str:
        """`column` in a prefix range (two parameters), for a probe of one product's terms.

        PostgreSQL plans a probe for the prefix it is given. Where its statistics sample guesses
        the prefix's range at a row or two (蜡染's 18,719 entries, say), it prefers scanning
        that range in the lookup index on every probe to seeking the product in the (product,
        term) index: 5.7 s instead of 20 ms for `fm 蜡染`. Bounds it cannot see when planning
        (uncorrelated subqueries, evaluated once) leave the (product, term) index its only good
        choice. SQLite is told the index instead (`_hint`).
        """
        if connection.vendor == "postgresql":
            return f"{column} >= (SELECT %s) AND {column} < (SELECT %s)"
        return f"{column} >= %s AND {column} < %s"

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
            hint = self._hint("catalog_row_new") if walk else ""
            rows = self._fetch(
                f"SELECT r.product_id FROM {rows_table} r{hint} WHERE {condition} "
                "ORDER BY r.listed_at DESC, r.product_id DESC LIMIT %s",
                [*params, *end],
            )
            return [row[0] for row in rows[query.offset :]]
        # Products without a price go last in both directions. Written as two LIMIT-ed arms
        # so each can walk the (min_price, product) index; `(min_price IS NULL), min_price`
        # as one ORDER BY would sort every match.
        hint = self._hint("catalog_row_price") if walk else ""
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
        count = self._count(f"FROM {rows_table} r WHERE {condition}", params)
        ids: list[int] = []
        if query.offset < min(count, COUNT_CAP):
            ids = self._sorted_page(condition, params, query, walk=count > COUNT_CAP)
        return SearchHits(product_ids=ids, count=min(count, COUNT_CAP))

    def _plan(
        self, parts: list[str], count: tuple[str, list[Any]] | None = None
    ) -> tuple[list[list[str]], list[int], int]:
        """Each part's terms (at most MAX_TERMS + 1: more means "many"), for a query of several
        parts how many index entries each has (see below), and the capped count of
        `SELECT 1 {count}` when given (saves a round trip for one-part queries).

        The terms come from a loose index scan: one index seek per distinct term, however
        many products each has.

        The rarest part is the one with the fewest entries counted up to ESTIMATE_CAP (the
        first of them on a tie); its figure is exact, the others' only big enough to show they
        are not rarer. The parts are counted from the last to the first, each no further than
        one past the fewest so far: for `丹寨 dami`, dami's 10,659 entries and 10,660 of 丹寨's
        instead of 20,000 of 丹寨's and then dami's, and one rare part keeps every count short.
        """
        terms_table = SearchTerm._meta.db_table
        lookup = self._hint("catalog_term_lookup")
        ctes: list[str] = []
        selects: list[str] = []
        params: list[Any] = []
        for i, part in enumerate(parts):
            ctes.append(
                f"p{i}(term, depth) AS (SELECT (SELECT term FROM {terms_table}{lookup} "
                f"WHERE term >= %s AND term < %s ORDER BY term LIMIT 1), 1 "
                f"UNION ALL SELECT (SELECT term FROM {terms_table}{lookup} "
                f"WHERE term > p{i}.term AND term < %s ORDER BY term LIMIT 1), depth + 1 "
                f"FROM p{i} WHERE p{i}.term IS NOT NULL AND depth <= {MAX_TERMS})"
            )
            params.extend([part, part + PREFIX_END, part + PREFIX_END])
        for i in range(len(parts)):
            selects.append(f"SELECT {i}, term, 0 FROM p{i} WHERE term IS NOT NULL")
        if len(parts) > 1:
            last = len(parts) - 1
            for i in range(last, -1, -1):
                limit = str(ESTIMATE_CAP)
                if i < last:
                    later = " UNION ALL ".join(
                        f"SELECT n FROM e{j}" for j in range(i + 1, last + 1)
                    )
                    limit = (
                        f"(SELECT CASE WHEN MIN(n) < {ESTIMATE_CAP} THEN MIN(n) + 1 "
                        f"ELSE {ESTIMATE_CAP} END FROM ({later}) f)"
                    )
                # `weight > 0` (true of every row) lets PostgreSQL count on its narrow partial
                # (term) index, which no other query can use (migration 0002).
                ctes.append(
                    f"e{i}(n) AS (SELECT COUNT(*) FROM (SELECT 1 FROM {terms_table}{lookup} "
                    f"WHERE term >= %s AND term < %s AND weight > 0 LIMIT {limit}) e)"
                )
                params.extend([parts[i], parts[i] + PREFIX_END])
            selects.extend(f"SELECT {i}, NULL, n FROM e{i}" for i in range(len(parts)))
        if count is not None:
            selects.append(
                f"SELECT -1, NULL, (SELECT COUNT(*) FROM (SELECT 1 {count[0]} LIMIT %s) c)"
            )
            params.extend([*count[1], COUNT_CAP + 1])
        sql = f"WITH RECURSIVE {', '.join(ctes)} {' UNION ALL '.join(selects)}"
        terms: list[list[str]] = [[] for _ in parts]
        estimates = [0 for _ in parts]
        counted = 0
        for index, term, value in self._fetch(sql, params):
            if index < 0:
                counted = int(value)
            elif term is None:
                estimates[index] = int(value)
            else:
                terms[index].append(term)
        return terms, estimates, counted

    def _match(
        self, parts: list[str], query: SearchQuery, where: list[str], params: list[Any]
    ) -> SearchHits:
        terms_table = SearchTerm._meta.db_table
        lookup = self._hint("catalog_term_lookup")
        probe = self._hint("catalog_term_product")
        per_row = self._per_row()
        estimates = [0]
        if len(parts) > 1:
            terms, estimates, _ = self._plan(parts)
            # Drive from the rarest part: every other part only filters its rows.
            order = sorted(range(len(parts)), key=lambda i: estimates[i])
            parts = [parts[i] for i in order]
            terms = [terms[i] for i in order]
            estimates = [estimates[i] for i in order]
        driver, others = parts[0], parts[1:]

        # The other parts and the filters, as conditions on a row `t` of the driver. The
        # filters are read from the row itself (the lookup index carries its product's filter
        # columns), so only the other parts cost a probe.
        also = "".join(
            f" AND EXISTS (SELECT 1 FROM {terms_table} x{probe} WHERE x.product_id = "
            f"t.product_id AND {self._probe_range('x.term')}{per_row})"
            for _ in others
        )
        also_params: list[Any] = []
        for part in others:
            also_params.extend([part, part + PREFIX_END])
        on_term, on_term_params = self._filters(query, row="t")
        also += "".join(f" AND {condition}" for condition in on_term)
        also_params.extend(on_term_params)
        driver_range = "t.term >= %s AND t.term < %s"
        driver_params: list[Any] = [driver, driver + PREFIX_END]
        # Count each product once: under the first term of the driver's range it has (a
        # product may have several, say 丹寨 and 丹寨县). The first term of the range is looked
        # up once, so only rows of later terms pay for the probe.
        lower = "(SELECT %s)" if connection.vendor == "postgresql" else "%s"  # see _probe_range
        once = (
            f" AND (t.term = (SELECT y.term FROM {terms_table} y{lookup} WHERE y.term >= %s "
            f"AND y.term < %s ORDER BY y.term LIMIT 1) OR NOT EXISTS (SELECT 1 FROM "
            f"{terms_table} y{probe} WHERE y.product_id = t.product_id AND y.term >= {lower} "
            "AND y.term < t.term))"
        )
        counted = (
            f"FROM {terms_table} t{lookup} WHERE {driver_range}{once}{also}",
            [*driver_params, *driver_params, driver, *also_params],
        )
        if len(parts) > 1:
            count = self._count(*counted)
        else:
            terms, _, count = self._plan(parts, counted)
        driver_terms = terms[0]
        shown = min(count, COUNT_CAP)
        if count == 0 or query.offset >= shown:
            return SearchHits(product_ids=[], count=shown)

        if query.sort == "relevance" and others and estimates[0] <= PROBE_LIMIT:
            ids = self._exact_rank(
                parts=others,
                query=query,
                also=also,
                also_params=also_params,
                driver_params=driver_params,
            )
        elif query.sort == "relevance":
            ids = self._walk_rank(driver, driver_terms, query, also, also_params)
        else:
            # By price or date: probe the text per SearchRow row when matches are many,
            # otherwise fetch the (at most COUNT_CAP) matches and sort them.
            dense = count > COUNT_CAP
            text = [driver, *others]
            if dense:
                condition = " AND ".join(
                    [
                        *where,
                        *(
                            f"EXISTS (SELECT 1 FROM {terms_table} x{probe} WHERE x.product_id "
                            f"= r.product_id AND {self._probe_range('x.term')}{per_row})"
                            for _ in text
                        ),
                    ]
                )
                condition_params = [*params]
                for part in text:
                    condition_params.extend([part, part + PREFIX_END])
            else:
                condition = (
                    f"r.product_id IN (SELECT t.product_id FROM {terms_table} t{lookup} "
                    f"WHERE {driver_range}{also})"
                )
                condition_params = [*driver_params, *also_params]
            ids = self._sorted_page(condition, condition_params, query, walk=dense)
        return SearchHits(product_ids=ids, count=shown)

    def _walk_rank(
        self,
        driver: str,
        driver_terms: list[str],
        query: SearchQuery,
        also: str,
        also_params: list[Any],
    ) -> list[int]:
        """Rank by the driver's best weight, newest first among equals: walk each of its terms
        in (weight, recency, product) order and stop at the page.

        A product has one index row per term, so the first `offset + limit` rows of each term
        hold every product of the page; merging them and keeping each product's first (best)
        row gives the page. A part with more than MAX_TERMS terms is read as one range, sorted
        (not walked), and may hold a product twice: then read further until the page is full.
        """
        terms_table = SearchTerm._meta.db_table
        lookup = self._hint("catalog_term_lookup")
        want = query.offset + query.limit
        if len(driver_terms) <= MAX_TERMS:
            arms = [("t.term = %s", [term]) for term in driver_terms]
        else:
            arms = [("t.term >= %s AND t.term < %s", [driver, driver + PREFIX_END])]
        limit = want
        while True:
            sql = " UNION ALL ".join(
                f"SELECT product_id, weight, recency FROM (SELECT t.product_id, t.weight, "
                f"t.recency FROM {terms_table} t{lookup} WHERE {condition}{also} "
                f"ORDER BY t.weight DESC, t.recency DESC, t.product_id DESC LIMIT %s) a{i}"
                for i, (condition, _) in enumerate(arms)
            )
            arm_params: list[Any] = []
            for _, values in arms:
                arm_params.extend([*values, *also_params, limit])
            rows = self._fetch(sql, arm_params)
            rows.sort(key=lambda row: (-row[1], -row[2], -row[0]))
            ids = list(dict.fromkeys(row[0] for row in rows))
            if len(ids) >= want or len(arms) > 1 or len(rows) < limit:
                return ids[query.offset : want]
            limit *= 4

    def _exact_rank(
        self,
        *,
        parts: list[str],
        query: SearchQuery,
        also: str,
        also_params: list[Any],
        driver_params: list[Any],
    ) -> list[int]:
        """Rank a multi-part query by the summed best weight of every part (few candidates:
        the driver has at most PROBE_LIMIT index entries, one probe per part each)."""
        terms_table = SearchTerm._meta.db_table
        lookup = self._hint("catalog_term_lookup")
        probe = self._hint("catalog_term_product")
        score = "d.w" + "".join(
            f" + COALESCE((SELECT MAX(x{i}.weight) FROM {terms_table} x{i}{probe} "
            f"WHERE x{i}.product_id = d.product_id AND {self._probe_range(f'x{i}.term')})"
            ", 0)"
            for i in range(len(parts))
        )
        score_params: list[Any] = []
        for part in parts:
            score_params.extend([part, part + PREFIX_END])
        rows = self._fetch(
            f"SELECT d.product_id, {score} AS score FROM (SELECT t.product_id, "
            f"MAX(t.weight) AS w, MAX(t.recency) AS n FROM {terms_table} t{lookup} "
            f"WHERE t.term >= %s AND t.term < %s{also} GROUP BY t.product_id) d "
            "ORDER BY score DESC, d.n DESC, d.product_id DESC LIMIT %s OFFSET %s",
            [*score_params, *driver_params, *also_params, query.limit, query.offset],
        )
        return [row[0] for row in rows]
