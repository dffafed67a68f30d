"""The programme's figures for a scope, read from the daily fact tables only (impact/models.py),
never from raw orders: headline summary, series, areas, poor households and the public page.

Each figure is defined in docs/impact-metrics.md. Sums and distinct counts run in SQL with a
fixed number of queries whatever the number of rows. A distinct count of residents over a period
reads ReachMonth for the whole months inside it and ReachDay for the partial months at its ends,
distinct over the union, so a year reads about a twelfth of the day rows.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import timezone

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
from xiangcun.impact.selectors._common import (
    GRAINS,
    METRICS,
    TARGETS,
    WAYS,
    ZERO,
    _area_q,
    _cached,
    _fetch,
    _month_end,
    _month_start,
    _next_month,
    _reach_counts,
    _reach_union,
    _residents_count,
    _split,
    _sum,
    _township_q,
    impact_as_of,
    impact_period,
    preset_periods,
)
from xiangcun.impact.types import (
    AreaRow,
    DirectionFigures,
    Period,
    Scope,
    SeriesPoint,
    Summary,
)
from xiangcun.regions.selectors import townships_list, villages_for_township

__all__ = [
    "GRAINS",
    "METRICS",
    "TARGETS",
    "grain_for",
    "impact_areas",
    "impact_as_of",
    "impact_cache_warm",
    "impact_period",
    "impact_series",
    "impact_summary",
]

# --- the summary --------------------------------------------------------------------------------


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


# --- warming the cache after a rebuild ----------------------------------------------------------


# --- the step a trend is drawn in ----------------------------------------------------------------

DAY_GRAIN_MAX_DAYS = 62  # two months by day; up to three years by month; longer by year
MONTH_GRAIN_MAX_DAYS = 3 * 366


def grain_for(period: Period | None) -> str:
    """The step a trend is drawn in, from the length of the period."""
    if period is None:
        return "month"
    days = (period.date_to - period.date_from).days + 1
    if days <= DAY_GRAIN_MAX_DAYS:
        return "day"
    if days <= MONTH_GRAIN_MAX_DAYS:
        return "month"
    return "year"


def impact_cache_warm() -> int:
    """Work out the dashboard's default figures (the county for each preset period, each
    township for the whole period: summary, areas and the series in the dashboard's step) so the
    first reader after a rebuild finds them in the cache. The rebuild calls it once its days have
    committed; returns how many figures were computed."""
    today = timezone.localdate()
    scopes = [Scope(date_from=first, date_to=last) for _code, first, last in preset_periods(today)]
    scopes += [
        Scope(township_id=township.id, township_code=township.code) for township in townships_list()
    ]
    for scope in scopes:
        grain = grain_for(impact_summary(scope).period)
        impact_areas(scope)
        for metric in METRICS:
            impact_series(scope, metric=metric, grain=grain)
    return len(scopes) * (2 + len(METRICS))
