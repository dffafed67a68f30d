"""The demo catalogue: Danzhai's categories, brands and products, and bulk products for
benchmarks (the rows themselves are made in `catalog.demo`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from xiangcun.catalog import demo
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.services._common import _reindex_on_commit
from xiangcun.catalog.types import CatalogDemoResult


@transaction.atomic
def catalog_demo_load(*, sellers: dict[str, Any]) -> CatalogDemoResult:
    """Danzhai's categories, brands and about 25 listed products from the demo sellers.

    `sellers` is what `sellers.services.sellers_demo_load()` returns. Safe to run again:
    categories and brands are matched by slug, products by their variants' SKUs.
    """
    result = demo.demo_load(sellers=sellers)
    _reindex_on_commit(result.product_ids)
    return result.summary


def catalog_demo_generate(
    *, count: int, progress: Callable[[int], object] | None = None, seed: int = 2016
) -> int:
    """Bulk-create `count` plausible listed products (for benchmarks) and index them.

    Needs the demo categories, brands and at least one approved shop (`catalog_demo_load`).
    Commits in batches, calling `progress(n)` after each; returns how many were created.
    """
    created = demo.demo_generate(count=count, progress=progress, seed=seed)
    catalog_changed_on_commit()
    return created
