"""`xiangcun worker`: run background tasks from whichever queue TASKS_BACKEND selects."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run background tasks (database queue by default, RQ workers when using Redis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue", action="append", dest="queues", help="Queue name (repeatable; default all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = options["queues"] or list(settings.TASK_QUEUES)
        if settings.TASKS_BACKEND == "database":
            call_command("db_worker", queue_name=",".join(queues))
        elif settings.TASKS_BACKEND == "redis":
            call_command("rqworker", *queues, job_class="django_tasks_rq.Job")
        else:
            raise CommandError("TASKS_BACKEND=immediate runs tasks inline; there is no queue.")
