"""The demo catalogue: Danzhai's categories, brands and products, and bulk products for
benchmarks (the rows themselves are made in `catalog.demo`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from xiangcun.catalog import demo, demo_data
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.models import Product
from xiangcun.catalog.services._common import _reindex_on_commit
from xiangcun.catalog.services.products import _photo_save
from xiangcun.catalog.types import CatalogDemoResult

# Drawn by tools/demo_pictures.py, one per demo product, named after its first SKU.
DEMO_PHOTOS = Path(__file__).resolve().parent.parent / "demo_photos"


@transaction.atomic
def catalog_demo_photos_load() -> int:
    """Give each demo product (found by its first SKU) that has no photo yet its drawn picture,
    through the same pipeline as a seller's upload. Answers how many were added; running it
    again adds none. A step of its own: the pipeline takes a few seconds for all of them."""
    skus = {data.variants[0].sku for data in demo_data.PRODUCTS}
    products = Product.objects.filter(variants__sku__in=skus, photos__isnull=True).values_list(
        "pk", "variants__sku"
    )
    added = 0
    for product_id, sku in sorted(products):
        path = DEMO_PHOTOS / f"{sku.lower()}.webp"
        if sku not in skus or not path.exists():
            continue
        with path.open("rb") as picture:
            _photo_save(Product.objects.get(pk=product_id), picture, alt="")
        added += 1
    return added


@transaction.atomic
def catalog_demo_load(*, sellers: dict[str, Any]) -> CatalogDemoResult:
    """Danzhai's categories, brands and 28 listed products from the demo sellers (their
    pictures are `catalog_demo_photos_load`).

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
