from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "xiangcun.jobs"
    label = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        # Accounts (below us) sends the texts; it learns to write a pipeline step's text, at
        # send time and in the person's language, through this renderer.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.jobs.services import JOB_STEP_SMS, job_step_sms

        sms_kind_register(JOB_STEP_SMS, job_step_sms)
