"""Plain values the catalog hands out."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogDemoResult:
    """What `catalog_demo_load` did: totals, and how many products it created or updated."""

    categories: int
    brands: int
    products: int
    created: int
    updated: int


@dataclass(frozen=True)
class BrandCounts:
    """Brand-level figures for a brand page: listed products and the shops selling them."""

    products: int
    sellers: int
