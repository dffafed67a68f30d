"""Background tasks of the core app: housekeeping of the task queue itself.

The `periodic` command queues `task_results_prune` once a day.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task()
def task_results_prune(keep_days: int | None = None) -> int:
    """Delete the database queue's finished task rows older than TASK_RESULTS_KEEP_DAYS (what
    `prune_db_task_results` does, but whatever TASKS_BACKEND is now, so rows left from a time
    on the database queue go too). Waiting and running tasks are kept. Returns how many went."""
    days = settings.TASK_RESULTS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
