"""`xiangcun trace-verify`: recompute every stored EPCIS event's CBV 2.0 hash and check each
lot's hash chain; exits 1 naming every event that no longer matches."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiangcun.traceability.selectors import events_verify


class Command(BaseCommand):
    help = "Check that stored EPCIS events still match their hashes and per-lot chains."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = events_verify()
        for problem in problems:
            lot = f" lot {problem.lot_code}" if problem.lot_code else ""
            self.stdout.write(
                f"TAMPERED event {problem.event_id} (#{problem.event_pk}{lot}): {problem.problem}"
            )
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} events")
        self.stdout.write(self.style.SUCCESS(f"OK: {checked} events match their hashes and chains"))
