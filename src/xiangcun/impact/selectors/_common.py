"""What every figure of the impact app shares: the targets and limits, the cache kept until the
facts change, periods split into whole months and the days at their ends, and the distinct count
of residents reached over ReachMonth and ReachDay (see figures.py)."""

import calendar
import datetime
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Min, Q, QuerySet

from xiangcun.impact.models import (
    BuiltDay,
    BuyerDay,
    IncomeDay,
    JobsDay,
    LoansDay,
    ReachDay,
    ReachMonth,
    SalesDay,
    TrainingDay,
    Way,
)
from xiangcun.impact.types import (
    Period,
    Scope,
)

TARGETS = {"residents": 30000, "jobs": 2000}
WAYS: tuple[str, ...] = tuple(Way.values)
METRICS: tuple[str, ...] = (
    "residents_reached",
    "upward_sales",
    "downward_sales",
    "local_sales",
    "hires",
    "training_completions",
    "loans_disbursed",
    "local_seller_income",
)
GRAINS: tuple[str, ...] = ("day", "month", "year")
HOUSEHOLDS_LIMIT_MAX = 500
# The public page shows no count under this, and no money summed over fewer people.
PUBLIC_MINIMUM = 5

ZERO = Decimal("0.00")


# --- the figures are as of the last rebuild: kept in the cache until the facts change ---------

# Long enough to outlast the hourly rebuild; a rebuild changes the key anyway.
CACHE_SECONDS = 2 * 3600
_FACT_TABLES = (ReachDay, ReachMonth, SalesDay, BuyerDay, IncomeDay, JobsDay, LoansDay, TrainingDay)


def _facts_version() -> str:
    """What changes whenever the facts do: the newest rebuild and each fact table's highest id
    (a rebuild deletes a day's rows and writes new ones). One query on indexes."""
    # The SQL holds only our own table names.
    tables = [model._meta.db_table for model in _FACT_TABLES]
    built = BuiltDay._meta.db_table
    parts = [f"(SELECT MAX(id) FROM {table})" for table in tables]  # noqa: S608
    parts += [f"(SELECT MAX(built_at) FROM {built})", f"(SELECT COUNT(*) FROM {built})"]  # noqa: S608
    return repr(_fetch("SELECT " + ", ".join(parts), ())[0])


T = TypeVar("T")


def _cached(name: str, compute: Callable[[], T], *key: object) -> T:
    digest = hashlib.sha256(repr((_facts_version(), key)).encode()).hexdigest()[:32]
    cache_key = f"impact:{name}:{digest}"
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, CACHE_SECONDS)
    return found


# --- periods ------------------------------------------------------------------------------------


def impact_as_of() -> datetime.datetime | None:
    """When the figures were last rebuilt (the newest BuiltDay.built_at); None before any."""
    return BuiltDay.objects.aggregate(at=Max("built_at"))["at"]


def impact_period(scope: Scope) -> Period | None:
    """The scope's days with its open ends filled from the built days (from the first built, to
    the last); None when an end is open and nothing is built yet."""
    if scope.date_from is not None and scope.date_to is not None:
        return Period(scope.date_from, scope.date_to)
    bounds = BuiltDay.objects.aggregate(first=Min("day"), last=Max("day"))
    first = scope.date_from or bounds["first"]
    last = scope.date_to or bounds["last"]
    if first is None or last is None:
        return None
    return Period(first, last)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: datetime.date) -> datetime.date:
    return (_month_end(day) + datetime.timedelta(days=1)).replace(day=1)


def _split(
    first: datetime.date, last: datetime.date
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """The whole months inside [first, last] (as a range of month starts) and the day ranges
    left at its ends."""
    if first > last:
        return None, []
    whole_from = first if first.day == 1 else _next_month(first)
    if last == _month_end(last):
        whole_to = _month_start(last)
    else:
        whole_to = _month_start(_month_start(last) - datetime.timedelta(days=1))
    if whole_from > whole_to or _month_end(whole_to) > last:
        return None, [(first, last)]
    days: list[tuple[datetime.date, datetime.date]] = []
    if first < whole_from:
        days.append((first, whole_from - datetime.timedelta(days=1)))
    after = _month_end(whole_to) + datetime.timedelta(days=1)
    if after <= last:
        days.append((after, last))
    return (whole_from, whole_to), days


# --- residents reached: distinct over ReachMonth and ReachDay -----------------------------------


def _area_q(scope: Scope) -> Q:
    if scope.village_id is not None:
        return Q(village_id=scope.village_id)
    if scope.township_id is not None:
        return Q(township_id=scope.township_id)
    return Q()


def _township_q(scope: Scope) -> Q:
    """For facts placed at a township only (jobs, loans): a village's scope reads its township."""
    return Q(township_id=scope.township_id) if scope.township_id is not None else Q()


def _reach_union(
    first: datetime.date,
    last: datetime.date,
    scope: Scope,
    columns: Sequence[str],
    also: Q | None = None,
) -> tuple[str, tuple[Any, ...]] | None:
    """SQL (and its parameters) of the distinct rows of `columns` of everyone reached in
    [first, last] in the scope's place; None for an empty period."""
    months, days = _split(first, last)
    area = _area_q(scope) & (also or Q())
    parts: list[QuerySet[Any]] = []
    if months is not None:
        parts.append(
            ReachMonth.objects.filter(area, month__range=months).order_by().values_list(*columns)
        )
    parts.extend(
        ReachDay.objects.filter(area, day__range=span).order_by().values_list(*columns)
        for span in days
    )
    if not parts:
        return None
    query = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct()
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run SQL wrapped around a union the ORM compiled (its values are parameters; the text
    around it is constant), so the database counts distinct rows without Python loops."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _reach_counts(
    first: datetime.date, last: datetime.date, scope: Scope
) -> tuple[int, dict[str, int], int]:
    """Distinct residents reached, by way, and distinct poor households reached."""
    by_way = dict.fromkeys(WAYS, 0)
    union = _reach_union(first, last, scope, ("way", "resident_id", "household_id", "poor"))
    if union is None:
        return 0, by_way, 0
    sql, params = union
    rows = _fetch(
        f"WITH u AS ({sql}) "  # noqa: S608
        "SELECT 1, way, COUNT(DISTINCT resident_id) FROM u GROUP BY way "
        "UNION ALL SELECT 2, '', COUNT(DISTINCT resident_id) FROM u "
        "UNION ALL SELECT 3, '', COUNT(DISTINCT household_id) FROM u WHERE poor",
        params,
    )
    total = poor = 0
    for kind, way, count in rows:
        if kind == 1:
            by_way[way] = int(count)
        elif kind == 2:
            total = int(count)
        else:
            poor = int(count)
    return total, by_way, poor


def _residents_count(first: datetime.date, last: datetime.date, scope: Scope) -> int:
    union = _reach_union(first, last, scope, ("resident_id",))
    if union is None:
        return 0
    sql, params = union
    return int(_fetch(f"SELECT COUNT(*) FROM ({sql}) u", params)[0][0])  # noqa: S608


def _sum(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def _month_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def preset_periods(
    today: datetime.date,
) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """The periods people ask for most, as (code, first day, last day); None ends are open
    (since the start). The dashboard links to them and the rebuild warms the county's."""
    month_start = today.replace(day=1)
    last_month_end = month_start - datetime.timedelta(days=1)
    return [
        ("this_month", month_start, today),
        ("last_month", last_month_end.replace(day=1), last_month_end),
        ("this_year", today.replace(month=1, day=1), today),
        ("last_12_months", _month_back(today, 12) + datetime.timedelta(days=1), today),
        ("since_start", None, None),
    ]
