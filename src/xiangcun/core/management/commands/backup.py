"""`xiangcun backup <file>`: a consistent copy of the database, taken while the site runs.

SQLite: the online backup API. PostgreSQL: `pg_dump -Fc` (needs postgresql-client). Refuses to
overwrite an existing file. See docs/deploy.md for schedules and restoring.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.dbbackup import BackupError, backup, database_label


class Command(BaseCommand):
    help = "Back up the database to a new file (SQLite online backup, or pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write; must not exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = backup(options["path"])
        except BackupError as error:
            raise CommandError(f"Backup refused: {error}") from error
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {database_label()} to {target} ({size} bytes)")
        )
