"""The programme manager's dashboard: the headline figures against the programme's targets,
trends, townships (or a township's villages) ranked, with drill-down and filters.

Every chart has its numbers in a table beside it; the charts are drawn by impact/charts.js with
the vendored ECharts from data the page carries (json_script), so the page reads fully without
JavaScript and the Content-Security-Policy needs no inline script."""

import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from xiangcun.impact.models import Direction, Way
from xiangcun.impact.selectors.figures import (
    grain_for,
    impact_areas,
    impact_series,
    impact_summary,
)
from xiangcun.impact.services._common import require_impact_viewer
from xiangcun.impact.types import AreaRow, SeriesPoint, Summary
from xiangcun.impact.views._filters import (
    Filters,
    county_name,
    crumbs,
    filters_read,
    period_presets,
    place_name,
)
from xiangcun.jobs.types import JobRole

# The trend charts: (key, title, chart kind, money?, the series it draws with their names).
TRENDS: tuple[tuple[str, Any, str, bool, tuple[tuple[str, Any], ...]], ...] = (
    ("reach", _("Residents reached"), "line", False, (("residents_reached", _("Residents")),)),
    (
        "sales",
        _("Sales"),
        "line",
        True,
        (
            ("upward_sales", Direction.UPWARD.label),
            ("downward_sales", Direction.DOWNWARD.label),
            ("local_sales", Direction.LOCAL.label),
        ),
    ),
    (
        "people",
        _("Hires and training"),
        "bar",
        False,
        (("hires", _("Hires")), ("training_completions", _("Training completions"))),
    ),
    (
        "money",
        _("Income paid and loans"),
        "bar",
        True,
        (
            ("local_seller_income", _("Income paid to local sellers")),
            ("loans_disbursed", _("Loans disbursed")),
        ),
    ),
)


def step_label(start: datetime.date, grain: str) -> str:
    """A step of a series as an axis label: 2026-03-05, 2026-03 or 2026 (the same in both
    languages, and short enough for a phone's axis)."""
    if grain == "day":
        return start.isoformat()
    if grain == "month":
        return f"{start:%Y-%m}"
    return f"{start:%Y}"


def share(part: int | Decimal, whole: int) -> Decimal:
    """Per cent of a target reached, to a tenth, rounded down (99.96 % is not yet 100 %)."""
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def _trend(
    key: str,
    title: Any,
    kind: str,
    money: bool,
    lines: tuple[tuple[str, Any], ...],
    series: dict[str, list[SeriesPoint]],
    grain: str,
) -> dict[str, Any]:
    first = series[lines[0][0]]
    labels = [step_label(point.start, grain) for point in first]
    drawn = [
        {"name": str(name), "values": [point.value for point in series[metric]]}
        for metric, name in lines
    ]
    rows = [
        {"label": label, "values": [line["values"][index] for line in drawn]}
        for index, label in enumerate(labels)
    ]
    return {
        "key": key,
        "title": title,
        "money": money,
        "columns": [line["name"] for line in drawn],
        "rows": rows,
        "spec": {"kind": kind, "money": money, "labels": labels, "series": drawn},
    }


def _ways_chart(summary: Summary) -> dict[str, Any]:
    labels = [str(way.label) for way in Way]
    values = [summary.residents_by_way.get(way.value, 0) for way in Way]
    return {
        "rows": list(zip(labels, values, strict=True)),
        "spec": {
            "kind": "bar",
            "money": False,
            "labels": labels,
            "series": [{"name": str(_("Residents")), "values": values}],
        },
    }


def _areas_chart(areas: list[AreaRow], filters: Filters) -> dict[str, Any]:
    township = filters.values["township"]
    rows = []
    for area in areas:
        if township:
            url = filters.url(township=township, village=area.code)
        else:
            url = filters.url(township=area.code, village="")
        rows.append(
            {
                "area": area,
                "name": place_name(area.name, area.name_en),
                "url": url,
                "current": area.code == filters.values["village"],
            }
        )
    labels = [row["name"] for row in rows]
    return {
        "rows": rows,
        "spec": {
            "kind": "hbar",
            "money": False,
            "labels": labels,
            "series": [
                {
                    "name": str(_("Residents reached")),
                    "values": [area.residents_reached for area in areas],
                }
            ],
        },
    }


def _jobs_by_role(summary: Summary) -> list[tuple[str, int]]:
    labels = dict(JobRole.choices)
    return [(str(labels.get(role, role)), count) for role, count in summary.jobs_by_role.items()]


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The whole county, a township or a village, over a period, for a product type."""
    require_impact_viewer(request.user)
    filters = filters_read(request)
    scope = filters.scope
    summary = impact_summary(scope)
    grain = grain_for(summary.period)
    metrics = {metric for *_rest, lines in TRENDS for metric, _name in lines}
    series = {metric: impact_series(scope, metric=metric, grain=grain) for metric in metrics}
    trends = [_trend(*trend, series=series, grain=grain) for trend in TRENDS]
    ways = _ways_chart(summary)
    areas = _areas_chart(impact_areas(scope), filters)
    targets = summary.targets
    context = {
        "filters": filters,
        "presets": period_presets(filters),
        "summary": summary,
        "crumbs": crumbs(filters, county_name()),
        "grain": grain,
        "residents_target": targets.get("residents", 0),
        "residents_share": share(summary.residents_reached_total, targets.get("residents", 0)),
        "jobs_target": targets.get("jobs", 0),
        "jobs_share": share(summary.jobs_employed, targets.get("jobs", 0)),
        "certified_percent": (
            None if summary.certified_share is None else round(summary.certified_share * 100, 1)
        ),
        "ways": ways,
        "trends": trends,
        "areas": areas,
        "jobs_by_role": _jobs_by_role(summary),
        "charts_data": {
            "ways": ways["spec"],
            "areas": areas["spec"],
            **{trend["key"]: trend["spec"] for trend in trends},
        },
    }
    return render(request, "impact/dashboard.html", context)
