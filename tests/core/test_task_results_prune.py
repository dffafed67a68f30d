"""Finished rows of the database task queue are deleted after TASK_RESULTS_KEEP_DAYS; tasks
still waiting or running are kept."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xiangcun.core.tasks import task_results_prune

pytestmark = pytest.mark.django_db


def _row(status: str, finished_days_ago: float | None) -> DBTaskResult:
    now = timezone.now()
    finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="xiangcun.accounts.tasks.sms_send",
        queue_name="sms",
        backend_name="default",
        run_after=now,
        finished_at=finished,
    )


def test_old_finished_rows_go_and_the_rest_stay(settings: Any) -> None:
    settings.TASK_RESULTS_KEEP_DAYS = 7
    old_done = _row("SUCCESSFUL", 8)
    old_failed = _row("FAILED", 30)
    recent = _row("SUCCESSFUL", 1)
    waiting = _row("READY", None)
    running = _row("RUNNING", None)

    assert task_results_prune.call() == 2

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk, running.pk}
    assert old_done.pk not in left
    assert old_failed.pk not in left


def test_the_daily_periodic_run_queues_the_pruning(settings: Any, monkeypatch: Any) -> None:
    settings.TASK_RESULTS_KEEP_DAYS = 7
    _row("SUCCESSFUL", 8)
    local = timezone.localtime().replace(hour=8, minute=0)
    monkeypatch.setattr(timezone, "localtime", lambda *args: local)

    call_command("periodic", daily_hour=8)

    assert not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
