# ruff: noqa: S608 - SQL is assembled from table names and fixed fragments; values are parameters.
"""SQLite: a contentless FTS5 table of the products' terms (migrations 0004 and 0005).

`catalog_search_fts` (rowid = product id) has three columns, the name's terms, the brand's,
categories' and synonyms' terms, and the rest, indexed with `detail=column` (which column a
term is in, no positions: enough for the relevance tiers, and much smaller) and prefix indexes
for one- and two-character prefixes (pinyin initials, short words). The terms are ours
(text.py); FTS5's unicode61 tokenizer only splits them at the spaces. Contentless: the index
keeps no copy of the text; to take a product out FTS5 must be given the terms it indexed, so
SearchRow keeps them zlib-compressed (`terms`), and the row and the index change together.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from xiangcun.catalog.models import SearchRow
from xiangcun.catalog.search.base import (
    FullTextBackend,
    Match,
    term_columns,
    terms_from_blob,
)
from xiangcun.catalog.search.documents import ProductDocument

FTS_TABLE = "catalog_search_fts"
COLUMNS = "terms_name, terms_tags, terms_body"


def _term(term: str, *, whole: bool) -> str:
    # Terms are [0-9a-z] or Chinese characters (text.py), never a double quote.
    return f'"{term}"' if whole else f'"{term}"*'


def fts_expression(match: Match, *, name_only: bool, whole: bool) -> str:
    """The FTS5 query for `match`: `terms_name : (("fengmi"* OR "fenmgi"*) AND "丹寨"*)`."""
    parts = [
        "(" + " OR ".join(_term(term, whole=whole) for term in alternatives) + ")"
        for alternatives in match.parts
    ]
    expression = (" OR " if match.any_part else " AND ").join(parts)
    return f"terms_name : ({expression})" if name_only else expression


class SqliteFtsBackend(FullTextBackend):
    source = f"{FTS_TABLE} f JOIN {SearchRow._meta.db_table} r ON r.product_id = f.rowid"
    # FTS5 returns matches in rowid order, so the newest product (highest id) first costs no sort.
    newest = "f.rowid DESC"

    def _condition(self, match: Match, *, name_only: bool, whole: bool) -> tuple[str, list[Any]]:
        return f"{FTS_TABLE} MATCH %s", [fts_expression(match, name_only=name_only, whole=whole)]

    def _write(self, documents: Sequence[ProductDocument]) -> None:
        SearchRow.objects.bulk_create(self._rows(documents, terms=True), batch_size=500)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES (%s, %s, %s, %s)",
                [(doc.product_id, *term_columns(doc)) for doc in documents],
            )

    def _delete(self, ids: list[int]) -> None:
        # Only rows that were indexed, with exactly the terms they were indexed with: FTS5
        # takes a 'delete' of anything else for a corrupt index.
        rows = SearchRow.objects.filter(product_id__in=ids, terms__isnull=False)
        gone = [
            (product_id, *terms_from_blob(bytes(blob)))
            for product_id, blob in rows.values_list("product_id", "terms")
            if blob is not None
        ]
        if gone:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS}) "
                    "VALUES ('delete', %s, %s, %s, %s)",
                    gone,
                )
        SearchRow.objects.filter(product_id__in=ids).delete()

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
        SearchRow.objects.all().delete()

    def optimize(self) -> None:
        # Merge the FTS5 segments into one b-tree (smaller, and one lookup per term), then
        # statistics for the planner (sampled: SQLite reads 1,000 rows per index).
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {SearchRow._meta.db_table}")
            cursor.execute("PRAGMA optimize")

    def index_size(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE %s OR name LIKE %s "
                "OR name LIKE %s GROUP BY name",
                [f"{FTS_TABLE}%", f"{SearchRow._meta.db_table}%", "catalog_row_%"],
            )
            return {name: int(size) for name, size in cursor.fetchall()}
