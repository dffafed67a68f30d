"""Stock per variant per location, every change as a movement, reservations with expiry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "xiangcun.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        # Catalog (below us) shows availability on product cards; it asks us through its
        # registry rather than importing inventory.
        from xiangcun.catalog.selectors import register_availability_source
        from xiangcun.inventory.selectors import available_by_variant

        register_availability_source(available_by_variant)

        # Accounts (below us) sends texts; it writes a low-stock text through this renderer.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.inventory.tasks import LOW_STOCK_SMS, low_stock_sms

        sms_kind_register(LOW_STOCK_SMS, low_stock_sms)
