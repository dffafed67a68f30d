"""The public summary the county links to: county and township totals only, counts under 5
withheld (docs/impact-metrics.md, "Public page")."""

from django.db.models import Count

from xiangcun.impact.models import (
    BuyerDay,
    Direction,
)
from xiangcun.impact.selectors._common import (
    PUBLIC_MINIMUM,
    TARGETS,
    _cached,
)
from xiangcun.impact.selectors.figures import impact_areas, impact_summary
from xiangcun.impact.types import (
    PublicArea,
    PublicSummary,
    Scope,
)

# --- the public page ----------------------------------------------------------------------------


def _shown(count: int) -> int | None:
    return count if count >= PUBLIC_MINIMUM else None


def impact_public(scope: Scope) -> PublicSummary:
    """County (or one township's) totals and the townships, for anyone: no person, no household,
    no village; a count under 5 is None ("fewer than 5"), and so is money summed over fewer than
    5 buyers. Kept in the cache until the facts change."""
    return _cached("public", lambda: _public(scope), scope)


def _public(scope: Scope) -> PublicSummary:
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
