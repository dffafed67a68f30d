"""`xiangcun loan-schedule`: print a loan's repayment schedule as JSON, from its terms.

Staff use it to check a product before offering it; the figures are the ones the loan pages
show, because both call finance.schedule. Bad terms exit with code 2 and say which one."""

import datetime
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from xiangcun.finance.errors import InvalidLoanTermsError
from xiangcun.finance.schedule import (
    AMORTIZATIONS,
    FREQUENCIES,
    INTEREST_METHODS,
    Schedule,
    ScheduleTerms,
    schedule_build,
)

BAD_ARGUMENTS = 2
# The command-line flag for each of ScheduleTerms' fields, to name it in a message.
FLAGS = {
    "principal": "--principal",
    "annual_rate": "--annual-rate",
    "periods": "--periods",
    "frequency": "--frequency",
    "interest_method": "--interest",
    "amortization": "--amortization",
    "grace_principal": "--grace-principal",
    "multiple": "--multiple",
    "first_due": "--first-due",
    "disbursed_on": "--disbursed-on",
}


class MoneyJSONEncoder(json.JSONEncoder):
    """Amounts as JSON numbers. A schedule's amounts are whole fen below 10^13, so each has at
    most 15 significant digits and the float nearest to it prints back as exactly those digits
    (50.0, 47.45): no binary noise reaches the output."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, datetime.date):
            return o.isoformat()
        return super().default(o)


def schedule_as_json(schedule: Schedule) -> str:
    rows = [
        {
            "n": row.n,
            "due": row.due,
            "principal": row.principal,
            "interest": row.interest,
            "total": row.total,
            "outstanding": row.outstanding,
        }
        for row in schedule.rows
    ]
    body = {
        "rows": rows,
        "total_interest": schedule.total_interest,
        "total_principal": schedule.total_principal,
    }
    return json.dumps(body, cls=MoneyJSONEncoder, indent=2)


def _refuse(field: str, message: str) -> CommandError:
    return CommandError(f"{FLAGS[field]}: {message}", returncode=BAD_ARGUMENTS)


def _decimal(options: dict[str, Any], field: str) -> Decimal:
    text = options[field]
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _refuse(field, gettext("%(text)r is not a number.") % {"text": text}) from None
    return value


def _whole(options: dict[str, Any], field: str) -> int:
    text = options[field]
    try:
        return int(text)
    except ValueError:
        raise _refuse(field, gettext("%(text)r is not a whole number.") % {"text": text}) from None


def _day(options: dict[str, Any], field: str) -> datetime.date | None:
    text = options[field]
    if text is None:
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 (a day)
    except ValueError:
        raise _refuse(
            field, gettext("%(text)r is not a date written YYYY-MM-DD.") % {"text": text}
        ) from None


class Command(BaseCommand):
    help = "Print a loan's repayment schedule as JSON (Fineract's rules; see docs/finance.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        # Every value is read as text and checked here, so a bad one exits with code 2 and a
        # message naming it, whether the command runs from the shell or from call_command.
        parser.add_argument("--principal", required=True, help="amount lent, in yuan")
        parser.add_argument(
            "--annual-rate", dest="annual_rate", required=True, help="percent a year, e.g. 12"
        )
        parser.add_argument("--periods", required=True, help="number of repayments, 1 to 360")
        parser.add_argument("--frequency", default="monthly", help=" | ".join(FREQUENCIES))
        parser.add_argument(
            "--interest", dest="interest_method", required=True, help=" | ".join(INTEREST_METHODS)
        )
        parser.add_argument("--amortization", required=True, help=" | ".join(AMORTIZATIONS))
        parser.add_argument(
            "--grace-principal",
            dest="grace_principal",
            default="0",
            help="first periods that pay interest only",
        )
        parser.add_argument(
            "--multiple", default="0", help="round instalments to a multiple of yuan; 0 = fen"
        )
        parser.add_argument("--first-due", dest="first_due", help="YYYY-MM-DD")
        parser.add_argument("--disbursed-on", dest="disbursed_on", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        terms = ScheduleTerms(
            principal=_decimal(options, "principal"),
            annual_rate=_decimal(options, "annual_rate"),
            periods=_whole(options, "periods"),
            frequency=options["frequency"],
            interest_method=options["interest_method"],
            amortization=options["amortization"],
            grace_principal=_whole(options, "grace_principal"),
            multiple=_whole(options, "multiple"),
            first_due=_day(options, "first_due"),
            disbursed_on=_day(options, "disbursed_on"),
        )
        try:
            schedule = schedule_build(terms)
        except InvalidLoanTermsError as error:
            raise _refuse(error.field or "principal", str(error.message)) from None
        self.stdout.write(schedule_as_json(schedule))
