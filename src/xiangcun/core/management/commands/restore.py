"""`xiangcun restore <file>`: replace the database's contents with a backup.

Stop the app servers and workers first. SQLite: the online backup API in reverse, after an
integrity check of the file. PostgreSQL: `pg_restore --clean --if-exists` in one transaction
(all or nothing). Run `xiangcun migrate` and `xiangcun check-integrity` afterwards.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.dbbackup import BackupError, database_label, restore


class Command(BaseCommand):
    help = "Restore the database from a file written by `xiangcun backup` (replaces everything)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore from.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["path"]
        if not source.expanduser().is_file():
            raise CommandError(f"Restore refused: {source} does not exist")
        label = database_label()
        if options["interactive"]:
            answer = input(
                f"Everything in {label} will be replaced by {source}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled")
        try:
            restore(source)
        except BackupError as error:
            raise CommandError(f"Restore refused: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {label} from {source}"))
        self.stdout.write("Next: xiangcun migrate, then xiangcun check-integrity")
