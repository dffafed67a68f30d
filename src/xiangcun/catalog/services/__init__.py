"""Every write to the catalogue: categories, brands, certifications, products, variants, photos.

Each function checks who is acting first (`sellers.selectors.seller_can_manage` for a shop's
products, a permission for staff work), then changes rows in one transaction, then queues the
search index update with `transaction.on_commit`, so the index never shows a write that was
rolled back and no signal hides where the index is kept current.

One module per kind of thing written (`categories`, `brands`, `certificates`, `products`,
`variants`, `synonyms` and `demo_load`), with the shared checks in `_common`; other apps import
them from here.
"""

from xiangcun.catalog.services.brands import brand_create, brand_update
from xiangcun.catalog.services.categories import category_create
from xiangcun.catalog.services.certificates import (
    certification_add,
    certification_cover,
    certification_submit,
    certification_verify,
)
from xiangcun.catalog.services.demo_load import (
    catalog_demo_generate,
    catalog_demo_load,
    catalog_demo_photos_load,
)
from xiangcun.catalog.services.products import (
    product_create,
    product_delist,
    product_photo_add,
    product_review,
    product_submit,
    product_update,
    products_reindex,
)
from xiangcun.catalog.services.synonyms import search_synonym_delete, search_synonym_save
from xiangcun.catalog.services.variants import variant_create, variant_update

__all__ = [
    "brand_create",
    "brand_update",
    "catalog_demo_generate",
    "catalog_demo_load",
    "catalog_demo_photos_load",
    "category_create",
    "certification_add",
    "certification_cover",
    "certification_submit",
    "certification_verify",
    "product_create",
    "product_delist",
    "product_photo_add",
    "product_review",
    "product_submit",
    "product_update",
    "products_reindex",
    "search_synonym_delete",
    "search_synonym_save",
    "variant_create",
    "variant_update",
]
