from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "xiangcun.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # Sellers (below us) shows listed-product counts on shop lists; it asks us through
        # its registry rather than importing the catalogue.
        from xiangcun.catalog.fragments import fragments_follow_saves
        from xiangcun.catalog.selectors import listed_product_counts
        from xiangcun.sellers.selectors import register_product_count_source

        register_product_count_source(listed_product_counts)
        fragments_follow_saves()
