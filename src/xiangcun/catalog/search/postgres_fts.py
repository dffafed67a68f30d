"""PostgreSQL: a `document` tsvector column on SearchRow with a GIN index (migration 0004).

The terms are ours (text.py), written as a tsvector literal, so no text search configuration
parses them (the 'simple' one would drop Chinese characters under some locales): each term once,
with one position per group it came from, weighted A (name), B (brand, categories, synonyms) or
C (the rest). A query is a tsquery literal: `'fengmi':*` for a prefix, `'fengmi':*A` for a
prefix in the name only.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from xiangcun.catalog.models import SearchRow
from xiangcun.catalog.search.base import FullTextBackend, Match
from xiangcun.catalog.search.documents import ProductDocument

ROWS_TABLE = SearchRow._meta.db_table
ROW_COLUMNS = (
    "product_id",
    "category_id",
    "brand_id",
    "seller_id",
    "township_id",
    "direction",
    "min_price",
    "listed_at",
    "document",
)


def tsvector_literal(document: ProductDocument) -> str:
    """`'fengmi':1A 'honey':2B ...`: each term once; terms are [0-9a-z] or Chinese."""
    entries = []
    position = 0
    for weight, terms in (("A", document.name), ("B", document.tags), ("C", document.body)):
        for term in terms:
            position = min(position + 1, 16383)
            entries.append(f"{term}:{position}{weight}")
    return " ".join(entries)


def tsquery_literal(match: Match, *, name_only: bool, whole: bool) -> str:
    """`(fengmi:* | fenmgi:*) & 丹寨:*`, with `A` after each term when `name_only`."""
    suffix = ("" if whole else "*") + ("A" if name_only else "")
    label = f":{suffix}" if suffix else ""
    parts = [
        "(" + " | ".join(f"{term}{label}" for term in alternatives) + ")"
        for alternatives in match.parts
    ]
    return (" | " if match.any_part else " & ").join(parts)


class PostgresFtsBackend(FullTextBackend):
    source = f"{ROWS_TABLE} r"
    newest = "r.product_id DESC"

    def _condition(self, match: Match, *, name_only: bool, whole: bool) -> tuple[str, list[Any]]:
        return "r.document @@ %s::tsquery", [
            tsquery_literal(match, name_only=name_only, whole=whole)
        ]

    def _write(self, documents: Sequence[ProductDocument]) -> None:
        rows = [
            (
                doc.product_id,
                doc.category_id,
                doc.brand_id,
                doc.seller_id,
                doc.township_id,
                doc.direction,
                doc.min_price,
                doc.listed_at,
                tsvector_literal(doc),
            )
            for doc in documents
        ]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {ROWS_TABLE} ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _delete(self, ids: list[int]) -> None:
        SearchRow.objects.filter(product_id__in=ids).delete()

    def clear(self) -> None:
        SearchRow.objects.all().delete()

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ROWS_TABLE}")

    def index_size(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "WHERE c.relname = %s",
                [ROWS_TABLE],
            )
            sizes = {name: int(size) for name, size in cursor.fetchall()}
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) "
                "FROM pg_index WHERE indrelid = %s::regclass",
                [ROWS_TABLE],
            )
            sizes.update({f"  index {name}": int(size) for name, size in cursor.fetchall()})
            return sizes
