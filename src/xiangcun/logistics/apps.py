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
