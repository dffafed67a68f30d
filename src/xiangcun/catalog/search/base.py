# ruff: noqa: S608 - SQL is assembled from model table names and fixed fragments; every value
# is a query parameter.
"""What the database search backends share: one row per listed product (`SearchRow`, with the
filter and sort columns) and, per vendor, a full-text index of the product's terms (SQLite FTS5
in `sqlite_fts`, PostgreSQL tsvector + GIN in `postgres_fts`).

A query is cut into parts (text.query_parts); a product must match every part, as a whole
term or as a term's prefix. Relevance is in tiers, each read newest product first and only as
far as the page: (1) every part a whole term of the name, (2) every part a prefix of a name
term, (3) every part a whole term anywhere, (4) every part a prefix of a term anywhere. So a
full word of the name outranks a brand or category word, which outranks a description word or
a stray prefix. `count` is exact up to COUNT_CAP.

No match: the query relaxes and says so (`SearchHits.relaxed`): its characters, then fewer
words (parts that match nothing alone are dropped; then any part), then pinyin one letter off.
"""

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from xiangcun.catalog.models import Certification, SearchRow
from xiangcun.catalog.search.documents import ProductDocument, product_documents
from xiangcun.catalog.search.interface import SearchHits, SearchQuery
from xiangcun.catalog.search.text import characters_of, query_parts, typo_variants

# Counting stops here: `count` is exact up to COUNT_CAP and COUNT_CAP when more match (the API
# documents it as "at least"). Pages beyond it are not served.
COUNT_CAP = 1000
# Relevance tiers: (name only, whole terms only), best first. The last is the match itself.
TIERS = ((True, True), (True, False), (False, True), (False, False))


@dataclass(frozen=True)
class Match:
    """What a product must match: `parts`, each one of its alternatives (a word, or a word
    and its one-letter-off spellings); all parts, or any when `any_part`."""

    parts: tuple[tuple[str, ...], ...]
    any_part: bool = False


def term_columns(doc: ProductDocument) -> tuple[str, str, str]:
    """A document's terms as the three columns of a full-text row: name, tags, body."""
    return " ".join(doc.name), " ".join(doc.tags), " ".join(doc.body)


def terms_blob(columns: tuple[str, str, str]) -> bytes:
    return zlib.compress("\t".join(columns).encode(), 9)


def terms_from_blob(blob: bytes) -> tuple[str, str, str]:
    name, tags, body = zlib.decompress(blob).decode().split("\t")
    return name, tags, body


def _match(parts: Iterable[str], *, any_part: bool = False) -> Match:
    return Match(parts=tuple((part,) for part in parts), any_part=any_part)


class FullTextBackend:
    """The shared half of a database backend; a vendor supplies the index and its matching."""

    # The FROM clause (SearchRow is `r`) for text searches, and the ORDER BY of a tier.
    source = ""
    newest = ""

    # --- what a vendor supplies -------------------------------------------------------------

    def _write(self, documents: Sequence[ProductDocument]) -> None:
        raise NotImplementedError

    def _delete(self, ids: list[int]) -> None:
        raise NotImplementedError

    def _condition(self, match: Match, *, name_only: bool, whole: bool) -> tuple[str, list[Any]]:
        """A condition on the `source` rows that keeps the products matching `match`."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        raise NotImplementedError

    def index_size(self) -> dict[str, int]:
        """Bytes on disk of the index's parts (tables and indexes), for the benchmark."""
        raise NotImplementedError

    # --- writing ---------------------------------------------------------------------------

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if not ids:
            return
        documents = product_documents(ids)
        with transaction.atomic():
            for start in range(0, len(ids), 500):
                self._delete(ids[start : start + 500])
            self._write(documents)

    def index_product(self, product_id: int) -> None:
        self.index_products([product_id])

    def remove_product(self, product_id: int) -> None:
        with transaction.atomic():
            self._delete([product_id])

    @staticmethod
    def _rows(documents: Sequence[ProductDocument], *, terms: bool) -> list[SearchRow]:
        """SearchRow rows; with `terms`, each keeps its terms compressed (`terms_blob`)."""
        return [
            SearchRow(
                product_id=doc.product_id,
                category_id=doc.category_id,
                brand_id=doc.brand_id,
                seller_id=doc.seller_id,
                township_id=doc.township_id,
                direction=doc.direction,
                min_price=doc.min_price,
                listed_at=doc.listed_at,
                terms=terms_blob(term_columns(doc)) if terms else None,
            )
            for doc in documents
        ]

    # --- reading ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchHits:
        where, params = self._filters(query)
        parts = query_parts(query.text)
        if not parts:
            return self._browse(query, where, params)
        relaxed = False
        match = _match(parts)
        count = self._count_match(match, where, params)
        if count == 0:
            relaxed = True
            match, count = self._relax(parts, where, params)
        shown = min(count, COUNT_CAP)
        ids: list[int] = []
        if count and query.offset < shown:
            if query.sort == "relevance":
                ids = self._ranked(match, query, where, params)
            else:
                condition, values = self._condition(match, name_only=False, whole=False)
                ids = self._sorted_page(self.source, [condition, *where], [*values, *params], query)
        # Results end where the count does, so the last page agrees with it.
        return SearchHits(
            product_ids=ids[: max(0, COUNT_CAP - query.offset)], count=shown, relaxed=relaxed
        )

    def _relax(self, parts: list[str], where: list[str], params: list[Any]) -> tuple[Match, int]:
        """The first looser match that finds something, and its count (0 when none does)."""
        candidates: list[Match] = []
        characters = characters_of(parts)
        if characters != parts:
            candidates.append(_match(characters))
        alone = [part for part in parts if self._count_match(_match([part]), where, params)]
        if len(parts) > 1:
            if alone and len(alone) < len(parts):
                candidates.append(_match(alone))
            candidates.append(_match(parts, any_part=True))
        if characters != parts:
            candidates.append(_match(characters, any_part=True))
        spelt = tuple((part, *typo_variants(part)) for part in parts if part not in alone)
        if any(len(alternatives) > 1 for alternatives in spelt):
            known = tuple((part,) for part in alone)
            candidates.append(Match(parts=known + spelt))
            candidates.append(Match(parts=known + spelt, any_part=True))
        for match in candidates:
            count = self._count_match(match, where, params)
            if count:
                return match, count
        return _match(parts), 0

    def _count_match(self, match: Match, where: list[str], params: list[Any]) -> int:
        condition, values = self._condition(match, name_only=False, whole=False)
        return self._count(
            f"FROM {self.source} WHERE {' AND '.join([condition, *where])}", [*values, *params]
        )

    def _ranked(
        self, match: Match, query: SearchQuery, where: list[str], params: list[Any]
    ) -> list[int]:
        """The page by relevance tier, newest first within a tier (see the module doc).

        One statement: each tier's first `offset + limit` products (a LIMIT-ed walk of the
        index in id order), best tier first; a product keeps its best tier."""
        want = query.offset + query.limit
        arms: list[str] = []
        values: list[Any] = []
        for tier, (name_only, whole) in enumerate(TIERS):
            condition, condition_values = self._condition(match, name_only=name_only, whole=whole)
            arms.append(
                f"SELECT product_id, {tier} AS tier FROM (SELECT r.product_id FROM "
                f"{self.source} WHERE {' AND '.join([condition, *where])} "
                f"ORDER BY {self.newest} LIMIT %s) t{tier}"
            )
            values.extend([*condition_values, *params, want])
        rows = self._fetch(" UNION ALL ".join(arms), values)
        rows.sort(key=lambda row: (row[1], -row[0]))  # newest (highest id) first in a tier
        found = dict.fromkeys(row[0] for row in rows)
        return list(found)[query.offset : want]

    @staticmethod
    def _filters(query: SearchQuery, row: str = "r") -> tuple[list[str], list[Any]]:
        """The filters as conditions on the SearchRow `row`."""
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

    def _sorted_page(
        self, source: str, where: list[str], params: list[Any], query: SearchQuery
    ) -> list[int]:
        """One page of `source` rows (SearchRow is `r`) meeting `where`, by price or newest."""
        condition = " AND ".join(where) if where else "1 = 1"
        end = [query.offset + query.limit]
        if query.sort not in ("price", "-price"):
            rows = self._fetch(
                f"SELECT r.product_id FROM {source} WHERE {condition} "
                "ORDER BY r.listed_at DESC, r.product_id DESC LIMIT %s",
                [*params, *end],
            )
            return [row[0] for row in rows[query.offset :]]
        # Products without a price go last in both directions: two LIMIT-ed arms, so each can
        # walk the (min_price, product) index.
        direction = "DESC" if query.sort == "-price" else "ASC"
        rows = self._fetch(
            f"SELECT product_id, k, min_price FROM (SELECT r.product_id, 0 AS k, r.min_price "
            f"FROM {source} WHERE {condition} AND r.min_price IS NOT NULL "
            f"ORDER BY r.min_price {direction}, r.product_id DESC LIMIT %s) priced "
            f"UNION ALL SELECT product_id, k, min_price FROM (SELECT r.product_id, 1 AS k, "
            f"r.min_price FROM {source} WHERE {condition} AND r.min_price IS NULL "
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
            ids = self._sorted_page(f"{rows_table} r", where, params, query)
        return SearchHits(product_ids=ids, count=min(count, COUNT_CAP))
