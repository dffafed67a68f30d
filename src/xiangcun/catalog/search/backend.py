"""The built-in search backend: the application database's own full-text engine, chosen by
vendor (SQLite FTS5 in `sqlite_fts`, PostgreSQL tsvector + GIN in `postgres_fts`; what they
share, including ranking and relaxation, is in `base`). The interface is in `interface`.
"""

from collections.abc import Iterable
from functools import cached_property

from django.db import connection

from xiangcun.catalog.search.base import COUNT_CAP, FullTextBackend
from xiangcun.catalog.search.interface import SearchHits, SearchQuery, search_backend
from xiangcun.catalog.search.postgres_fts import PostgresFtsBackend
from xiangcun.catalog.search.sqlite_fts import SqliteFtsBackend

__all__ = ["COUNT_CAP", "DatabaseSearchBackend", "search_backend"]

_BY_VENDOR: dict[str, type[FullTextBackend]] = {
    "sqlite": SqliteFtsBackend,
    "postgresql": PostgresFtsBackend,
}


class DatabaseSearchBackend:
    """Delegates to the full-text backend of the database in use."""

    @cached_property
    def engine(self) -> FullTextBackend:
        try:
            return _BY_VENDOR[connection.vendor]()
        except KeyError:
            raise NotImplementedError(f"no search index for {connection.vendor}") from None

    def index_products(self, product_ids: Iterable[int]) -> None:
        self.engine.index_products(product_ids)

    def index_product(self, product_id: int) -> None:
        self.engine.index_product(product_id)

    def remove_product(self, product_id: int) -> None:
        self.engine.remove_product(product_id)

    def search(self, query: SearchQuery) -> SearchHits:
        return self.engine.search(query)

    def clear(self) -> None:
        self.engine.clear()

    def optimize(self) -> None:
        self.engine.optimize()

    def index_size(self) -> dict[str, int]:
        return self.engine.index_size()
