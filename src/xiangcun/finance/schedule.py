"""Loan repayment schedules: from a loan's terms to the rows a borrower pays, period by period.

Pure Python (no models, no database), so the products page, the loan page, the API and the
`xiangcun loan-schedule` command all compute the same rows. Apache Fineract's loan schedule
generator is the reference (LoanApplicationTerms and its Flat/DecliningBalance generators, with
interest "same as repayment period"); docs/finance.md lists the rules and where we differ.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.finance.errors import InvalidLoanTermsError

__all__ = [
    "AMORTIZATIONS",
    "FREQUENCIES",
    "INTEREST_METHODS",
    "MAX_PERIODS",
    "MAX_PRINCIPAL",
    "Schedule",
    "ScheduleRow",
    "ScheduleTerms",
    "schedule_build",
]

MONTHLY = "monthly"
WEEKLY = "weekly"
FREQUENCIES = (MONTHLY, WEEKLY)
DECLINING = "declining"
FLAT = "flat"
INTEREST_METHODS = (DECLINING, FLAT)
EQUAL_INSTALLMENTS = "equal_installments"
EQUAL_PRINCIPAL = "equal_principal"
AMORTIZATIONS = (EQUAL_INSTALLMENTS, EQUAL_PRINCIPAL)

MAX_PRINCIPAL = Decimal("10000000")
MAX_RATE = Decimal(100)
MAX_PERIODS = 360
MAX_MULTIPLE = 1000
# Dates outside these years are typing mistakes; the bound also keeps 30 years of due dates
# inside what `datetime.date` can hold.
FIRST_YEAR = 1970
LAST_YEAR = 2200

# Fineract's DefaultPaymentPeriodsInOneYearCalculator: 12 months, 52 weeks in a year.
PERIODS_PER_YEAR = {MONTHLY: 12, WEEKLY: 52}
FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# Enough digits that the rate per period and the annuity factor lose nothing a fen can see.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class ScheduleTerms:
    principal: Decimal
    annual_rate: Decimal  # percent, 12 = 12 % a year
    periods: int
    frequency: str  # "monthly" | "weekly"
    interest_method: str  # "declining" | "flat"
    amortization: str  # "equal_installments" | "equal_principal"
    grace_principal: int = 0  # periods with interest only
    multiple: int = 0  # round instalments to a multiple of this many yuan; 0 = fen
    first_due: datetime.date | None = None  # default: one period after disbursed_on
    disbursed_on: datetime.date | None = None  # default: today


@dataclass(frozen=True)
class ScheduleRow:
    n: int
    due: datetime.date
    principal: Decimal
    interest: Decimal
    total: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class Schedule:
    rows: list[ScheduleRow]
    total_interest: Decimal
    total_principal: Decimal


def schedule_build(terms: ScheduleTerms) -> Schedule:
    """The repayment rows for `terms`; raises InvalidLoanTermsError naming the bad term."""
    _check_terms(terms)
    with localcontext(_CONTEXT):
        if terms.interest_method == FLAT:
            parts = _flat_parts(terms)
        elif terms.amortization == EQUAL_INSTALLMENTS:
            parts = _declining_equal_installment_parts(terms)
        else:
            parts = _declining_equal_principal_parts(terms)
    dues = _due_dates(terms, len(parts))
    rows = []
    outstanding = terms.principal
    for n, ((principal, interest), due) in enumerate(zip(parts, dues, strict=True), start=1):
        outstanding -= principal
        rows.append(
            ScheduleRow(
                n=n,
                due=due,
                principal=principal,
                interest=interest,
                total=principal + interest,
                outstanding=outstanding,
            )
        )
    return Schedule(
        rows=rows,
        total_interest=sum((row.interest for row in rows), ZERO),
        total_principal=sum((row.principal for row in rows), ZERO),
    )


# --- Rounding ---------------------------------------------------------------------------------


def _to_fen(amount: Decimal) -> Decimal:
    """Money is rounded to the fen HALF_EVEN (Fineract's Money with the default rounding)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_EVEN)


def _to_multiple(amount: Decimal, multiple: int) -> Decimal:
    """Fineract's Money.roundToMultiplesOf: the nearest multiple, halves rounded up."""
    step = Decimal(multiple)
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(FEN)


def _rate_per_period(terms: ScheduleTerms) -> Decimal:
    """Nominal annual rate over the periods in a year (Fineract's interest "same as repayment
    period"): 12 % a year is 1 % a month or 12/52 % a week, whatever the days in the period."""
    return terms.annual_rate / Decimal(100) / Decimal(PERIODS_PER_YEAR[terms.frequency])


# --- Principal and interest per period ----------------------------------------------------------

Parts = list[tuple[Decimal, Decimal]]  # (principal, interest) per period


def _declining_equal_installment_parts(terms: ScheduleTerms) -> Parts:
    """Equal instalments on the declining balance: after the grace periods every row pays the
    same instalment (the annuity over the periods that repay principal), of which the interest on
    what is still owed comes first; the last row pays off what is left. The schedule ends early
    if a rounded-up instalment has paid everything off before the last period."""
    rate = _rate_per_period(terms)
    paying_periods = terms.periods - terms.grace_principal
    instalment = _annuity(terms.principal, rate, paying_periods)
    if terms.multiple:
        instalment = _to_multiple(instalment, terms.multiple)
        if instalment <= _to_fen(terms.principal * rate):
            raise InvalidLoanTermsError(
                gettext(
                    "Rounded to a multiple of ¥%(multiple)s the instalment would not cover the "
                    "interest. Choose a smaller multiple."
                )
                % {"multiple": terms.multiple},
                field="multiple",
            )
    else:
        instalment = _to_fen(instalment)
    parts: Parts = []
    outstanding = terms.principal
    for n in range(1, terms.periods + 1):
        interest = _to_fen(outstanding * rate)
        if n <= terms.grace_principal:
            principal = ZERO
        elif n == terms.periods:
            principal = outstanding
        else:
            # Never negative: the instalment covers the first (largest) interest, checked above
            # for a multiple, and by the annuity itself when rounded to the fen.
            principal = min(instalment - interest, outstanding)
        parts.append((principal, interest))
        outstanding -= principal
        if not outstanding:
            break
    return parts


def _annuity(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """The instalment that repays `principal` in `periods` equal payments at `rate` a period
    (Fineract's FinancialFunctions.pmt, here in Decimal instead of double)."""
    if not rate:
        return principal / Decimal(periods)
    return principal * rate / (Decimal(1) - (Decimal(1) + rate) ** -periods)


def _declining_equal_principal_parts(terms: ScheduleTerms) -> Parts:
    """Equal principal on the declining balance: each paying period repays the principal over
    the paying periods, rounded to the fen, plus the interest on what is still owed; the last row
    takes the remainder. Fineract rounds no part of this method to a multiple, so neither do we."""
    rate = _rate_per_period(terms)
    share = _to_fen(terms.principal / Decimal(terms.periods - terms.grace_principal))
    parts: Parts = []
    outstanding = terms.principal
    for n in range(1, terms.periods + 1):
        interest = _to_fen(outstanding * rate)
        if n <= terms.grace_principal:
            principal = ZERO
        elif n == terms.periods:
            principal = outstanding
        else:
            principal = min(share, outstanding)
        parts.append((principal, interest))
        outstanding -= principal
        if not outstanding:
            break
    return parts


def _flat_parts(terms: ScheduleTerms) -> Parts:
    """Flat interest: the whole term's interest is worked out on the original principal and
    spread evenly over every period (grace periods included); principal is spread over the
    paying periods. With a multiple, Fineract rounds the principal part and the interest part
    each to the multiple and lets the principal absorb the interest's rounding, so every
    instalment is a multiple. Last rows take the remainders; a flat loan keeps all its rows."""
    rate = _rate_per_period(terms)
    total_interest = _to_fen(terms.principal * rate * Decimal(terms.periods))
    interest_share = _to_fen(total_interest / Decimal(terms.periods))
    principal_share = _to_fen(terms.principal / Decimal(terms.periods - terms.grace_principal))
    if terms.multiple and not _to_multiple(principal_share, terms.multiple):
        raise InvalidLoanTermsError(
            gettext(
                "Rounded to a multiple of ¥%(multiple)s each repayment of principal would be ¥0. "
                "Choose a smaller multiple."
            )
            % {"multiple": terms.multiple},
            field="multiple",
        )
    parts: Parts = []
    outstanding = terms.principal
    interest_left = total_interest
    for n in range(1, terms.periods + 1):
        last = n == terms.periods
        interest = interest_left if last else min(interest_share, interest_left)
        if n <= terms.grace_principal:
            principal = ZERO
        elif last:
            principal = outstanding
        elif terms.multiple:
            principal = (
                _to_multiple(principal_share, terms.multiple)
                + _to_multiple(interest, terms.multiple)
                - interest
            )
            principal = min(principal, outstanding)
        else:
            principal = min(principal_share, outstanding)
        parts.append((principal, interest))
        outstanding -= principal
        interest_left -= interest
    return parts


# --- Due dates ----------------------------------------------------------------------------------


def _due_dates(terms: ScheduleTerms, count: int) -> list[datetime.date]:
    """Due dates keep the day of the month of their anchor and fall back to the month's last day
    when a month is shorter; each is counted from the anchor, never from the previous date, so
    Jan 31 → Feb 28 → Mar 31. The anchor is the first due date (row 1 is on it) or, without one,
    the disbursement date (row 1 is one period after it)."""
    if terms.first_due is not None:
        anchor, offset = terms.first_due, 0
    else:
        anchor, offset = terms.disbursed_on or timezone.localdate(), 1
    if terms.frequency == WEEKLY:
        return [anchor + datetime.timedelta(weeks=k + offset) for k in range(count)]
    return [_add_months(anchor, k + offset) for k in range(count)]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Bounds -------------------------------------------------------------------------------------


def _check_terms(terms: ScheduleTerms) -> None:
    _check_principal(terms.principal)
    _check_rate(terms.annual_rate)
    _check_counts(terms)
    _check_choice(terms.frequency, FREQUENCIES, "frequency")
    _check_choice(terms.interest_method, INTEREST_METHODS, "interest_method")
    _check_choice(terms.amortization, AMORTIZATIONS, "amortization")
    _check_dates(terms)


def _check_principal(principal: object) -> None:
    if (
        not isinstance(principal, Decimal)
        or not principal.is_finite()
        or not ZERO < principal <= MAX_PRINCIPAL
        or principal != principal.quantize(FEN)
    ):
        raise InvalidLoanTermsError(
            gettext(
                "The amount must be more than ¥0 and at most ¥%(max)s, to the fen (two decimal "
                "places at most)."
            )
            % {"max": f"{MAX_PRINCIPAL:,}"},
            field="principal",
        )


def _check_rate(rate: object) -> None:
    if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate <= MAX_RATE:
        raise InvalidLoanTermsError(
            gettext("The annual interest rate must be between 0 and %(max)s per cent.")
            % {"max": MAX_RATE},
            field="annual_rate",
        )


def _is_count(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_counts(terms: ScheduleTerms) -> None:
    if not _is_count(terms.periods, 1, MAX_PERIODS):
        raise InvalidLoanTermsError(
            gettext("The number of repayments must be a whole number from 1 to %(max)s.")
            % {"max": MAX_PERIODS},
            field="periods",
        )
    if not _is_count(terms.grace_principal, 0, terms.periods - 1):
        raise InvalidLoanTermsError(
            gettext(
                "The periods of grace on principal must be a whole number from 0 to one fewer "
                "than the number of repayments (%(max)s)."
            )
            % {"max": terms.periods - 1},
            field="grace_principal",
        )
    if not _is_count(terms.multiple, 0, MAX_MULTIPLE):
        raise InvalidLoanTermsError(
            gettext(
                "The rounding multiple must be a whole number of yuan from 0 (to the fen) to "
                "%(max)s."
            )
            % {"max": MAX_MULTIPLE},
            field="multiple",
        )


def _check_choice(value: object, choices: tuple[str, ...], field: str) -> None:
    if value not in choices:
        raise InvalidLoanTermsError(
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)},
            field=field,
        )


def _check_dates(terms: ScheduleTerms) -> None:
    for field in ("first_due", "disbursed_on"):
        value = getattr(terms, field)
        if value is None:
            continue
        if (
            not isinstance(value, datetime.date)
            or isinstance(value, datetime.datetime)
            or not FIRST_YEAR <= value.year <= LAST_YEAR
        ):
            raise InvalidLoanTermsError(
                gettext("The date must be a day between the years %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                field=field,
            )
    if (
        terms.first_due is not None
        and terms.disbursed_on is not None
        and terms.first_due <= terms.disbursed_on
    ):
        raise InvalidLoanTermsError(
            gettext("The first repayment must fall after the day the loan is paid out."),
            field="first_due",
        )
