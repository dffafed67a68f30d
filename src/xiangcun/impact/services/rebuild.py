"""Building the daily fact tables from the other apps' records: one day at a time, in one
transaction, deleting the day's rows and writing them again (so a day built twice is the same),
then folding the month's reach and recording the day as built.

`facts_rebuild` builds a range of days (everything since the first sale, hire or loan by
default); `facts_refresh`, run every hour, builds the days since the last one built and the
older days whose records changed since then (an old order refunded today rebuilds its day)."""

import datetime
import time
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

from xiangcun.impact.errors import BadPeriodError
from xiangcun.impact.models import BuiltDay, ReachDay, ReachMonth
from xiangcun.impact.selectors.figures import impact_cache_warm
from xiangcun.impact.services.facts_people import (
    people_days_changed,
    people_facts_build,
    people_first_day,
)
from xiangcun.impact.services.facts_sales import (
    sales_days_changed,
    sales_facts_build,
    sales_first_day,
)
from xiangcun.impact.types import BuiltDayOut, RebuildOut

# Records saved this long before a build started may commit after it: look back that far.
CHANGE_MARGIN = datetime.timedelta(minutes=10)
# A rebuild never goes further back than this (a stray date in the records cannot make it
# build a century of empty days).
MAX_DAYS = 366 * 20


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def reach_month_fold(*, month: datetime.date) -> int:
    """Rewrite the ReachMonth rows of `month` (its first day) from its ReachDay rows: each
    resident, way and village once. One INSERT ... SELECT; returns the rows written."""
    month = month.replace(day=1)
    ReachMonth.objects.filter(month=month).delete()
    day_table = ReachDay._meta.db_table
    month_table = ReachMonth._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {month_table} "  # noqa: S608 (table names from the models, no input)
            "(month, way, resident_id, village_id, township_id, household_id, poor) "
            "SELECT %s, way, resident_id, village_id, MAX(township_id), MAX(household_id), "
            "MAX(CASE WHEN poor THEN 1 ELSE 0 END) = 1 "
            f"FROM {day_table} WHERE day >= %s AND day < %s "
            "GROUP BY way, resident_id, village_id",
            [adapt(month), adapt(month), adapt(_next_month(month))],
        )
        return max(cursor.rowcount, 0)


def _build(day: datetime.date, *, fold: bool) -> BuiltDayOut:
    started_at = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        # One builder per day at a time: the hourly refresh and a rebuild on demand would
        # otherwise both delete the day's rows and both insert them (a unique-key clash on
        # PostgreSQL). The day's BuiltDay row is the lock.
        BuiltDay.objects.get_or_create(day=day, defaults={"built_at": started_at})
        BuiltDay.objects.select_for_update().filter(day=day).first()
        rows = sales_facts_build(day=day)
        rows += people_facts_build(day=day)
        if fold:
            reach_month_fold(month=day.replace(day=1))
        seconds = time.monotonic() - started
        # built_at is when the build began: records changed after it are picked up next time.
        BuiltDay.objects.update_or_create(
            day=day, defaults={"built_at": started_at, "seconds": seconds, "rows": rows}
        )
    return BuiltDayOut(day=day, rows=rows, seconds=seconds)


def facts_rebuild_day(*, day: datetime.date) -> BuiltDayOut:
    """Rebuild one day's facts (sales, people, the month's reach) and mark it built, in one
    transaction. Building the same day again changes nothing."""
    return _build(day, fold=True)


def _rebuild_days(
    days: Iterable[datetime.date], progress: Callable[[int], object] | None
) -> RebuildOut:
    ordered = sorted(set(days))
    rows = 0
    seconds = 0.0
    if not ordered:
        return RebuildOut(days=(), rows=0, seconds=0.0)
    for index, day in enumerate(ordered):
        # The month is folded once, after its last day in the list.
        last_of_month = index + 1 == len(ordered) or ordered[index + 1].replace(
            day=1
        ) != day.replace(day=1)
        out = _build(day, fold=last_of_month)
        rows += out.rows
        seconds += out.seconds
        if progress is not None:
            progress(1)
    # Each day has committed: work out the dashboard's default figures now, so the first
    # reader after a rebuild does not wait for them (they are cached until the facts change).
    impact_cache_warm()
    return RebuildOut(days=tuple(ordered), rows=rows, seconds=seconds)


def facts_first_day() -> datetime.date | None:
    """The first day anything the facts count happened (a sale, a hire, a course, a loan)."""
    firsts = [day for day in (sales_first_day(), people_first_day()) if day is not None]
    return min(firsts) if firsts else None


def facts_rebuild(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    progress: Callable[[int], object] | None = None,
) -> RebuildOut:
    """Rebuild every day from `since` (default: the first day anything happened) to `until`
    (default: today, China time), both included. `progress(1)` is called after each day."""
    today = timezone.localdate()
    until = until or today
    since = since or facts_first_day() or until
    if since > until or (until - since).days > MAX_DAYS:
        raise BadPeriodError(field="since")
    days = [since + datetime.timedelta(days=n) for n in range((until - since).days + 1)]
    return _rebuild_days(days, progress)


def facts_days_to_refresh() -> list[datetime.date]:
    """The days `facts_refresh` would build now."""
    today = timezone.localdate()
    last = BuiltDay.objects.order_by("-day").values_list("day", flat=True).first()
    if last is None:
        first = facts_first_day() or today
        return [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]
    # Changes since the last day's build (every refresh builds it; a rebuild of old days on
    # demand does not, so it cannot hide what changed in between).
    last_built = BuiltDay.objects.filter(day=last).values_list("built_at", flat=True)[0]
    since = last_built - CHANGE_MARGIN
    days = {last + datetime.timedelta(days=n) for n in range(max((today - last).days, 0) + 1)}
    changed = sales_days_changed(since=since) | people_days_changed(since=since)
    days |= {day for day in changed if day <= today and (today - day).days <= MAX_DAYS}
    return sorted(days)


def facts_refresh(*, progress: Callable[[int], object] | None = None) -> RebuildOut:
    """Build the days from the last one built to today, and the days whose records changed
    since the last build (the hourly task)."""
    return _rebuild_days(facts_days_to_refresh(), progress)
