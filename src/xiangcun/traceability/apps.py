from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "xiangcun.traceability"
    label = "traceability"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from xiangcun.catalog.selectors import lot_certificates_register
        from xiangcun.traceability.certificates import lot_certificates_on_sale

        lot_certificates_register(lot_certificates_on_sale)
