"""Background tasks of the core app: housekeeping of the task queue itself.

The `periodic` command queues `task_results_prune` once a day.
"""

from datetime import datetime, timedelta
from typing import Any, Literal

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


# --- Tasks other apps ask `periodic` to queue ------------------------------------------------
# `periodic` lives in web, which may not import the apps in its own layer (impact): those apps
# register their tasks here from AppConfig.ready() instead.

Schedule = Literal["hourly", "daily", "monthly"]
_PERIODIC: list[tuple[Schedule, Any]] = []


def periodic_register(task_: Any, *, every: Schedule) -> None:
    """Ask `xiangcun periodic` to queue `task_` (a django-tasks task taking no arguments) every
    hour (at minute 5), every day (at the daily hour) or every month (its first day, daily
    hour)."""
    if all(existing is not task_ for _every, existing in _PERIODIC):
        _PERIODIC.append((every, task_))


def periodic_due(*, now: datetime, daily_hour: int) -> list[Any]:
    """The registered tasks due at `now` (local time), in the order they were registered."""
    due = {
        "hourly": now.minute == 5,
        "daily": now.hour == daily_hour and now.minute == 0,
        "monthly": now.day == 1 and now.hour == daily_hour and now.minute == 0,
    }
    return [task_ for every, task_ in _PERIODIC if due[every]]


# --- Demo steps other apps ask `demo` to run --------------------------------------------------
# `demo` lives in web too: the apps in its layer (impact) register their step here from
# AppConfig.ready(), and `demo` runs them after its own, in the order they were registered.

_DEMO_STEPS: dict[str, tuple[Any, Any]] = {}


def demo_step_register(name: str, label: Any, load: Any) -> None:
    """Ask `xiangcun demo` to run `load()` (no arguments, safe to run again) as its step `name`,
    shown as `label` (a lazy translation). The same name again replaces the step."""
    _DEMO_STEPS[name] = (label, load)


def demo_steps() -> list[tuple[str, Any, Any]]:
    """The registered demo steps: (name, label, load), in the order they were registered."""
    return [(name, label, load) for name, (label, load) in _DEMO_STEPS.items()]
