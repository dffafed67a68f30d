from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "xiangcun.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Accounts (below us) sends texts; it learns to write a pickup code's text, at send
        # time, through this renderer, so the code is never queued.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.logistics.services import PICKUP_CODE_SMS, pickup_code_sms

        sms_kind_register(PICKUP_CODE_SMS, pickup_code_sms)

        # Orders (below us) shows the parcels of an order on its page through this part.
        from xiangcun.logistics.templatetags.logistics_parcels import order_parcels_html
        from xiangcun.orders.selectors import order_page_part_register

        order_page_part_register(order_parcels_html)
