"""What the rest of the catalogue sees of product search: the query and its hits, the interface
every backend offers, the configured backend, and a full re-index through it.

`search_backend()` returns the backend named by the setting `CATALOG_SEARCH_BACKEND` (a dotted
path to a class with no constructor arguments), so a search server can replace the built-in
index without touching the services that keep it current or the selectors that query it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from xiangcun.catalog.models import Product

DEFAULT_BACKEND = "xiangcun.catalog.search.backend.DatabaseSearchBackend"
SORTS = ("relevance", "price", "-price", "new")


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

    def optimize(self) -> None:
        """Bring the query planner up to date after a bulk (re)index (may do nothing)."""


@lru_cache(maxsize=4)
def _backend_for(path: str) -> SearchBackend:
    backend: SearchBackend = import_string(path)()
    return backend


def search_backend() -> SearchBackend:
    return _backend_for(getattr(settings, "CATALOG_SEARCH_BACKEND", DEFAULT_BACKEND))


def reindex_all(*, batch_size: int = 1000, progress: Callable[[int], object] | None = None) -> int:
    """Re-index every product in batches (listed ones in, others out); returns how many."""
    backend = search_backend()
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        backend.index_products(batch)
        if progress is not None:
            progress(len(batch))
    backend.optimize()
    return len(ids)
