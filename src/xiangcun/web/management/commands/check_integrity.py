"""`xiangcun check-integrity`: do stock, reservations, orders, payments and the ledger agree?

Each app checks its own data against what it was told by the others (`*_integrity_problems()`
in its selectors); this command gathers them, prints every mismatch and exits 1 if there is
any. Safe on a live site: it only reads, in one snapshot (REPEATABLE READ on PostgreSQL).
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from xiangcun.core.types import IntegrityProblem
from xiangcun.inventory.selectors import inventory_integrity_problems
from xiangcun.ledger.selectors import ledger_integrity_problems
from xiangcun.orders.selectors import orders_integrity_problems
from xiangcun.payments.selectors import payments_integrity_problems

CHECKS = {
    "ledger": ledger_integrity_problems,
    "inventory": inventory_integrity_problems,
    "payments": payments_integrity_problems,
    "orders": orders_integrity_problems,
}


def integrity_problems(*, apps: list[str] | None = None) -> list[IntegrityProblem]:
    """Every problem the apps' checks find, read in one consistent snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Must be the transaction's first statement; one snapshot for every query, so a
            # checkout committing mid-check is seen whole or not at all.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        problems: list[IntegrityProblem] = []
        for name, check in CHECKS.items():
            if apps is None or name in apps:
                problems += check()
        return problems


class Command(BaseCommand):
    help = (
        "Check that stock, reservations, orders, payments and the ledger agree; "
        "exit 1 listing every mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            choices=sorted(CHECKS),
            help="Run only this app's checks (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = integrity_problems(apps=options["only"])
        for problem in problems:
            self.stdout.write(f"MISMATCH {problem}")
        checked = ", ".join(
            name for name in CHECKS if not options["only"] or name in options["only"]
        )
        if problems:
            counts = Counter(problem.check for problem in problems)
            summary = ", ".join(f"{check} x{count}" for check, count in sorted(counts.items()))
            raise CommandError(f"{len(problems)} problem(s) ({summary}) in {checked}")
        self.stdout.write(self.style.SUCCESS(f"OK: {checked} agree"))
