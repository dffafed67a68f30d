"""`xiangcun impact-rebuild [--since YYYY-MM-DD] [--until YYYY-MM-DD]`: rebuild the impact
figures' daily facts on demand (the hourly task keeps them fresh otherwise).

Without dates it rebuilds every day from the first sale, hire, course or loan to today. Each day
is built in its own transaction, so stopping it half way leaves every built day whole."""

import datetime
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from xiangcun.impact.services.rebuild import MAX_DAYS, facts_first_day, facts_rebuild


def _date(value: str | None, name: str) -> datetime.date | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:  # fromisoformat would also take 20260301 or 2026-W09-1
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise CommandError(
        _("%(option)s must be a date written YYYY-MM-DD, e.g. 2026-03-01; got %(value)r.")
        % {"option": name, "value": value[:40]}
    )


class Command(BaseCommand):
    help = "Rebuild the impact figures' daily facts for a range of days (default: all of them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="First day to rebuild, YYYY-MM-DD (China time).")
        parser.add_argument("--until", help="Last day to rebuild, YYYY-MM-DD (default: today).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options.get("since"), "--since")
        until = _date(options.get("until"), "--until")
        today = timezone.localdate()
        until = until or today
        since = since or facts_first_day() or until
        if since > until:
            raise CommandError(
                _("--since (%(since)s) is after --until (%(until)s).")
                % {"since": since.isoformat(), "until": until.isoformat()}
            )
        if (until - since).days > MAX_DAYS:
            raise CommandError(_("Rebuild at most twenty years at a time."))
        stream = options.get("stderr") or sys.stderr
        with tqdm(
            total=(until - since).days + 1, desc=_("Rebuilding days"), unit=_("day"),
            file=stream, disable=options["quiet"],
        ) as progress:  # fmt: skip
            out = facts_rebuild(since=since, until=until, progress=progress.update)
        self.stdout.write(
            self.style.SUCCESS(
                _("Rebuilt %(days)d days (%(rows)d rows) in %(seconds).1f s.")
                % {"days": out.count, "rows": out.rows, "seconds": out.seconds}
            )
        )
