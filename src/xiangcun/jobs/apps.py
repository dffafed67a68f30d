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

        # The station desk (servicecenter, above us) lists this among its entry points: an
        # agent applies for a resident from a posting's page.
        from xiangcun.core.pages import desk_entry_register
        from xiangcun.jobs.services._common import HELPERS

        desk_entry_register("jobs_applicant", _("Register a job applicant"), "jobs:list", HELPERS)
