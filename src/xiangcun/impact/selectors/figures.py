"""The programme's figures for a scope, read from the daily fact tables only (impact/models.py),
never from raw orders: headline summary, series, areas, poor households and the public page.

Each figure is defined in docs/impact-metrics.md. Sums and distinct counts run in SQL with a
fixed number of queries whatever the number of rows. A distinct count of residents over a period
reads ReachMonth for the whole months inside it and ReachDay for the partial months at its ends,
distinct over the union, so a year reads about a twelfth of the day rows.
"""

import calendar
import dataclasses
import datetime
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncYear

from xiangcun.accounts.selectors import poor_households
from xiangcun.impact.errors import UnknownGrainError, UnknownMetricError
from xiangcun.impact.models import (
    BuiltDay,
    BuyerDay,
    Direction,
    IncomeDay,
    IncomeKind,
    JobsDay,
    LoansDay,
    ReachDay,
    ReachMonth,
    SalesDay,
    TrainingDay,
    Way,
)
from xiangcun.impact.types import (
    AreaRow,
    DirectionFigures,
    HouseholdPage,
    HouseholdRow,
    Period,
    PublicArea,
    PublicSummary,
    Scope,
    SeriesPoint,
    Summary,
)
from xiangcun.regions.selectors import townships_list, villages_for_township

__all__ = [
    "GRAINS",
    "METRICS",
    "TARGETS",
    "impact_areas",
    "impact_as_of",
    "impact_cache_warm",
    "impact_households",
    "impact_period",
    "impact_public",
    "impact_series",
    "impact_summary",
]

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


# --- the summary --------------------------------------------------------------------------------


def _sum(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def _direction_figures(period: Period, scope: Scope) -> dict[str, DirectionFigures]:
    sales = SalesDay.objects.filter(_area_q(scope), day__range=(period.date_from, period.date_to))
    if scope.category_id is not None:
        sales = sales.filter(category_id=scope.category_id)
    totals = {
        row["direction"]: row
        for row in sales.order_by()
        .values("direction")
        .annotate(amount=Sum("amount"), orders=Sum("orders"))
    }
    buyers = {
        row["direction"]: row["n"]
        for row in BuyerDay.objects.filter(
            _area_q(scope), day__range=(period.date_from, period.date_to)
        )
        .order_by()
        .values("direction")
        .annotate(n=Count("buyer_id", distinct=True))
    }
    return {
        direction: DirectionFigures(
            amount=_sum(totals.get(direction, {}).get("amount")),
            orders=int(totals.get(direction, {}).get("orders") or 0),
            buyers=int(buyers.get(direction, 0)),
        )
        for direction in Direction.values
    }


def _certified_share(period: Period, scope: Scope) -> Decimal | None:
    sales = SalesDay.objects.filter(
        _area_q(scope),
        day__range=(period.date_from, period.date_to),
        direction__in=(Direction.UPWARD, Direction.LOCAL),
    )
    if scope.category_id is not None:
        sales = sales.filter(category_id=scope.category_id)
    row = sales.aggregate(total=Sum("amount"), certified=Sum("amount", filter=Q(certified=True)))
    total = _sum(row["total"])
    if not total:
        return None
    return (_sum(row["certified"]) / total).quantize(Decimal("0.0001"))


def _last_built_day(on_or_before: datetime.date) -> datetime.date | None:
    return (
        BuiltDay.objects.filter(day__lte=on_or_before)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def _empty_summary(as_of: datetime.datetime | None) -> Summary:
    nothing = DirectionFigures(amount=ZERO, orders=0, buyers=0)
    return Summary(
        period=None,
        residents_reached=0,
        residents_by_way=dict.fromkeys(WAYS, 0),
        residents_reached_total=0,
        poor_households_reached=0,
        poor_households_total=0,
        poor_household_income=ZERO,
        jobs_filled=0,
        jobs_employed=0,
        jobs_by_role={},
        upward=nothing,
        downward=nothing,
        local=nothing,
        local_seller_income=ZERO,
        certified_share=None,
        loans_disbursed_count=0,
        loans_disbursed_amount=ZERO,
        loans_outstanding=ZERO,
        loans_at_risk=ZERO,
        training_completions=0,
        targets=dict(TARGETS),
        as_of=as_of,
    )


def impact_summary(scope: Scope) -> Summary:
    """The headline figures of the scope (docs/impact-metrics.md). The product type narrows the
    sales figures (amounts, orders, certified share) only: the other facts are not kept by it.
    Jobs and loans are placed at townships: a village's scope reads its township's. Kept in the
    cache until the facts change; the register of poor households is read each time."""
    summary = _cached("summary", lambda: _summary(scope), scope)
    total = len(poor_households(township_id=scope.township_id, village_id=scope.village_id))
    return dataclasses.replace(summary, poor_households_total=total)


def _summary(scope: Scope) -> Summary:
    as_of = impact_as_of()
    period = impact_period(scope)
    if period is None:
        return _empty_summary(as_of)
    first, last = period.date_from, period.date_to
    days = (first, last)
    area = _area_q(scope)
    township = _township_q(scope)

    reached, by_way, poor_reached = _reach_counts(first, last, scope)
    start = BuiltDay.objects.aggregate(first=Min("day"))["first"] or first
    # A period from the first built day already is "since the start".
    reached_total = reached if start >= first else _residents_count(start, last, scope)

    income = IncomeDay.objects.filter(area, day__range=days).aggregate(
        poor=Sum("amount", filter=Q(poor=True)),
        payouts=Sum("amount", filter=Q(kind=IncomeKind.PAYOUT, seller_id__isnull=False)),
    )

    jobs = JobsDay.objects.filter(township)
    jobs_by_role = {
        row["role"]: int(row["n"])
        for row in jobs.filter(day__range=days)
        .order_by()
        .values("role")
        .annotate(n=Sum("hires"))
        .order_by("-n", "role")
    }
    employed = jobs.filter(day__lte=last).aggregate(n=Sum("hires"))["n"] or 0

    loans = LoansDay.objects.filter(township).aggregate(
        count=Sum("disbursed_count", filter=Q(day__range=days)),
        amount=Sum("disbursed_amount", filter=Q(day__range=days)),
    )
    loans_day = _last_built_day(last)
    standing = (
        LoansDay.objects.filter(township, day=loans_day).aggregate(
            outstanding=Sum("outstanding_amount"), at_risk=Sum("at_risk_amount")
        )
        if loans_day is not None
        else {"outstanding": None, "at_risk": None}
    )
    training = TrainingDay.objects.filter(area, day__range=days).aggregate(n=Sum("completions"))

    directions = _direction_figures(period, scope)
    return Summary(
        period=period,
        residents_reached=reached,
        residents_by_way=by_way,
        residents_reached_total=reached_total,
        poor_households_reached=poor_reached,
        poor_households_total=0,  # read live by impact_summary
        poor_household_income=_sum(income["poor"]),
        jobs_filled=sum(jobs_by_role.values()),
        jobs_employed=int(employed),
        jobs_by_role=jobs_by_role,
        upward=directions[Direction.UPWARD],
        downward=directions[Direction.DOWNWARD],
        local=directions[Direction.LOCAL],
        local_seller_income=_sum(income["payouts"]),
        certified_share=_certified_share(period, scope),
        loans_disbursed_count=int(loans["count"] or 0),
        loans_disbursed_amount=_sum(loans["amount"]),
        loans_outstanding=_sum(standing["outstanding"]),
        loans_at_risk=_sum(standing["at_risk"]),
        training_completions=int(training["n"] or 0),
        targets=dict(TARGETS),
        as_of=as_of,
    )


# --- series -------------------------------------------------------------------------------------


def _buckets(period: Period, grain: str) -> list[datetime.date]:
    starts: list[datetime.date] = []
    if grain == "day":
        day = period.date_from
        while day <= period.date_to:
            starts.append(day)
            day += datetime.timedelta(days=1)
    elif grain == "month":
        day = _month_start(period.date_from)
        while day <= period.date_to:
            starts.append(day)
            day = _next_month(day)
    else:
        year = period.date_from.year
        while year <= period.date_to.year:
            starts.append(datetime.date(year, 1, 1))
            year += 1
    return starts


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _sums_by_bucket(
    rows: QuerySet[Any], field: str, grain: str, *, money: bool
) -> dict[datetime.date, int | Decimal]:
    if grain == "month":
        rows = rows.annotate(bucket=TruncMonth("day"))
    elif grain == "year":
        rows = rows.annotate(bucket=TruncYear("day"))
    key = "day" if grain == "day" else "bucket"
    found: dict[datetime.date, int | Decimal] = {}
    for row in rows.order_by().values(key).annotate(total=Sum(field)):
        value = row["total"]
        found[_as_date(row[key])] = _sum(value) if money else int(value or 0)
    return found


def _reach_by_bucket(period: Period, scope: Scope, grain: str) -> dict[datetime.date, int]:
    first, last = period.date_from, period.date_to
    area = _area_q(scope)
    if grain == "day":
        return {
            _as_date(row["day"]): int(row["n"])
            for row in ReachDay.objects.filter(area, day__range=(first, last))
            .order_by()
            .values("day")
            .annotate(n=Count("resident_id", distinct=True))
        }
    if grain == "year":
        return {
            start: _residents_count(
                max(first, start), min(last, start.replace(month=12, day=31)), scope
            )
            for start in _buckets(period, "year")
        }
    months, days = _split(first, last)
    found: dict[datetime.date, int] = {}
    if months is not None:
        found.update(
            (_as_date(row["month"]), int(row["n"]))
            for row in ReachMonth.objects.filter(area, month__range=months)
            .order_by()
            .values("month")
            .annotate(n=Count("resident_id", distinct=True))
        )
    for span_first, span_last in days:
        # A partial month at an end of the period (both ends may be in one month).
        for start in _buckets(Period(span_first, span_last), "month"):
            found[start] = _residents_count(
                max(span_first, start), min(span_last, _month_end(start)), scope
            )
    return found


def impact_series(scope: Scope, *, metric: str, grain: str = "month") -> list[SeriesPoint]:
    """One figure over the scope's period by day, month or year, every step present (zero where
    nothing happened). `metric` is one of METRICS; UnknownMetricError, UnknownGrainError."""
    if metric not in METRICS:
        raise UnknownMetricError(field="metric")
    if grain not in GRAINS:
        raise UnknownGrainError(field="grain")
    return _cached("series", lambda: _series(scope, metric, grain), scope, metric, grain)


def _series(scope: Scope, metric: str, grain: str) -> list[SeriesPoint]:
    period = impact_period(scope)
    if period is None or period.date_from > period.date_to:
        return []
    days = (period.date_from, period.date_to)
    area = _area_q(scope)
    found: dict[datetime.date, int | Decimal]
    money = True
    if metric == "residents_reached":
        found = dict(_reach_by_bucket(period, scope, grain))
        money = False
    elif metric.endswith("_sales"):
        sales = SalesDay.objects.filter(
            area, day__range=days, direction=metric.removesuffix("_sales")
        )
        if scope.category_id is not None:
            sales = sales.filter(category_id=scope.category_id)
        found = _sums_by_bucket(sales, "amount", grain, money=True)
    elif metric == "hires":
        found = _sums_by_bucket(
            JobsDay.objects.filter(_township_q(scope), day__range=days), "hires", grain, money=False
        )
        money = False
    elif metric == "training_completions":
        found = _sums_by_bucket(
            TrainingDay.objects.filter(area, day__range=days), "completions", grain, money=False
        )
        money = False
    elif metric == "loans_disbursed":
        found = _sums_by_bucket(
            LoansDay.objects.filter(_township_q(scope), day__range=days),
            "disbursed_amount",
            grain,
            money=True,
        )
    else:  # local_seller_income
        found = _sums_by_bucket(
            IncomeDay.objects.filter(
                area, day__range=days, kind=IncomeKind.PAYOUT, seller_id__isnull=False
            ),
            "amount",
            grain,
            money=True,
        )
    empty: int | Decimal = ZERO if money else 0
    return [SeriesPoint(start, found.get(start, empty)) for start in _buckets(period, grain)]


# --- areas --------------------------------------------------------------------------------------


def _grouped_sums(rows: QuerySet[Any], key: str, field: str) -> dict[int, Any]:
    return {
        row[key]: row["total"]
        for row in rows.order_by().values(key).annotate(total=Sum(field))
        if row[key] is not None
    }


def impact_areas(scope: Scope) -> list[AreaRow]:
    """The townships of the county, or the villages of the scope's township (a village's scope
    lists its township's villages), each with its figures for the period, most residents reached
    first. A village's hires are its residents hired (jobs are placed at the posting's
    township)."""
    return _cached("areas", lambda: _areas(scope), scope)


def _areas(scope: Scope) -> list[AreaRow]:
    as_township = scope.township_id is None
    if as_township:
        places = [(t.id, t.code, t.name, t.name_en) for t in townships_list()]
    else:
        places = [
            (v.id, v.code, v.name, v.name_en)
            for v in villages_for_township(township_code=scope.township_code)
        ]
    key = "township_id" if as_township else "village_id"
    area_scope = Scope(
        township_id=scope.township_id,
        category_id=scope.category_id,
        township_code=scope.township_code,
    )
    period = impact_period(scope)
    reached: dict[int, tuple[int, int]] = {}
    hires: dict[int, Any] = {}
    upward: dict[int, Any] = {}
    downward: dict[int, Any] = {}
    income: dict[int, Any] = {}
    if period is not None and period.date_from <= period.date_to:
        days = (period.date_from, period.date_to)
        area = _area_q(area_scope)
        union = _reach_union(
            period.date_from,
            period.date_to,
            area_scope,
            (key, "resident_id", "household_id", "poor"),
        )
        if union is not None:
            sql, params = union
            reached = {
                place: (int(residents), int(households))
                for place, residents, households in _fetch(
                    f"WITH u AS ({sql}) SELECT {key}, COUNT(DISTINCT resident_id), "  # noqa: S608
                    "COUNT(DISTINCT CASE WHEN poor THEN household_id END) "
                    f"FROM u GROUP BY {key}",
                    params,
                )
            }
        if as_township:
            hires = _grouped_sums(JobsDay.objects.filter(day__range=days), key, "hires")
        else:
            hires = {
                row[key]: row["total"]
                for row in ReachDay.objects.filter(area, day__range=days, way=Way.EMPLOYED)
                .order_by()
                .values(key)
                .annotate(total=Count("id"))
            }
        sales = SalesDay.objects.filter(area, day__range=days)
        if scope.category_id is not None:
            sales = sales.filter(category_id=scope.category_id)
        upward = _grouped_sums(sales.filter(direction=Direction.UPWARD), key, "amount")
        downward = _grouped_sums(sales.filter(direction=Direction.DOWNWARD), key, "amount")
        income = _grouped_sums(
            IncomeDay.objects.filter(
                area, day__range=days, kind=IncomeKind.PAYOUT, seller_id__isnull=False
            ),
            key,
            "amount",
        )
    rows = [
        AreaRow(
            id=place_id,
            code=code,
            name=name,
            name_en=name_en,
            residents_reached=reached.get(place_id, (0, 0))[0],
            poor_households_reached=reached.get(place_id, (0, 0))[1],
            hires=int(hires.get(place_id) or 0),
            upward_sales=_sum(upward.get(place_id)),
            downward_sales=_sum(downward.get(place_id)),
            local_seller_income=_sum(income.get(place_id)),
        )
        for place_id, code, name, name_en in places
    ]
    rows.sort(key=lambda row: (-row.residents_reached, -row.upward_sales, row.code))
    return rows


# --- poor households ----------------------------------------------------------------------------


def impact_households(
    scope: Scope, *, reached: bool | None = None, limit: int = 50, offset: int = 0
) -> HouseholdPage:
    """The registered poor households (建档立卡) of the scope's place, by village, each with the
    ways its members were reached in the period and what they were paid (seller payouts and
    wages). `reached` False lists those not reached in the period: with no dates, since the
    programme started (the list agents work through). No member's ID number is read."""
    limit = max(1, min(int(limit), HOUSEHOLDS_LIMIT_MAX))
    offset = max(0, int(offset))
    households = poor_households(township_id=scope.township_id, village_id=scope.village_id)
    period = impact_period(scope)
    ways: dict[int, set[str]] = {}
    if period is not None and period.date_from <= period.date_to:
        union = _reach_union(
            period.date_from, period.date_to, Scope(), ("household_id", "way"), Q(poor=True)
        )
        if union is not None:
            sql, params = union
            for household_id, way in _fetch(sql, params):
                if household_id is not None:
                    ways.setdefault(int(household_id), set()).add(way)
    if reached is not None:
        households = [h for h in households if (h.id in ways) == reached]
    total = len(households)
    page = households[offset : offset + limit]
    paid: dict[tuple[int, str], Decimal] = {}
    if page and period is not None:
        for row in (
            IncomeDay.objects.filter(
                household_id__in=[h.id for h in page],
                day__range=(period.date_from, period.date_to),
            )
            .order_by()
            .values("household_id", "kind")
            .annotate(total=Sum("amount"))
        ):
            paid[(row["household_id"], row["kind"])] = _sum(row["total"])
    villages: dict[int, tuple[str, str, str]] = {}
    townships = {t.id: t.code for t in townships_list()} if page else {}
    for township_id in sorted({h.township_id for h in page}):
        code = townships.get(township_id)
        if code:
            villages.update(
                (v.id, (v.code, v.name, v.name_en))
                for v in villages_for_township(township_code=code)
            )
    order = {way: index for index, way in enumerate(WAYS)}
    rows = []
    for household in page:
        code, name, name_en = villages.get(household.village_id, ("", "", ""))
        payouts = paid.get((household.id, IncomeKind.PAYOUT), ZERO)
        wages = paid.get((household.id, IncomeKind.WAGE), ZERO)
        rows.append(
            HouseholdRow(
                id=household.id,
                head_name=household.head_name,
                register_number=household.register_number,
                village_id=household.village_id,
                village_code=code,
                village_name=name,
                village_name_en=name_en,
                township_id=household.township_id,
                members=household.members,
                ways=tuple(sorted(ways.get(household.id, ()), key=order.__getitem__)),
                income=payouts + wages,
                payouts=payouts,
                wages=wages,
            )
        )
    return HouseholdPage(rows=rows, total=total, limit=limit, offset=offset)


# --- the public page ----------------------------------------------------------------------------


def _shown(count: int) -> int | None:
    return count if count >= PUBLIC_MINIMUM else None


def impact_public(scope: Scope) -> PublicSummary:
    """County (or one township's) totals and the townships, for anyone: no person, no household,
    no village; a count under 5 is None ("fewer than 5"), and so is money summed over fewer than
    5 buyers."""
    public = Scope(
        date_from=scope.date_from,
        date_to=scope.date_to,
        township_id=scope.township_id,
        township_code=scope.township_code,
    )
    summary = impact_summary(public)
    county = Scope(date_from=scope.date_from, date_to=scope.date_to)
    rows = impact_areas(county)
    townships: list[PublicArea] = []
    period = summary.period
    buyers: dict[tuple[int, str], int] = {}
    if period is not None:
        for row in (
            BuyerDay.objects.filter(day__range=(period.date_from, period.date_to))
            .order_by()
            .values("township_id", "direction")
            .annotate(n=Count("buyer_id", distinct=True))
        ):
            if row["township_id"] is not None:
                buyers[(row["township_id"], row["direction"])] = int(row["n"])
    for area in rows:
        if scope.township_id is not None and area.id != scope.township_id:
            continue
        up = buyers.get((area.id, Direction.UPWARD), 0) >= PUBLIC_MINIMUM
        down = buyers.get((area.id, Direction.DOWNWARD), 0) >= PUBLIC_MINIMUM
        townships.append(
            PublicArea(
                code=area.code,
                name=area.name,
                name_en=area.name_en,
                residents_reached=_shown(area.residents_reached),
                jobs_filled=_shown(area.hires),
                upward_sales=area.upward_sales if up else None,
                downward_sales=area.downward_sales if down else None,
            )
        )
    return PublicSummary(
        period=period,
        residents_reached=_shown(summary.residents_reached),
        residents_by_way={way: _shown(n) for way, n in summary.residents_by_way.items()},
        poor_households_reached=_shown(summary.poor_households_reached),
        jobs_filled=_shown(summary.jobs_filled),
        upward_sales=(summary.upward.amount if summary.upward.buyers >= PUBLIC_MINIMUM else None),
        downward_sales=(
            summary.downward.amount if summary.downward.buyers >= PUBLIC_MINIMUM else None
        ),
        training_completions=_shown(summary.training_completions),
        townships=townships,
        targets=dict(TARGETS),
        as_of=summary.as_of,
    )


# --- warming the cache after a rebuild ----------------------------------------------------------


def impact_cache_warm() -> int:
    """Work out the dashboard's default figures (the county and each township, whole period:
    summary, areas and the monthly series) so the first reader after a rebuild finds them in the
    cache. For the rebuild task to call once it has committed; returns how many were computed."""
    scopes = [Scope()] + [
        Scope(township_id=township.id, township_code=township.code) for township in townships_list()
    ]
    for scope in scopes:
        impact_summary(scope)
        impact_areas(scope)
        for metric in METRICS:
            impact_series(scope, metric=metric, grain="month")
    return len(scopes) * (2 + len(METRICS))
