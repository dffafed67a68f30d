# ruff: noqa: S608 - SQL is assembled from model table names, band column names and fixed
# fragments; every value is a query parameter.
"""What differs between the databases' full-text engines, as SQL fragments on a SearchRow `r`.

The terms themselves are ours (jieba, pypinyin: see text.py); an engine only stores each band's
space-separated terms and finds the products having a term that starts with a given part:

- SQLite: the FTS5 table `catalog_search_fts` (migrations 0006, 0009) indexes the band columns
  of `catalog_searchrow` (external content, kept current by triggers), with a prefix index for
  one character and only the column of each entry (`detail=column`, no positions);
  `"p"*` matches a prefix, `{band_a} : "p"*` a prefix in one band. A ninth column, `facets`
  (migration 0009), holds the row's filter values as terms (`t<township> c<category>
  b<brand> d<direction>`, written by the triggers), so that text with such a filter is
  answered by the index alone.
- PostgreSQL: one GIN index covers the eight bands joined and cast to `tsvector` (an
  expression index, migration 0008: the row stores the terms once, as text, and the index
  has one key per term rather than one per term and band); `ALL_BANDS @@ 'p':*` is a prefix
  query the index answers, a band being then tested on the row.

Each engine also tests a band of one row for a prefix (`instr` / `strpos` of ` p` in the row's
text, which is cheap once the row is read), for ranking candidates and for walking an index in
sort order.
"""

import math
from typing import Any, NamedTuple

from django.db import connection

from xiangcun.catalog.models import SearchRow
from xiangcun.catalog.search.tokens import COLUMNS

FTS_TABLE = "catalog_search_fts"
# PostgreSQL: the expression its GIN index `catalog_search_gin` is on (migration 0008), on `r`.
# Each band's text is empty or starts with a space, so joined they are one list of terms.
JOINED = "(" + " || ".join(f"r.{column}" for column in COLUMNS) + ")"
ALL_BANDS = f"{JOINED}::tsvector"
GIN_INDEX = "catalog_search_gin"


class TextStatistics(NamedTuple):
    """What a database's statistics say of a text: the share of rows matching every part (the
    parts taken as independent), and the index entries its parts' terms hold in all."""

    share: float
    entries: float


# Filters the SQLite index holds as terms: each is a group of alternatives, of which a product
# must have one (its category is one of a subtree's, say), e.g. (("t4",), ("c1", "c2")).
Facets = tuple[tuple[str, ...], ...]
# An FTS5 column filter naming every band (and not the facets).
BAND_COLUMNS = "{" + " ".join(COLUMNS) + "}"


class SqliteEngine:
    vendor = "sqlite"
    indexes_facets = True

    @staticmethod
    def _fts_prefix(part: str) -> str:
        return '"' + part.replace('"', '""') + '"*'

    def _expression(self, parts: list[str], band: str | None, facets: Facets) -> str:
        # The text is looked for in the bands only: `d` must not match the facet `dup`.
        terms = [f"{BAND_COLUMNS} : {self._fts_prefix(part)}" for part in parts]
        if band is not None:
            terms[0] = f"{{{band}}} : {self._fts_prefix(parts[0])}"
        terms.extend(
            "{facets} : (" + " OR ".join(f'"{term}"' for term in group) + ")" for group in facets
        )
        return " AND ".join(terms)

    def matching(
        self, parts: list[str], band: str | None = None, facets: Facets = ()
    ) -> tuple[str, str, list[Any]]:
        """(FROM clause, condition, params) for the rows matching every part and facet, read
        from the full-text index in its order. `band`: the first part must match in it."""
        rows = SearchRow._meta.db_table
        source = f"FROM {FTS_TABLE} JOIN {rows} r ON r.product_id = {FTS_TABLE}.rowid"
        return source, f"{FTS_TABLE} MATCH %s", [self._expression(parts, band, facets)]

    def matching_ids(self, parts: list[str], facets: Facets = ()) -> tuple[str, list[Any]]:
        """A condition on `r`: its product matches every part (as an id set from the index)."""
        return (
            f"r.product_id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [self._expression(parts, None, facets)],
        )

    def index_only(self, parts: list[str], facets: Facets) -> tuple[str, list[Any]]:
        """(FROM ... WHERE clause, params) reading the full-text index alone, no row."""
        return f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [
            self._expression(parts, None, facets)
        ]

    @staticmethod
    def in_band(part: str, column: str) -> tuple[str, list[Any]]:
        """A condition on the row `r` itself: a term of this band starts with `part`."""
        return f"instr(r.{column}, %s) > 0", [f" {part}"]

    def any_band(self, part: str) -> tuple[str, list[Any]]:
        tests = [self.in_band(part, column) for column in COLUMNS]
        return "(" + " OR ".join(sql for sql, _ in tests) + ")", [p for _, ps in tests for p in ps]

    @staticmethod
    def text_statistics(parts: list[str]) -> TextStatistics:
        """What the statistics say of the text (SQLite keeps none for FTS5: nothing)."""
        return TextStatistics(share=0.0, entries=0.0)

    @staticmethod
    def hint(index: str) -> str:
        # SQLite's planner cannot tell how selective an `instr` test is; where many rows
        # match, walking the sort index and stopping at the page is right, and it is told so.
        return f" INDEXED BY {index}"

    def optimize(self) -> None:
        table = SearchRow._meta.db_table
        with connection.cursor() as cursor:
            # Merge the index's segments into one b-tree: a query then reads one doclist per
            # term instead of one per segment left by the batches of a bulk load.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("PRAGMA optimize")


class PostgresEngine:
    vendor = "postgresql"
    # The filters stay conditions on the row's columns: the planner combines their b-tree
    # indexes with the GIN index.
    indexes_facets = False

    @staticmethod
    def _prefix(part: str) -> str:
        # Quoted, so the tsquery parser takes the term as it is (no configuration, no stemming).
        return "'" + part.replace("\\", "\\\\").replace("'", "''") + "':*"

    def matching(
        self, parts: list[str], band: str | None = None, facets: Facets = ()
    ) -> tuple[str, str, list[Any]]:
        assert not facets, "PostgreSQL's index holds no facets"  # noqa: S101
        rows = SearchRow._meta.db_table
        # The text test first: where the planner reads rows rather than the index (a broad
        # part under a LIMIT), a row that fails it is not cast to a tsvector (tens of us).
        tests = [
            (
                f"(strpos({JOINED}, %s) > 0 AND {ALL_BANDS} @@ %s::tsquery)",
                [f" {p}", self._prefix(p)],
            )
            for p in parts
        ]
        if band is not None:
            tests.append(self.in_band(parts[0], band))
        condition = " AND ".join(sql for sql, _ in tests)
        return f"FROM {rows} r", condition, [p for _, ps in tests for p in ps]

    def matching_ids(self, parts: list[str], facets: Facets = ()) -> tuple[str, list[Any]]:
        _, condition, params = self.matching(parts, facets=facets)
        return condition, params

    def index_only(self, parts: list[str], facets: Facets) -> tuple[str, list[Any]]:
        # The GIN index gives row pointers; the rows are read (or skipped with the visibility
        # map) by the planner as it sees fit.
        source, condition, params = self.matching(parts, facets=facets)
        return f"{source} WHERE {condition}", params

    @staticmethod
    def in_band(part: str, column: str) -> tuple[str, list[Any]]:
        """A condition on the row `r` itself: a term of this band starts with `part` (the text
        tested as it is: cheaper than casting it to a tsvector)."""
        return f"strpos(r.{column}, %s) > 0", [f" {part}"]

    def any_band(self, part: str) -> tuple[str, list[Any]]:
        tests = [self.in_band(part, column) for column in COLUMNS]
        return "(" + " OR ".join(sql for sql, _ in tests) + ")", [p for _, ps in tests for p in ps]

    def text_statistics(self, parts: list[str]) -> TextStatistics:
        """What ANALYZE's statistics of the GIN index's terms (the most common thousand and
        the share of rows holding each, as the planner reads them) say of the text; a part of
        no common term counts as none. One query."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_stats s JOIN pg_class c ON c.oid = %s::regclass "
                "WHERE s.schemaname = current_schema() AND s.tablename = %s",
                [SearchRow._meta.db_table, GIN_INDEX],
            )
            row = cursor.fetchone()
        if row is None or not row[0]:
            return TextStatistics(share=0.0, entries=0.0)
        terms, shares, rows = row
        each = [
            min(1.0, sum(f for t, f in zip(terms, shares, strict=False) if t.startswith(part)))
            for part in parts
        ]
        return TextStatistics(share=math.prod(each), entries=sum(each) * max(0.0, rows))

    @staticmethod
    def hint(index: str) -> str:
        return ""

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchRow._meta.db_table}")


Engine = SqliteEngine | PostgresEngine


def engine() -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    return SqliteEngine()
