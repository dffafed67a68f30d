# ruff: noqa: S608 - SQL is assembled from table names and fixed fragments; values are parameters.
"""SQLite: an FTS5 table over SearchRow's term columns (external content, made by migration 0004).

`catalog_search_fts` indexes `terms_name`, `terms_tags` and `terms_body` of `catalog_searchrow`
(rowid = product id) with `detail=column` (which column a term is in, no positions: enough for
the tiers and much smaller) and prefix indexes for one- and two-character prefixes (pinyin
initials and short words). The terms are ours (text.py); FTS5's unicode61 tokenizer only splits
them at the spaces. External content: the terms are read back from SearchRow to take a product
out (FTS5's 'delete' needs the values it indexed), so the row and the index change together.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from xiangcun.catalog.models import SearchRow
from xiangcun.catalog.search.base import FullTextBackend, Match
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
        SearchRow.objects.bulk_create(self._rows(documents, with_terms=True), batch_size=500)
        ids = [doc.product_id for doc in documents]
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) SELECT product_id, {COLUMNS} "
                    f"FROM {SearchRow._meta.db_table} WHERE product_id IN ({marks})",
                    chunk,
                )

    def _delete(self, ids: list[int]) -> None:
        # Only rows that were indexed: FTS5 takes a 'delete' of a row it never had for a
        # corrupt index. An indexed row never has an empty `terms_name` (base._rows).
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS}) SELECT 'delete', "
                f"product_id, {COLUMNS} FROM {SearchRow._meta.db_table} "
                f"WHERE product_id IN ({marks}) AND terms_name != ''",
                ids,
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
