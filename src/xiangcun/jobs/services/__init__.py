"""Every write of the jobs app: postings and fairs, applying, the pipeline and hiring.

One module per kind of work (`postings`, `applications`, `pipeline`); other apps import them
from here.
"""

from xiangcun.jobs.services._common import JOB_STEP_SMS
from xiangcun.jobs.services.applications import Submitted, application_submit, job_step_sms
from xiangcun.jobs.services.pipeline import (
    BulkMoved,
    application_hire,
    application_move,
    applications_move,
    hire_handler_register,
)
from xiangcun.jobs.services.postings import (
    fair_create,
    fair_postings_set,
    posting_create,
    posting_status_set,
)


def jobs_demo_load() -> dict[str, int]:
    """The demo postings, fair and fair entries (see jobs.demo)."""
    # Imported here: the demo module uses these services.
    from xiangcun.jobs.demo import jobs_demo_load as load

    return load()


__all__ = [
    "JOB_STEP_SMS",
    "BulkMoved",
    "Submitted",
    "application_hire",
    "application_move",
    "application_submit",
    "applications_move",
    "fair_create",
    "fair_postings_set",
    "hire_handler_register",
    "job_step_sms",
    "jobs_demo_load",
    "posting_create",
    "posting_status_set",
]
