from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "xiangcun.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        # web's `periodic` command may not import impact (same layer): impact registers with core.
        from xiangcun.core.tasks import periodic_register
        from xiangcun.impact.tasks import impact_facts_refresh

        periodic_register(impact_facts_refresh, every="hourly")
