"""`xiangcun divisions-load`: make the divisions table match regions/data/divisions.csv.

The data migration loads the file once; run this after replacing the file with a newer list.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xiangcun.core.errors import XiangcunError
from xiangcun.regions.services import divisions_load


class Command(BaseCommand):
    help = "Refresh mainland China's provinces, prefectures and counties from the data file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=None, help="Another CSV with the same columns.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = divisions_load(path=options["file"])
        except (XiangcunError, OSError, KeyError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Divisions: %(total)d in the file; %(created)d added, %(updated)d changed, "
                "%(removed)d removed, %(unchanged)d unchanged."
            )
            % {
                "total": result.total,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "unchanged": result.unchanged,
            }
        )
