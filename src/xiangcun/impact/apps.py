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
        from xiangcun.impact.tasks_reports import impact_reports_monthly

        periodic_register(impact_facts_refresh, every="hourly")
        periodic_register(impact_reports_monthly, every="monthly")

        # The same for `demo`: residents the figures count, then the figures (impact/demo.py).
        from xiangcun.core.tasks import demo_step_register
        from xiangcun.impact.demo import impact_demo_load

        demo_step_register(
            "impact", _("Residents reached, poor households, the figures"), impact_demo_load
        )
