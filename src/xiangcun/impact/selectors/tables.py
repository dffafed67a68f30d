"""Every table the impact dashboard shows, as headers and rows in the reader's language: what
the CSV and XLSX downloads hold (views/exports.py) and what the monthly PDF prints
(report_pdf.py). Built on the query layer (figures.py), so the numbers are the dashboard's."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.impact.errors import UnknownExportTableError
from xiangcun.impact.models import Direction, Way
from xiangcun.impact.selectors.figures import impact_areas, impact_series, impact_summary
from xiangcun.impact.selectors.households import impact_households
from xiangcun.impact.types import HouseholdRow, Scope, Summary
from xiangcun.jobs.types import JobRole

Cell = str | int | Decimal | datetime.date | None

# The most rows one household download holds; the county has a few thousand registered poor
# households, so this is a bound against a runaway, not a limit anyone meets.
HOUSEHOLD_ROWS_MAX = 100_000
_HOUSEHOLD_BATCH = 500  # the query layer's largest page

# The series of the "by month" table, in its column order, with their headings.
SERIES_COLUMNS: tuple[tuple[str, Promise], ...] = (
    ("residents_reached", gettext_lazy("Residents reached")),
    ("upward_sales", gettext_lazy("Sales out of the county (yuan)")),
    ("downward_sales", gettext_lazy("Goods bought in from outside (yuan)")),
    ("local_sales", gettext_lazy("Sales within the county (yuan)")),
    ("hires", gettext_lazy("Hires")),
    ("training_completions", gettext_lazy("Training completions")),
    ("loans_disbursed", gettext_lazy("Loans disbursed (yuan)")),
    ("local_seller_income", gettext_lazy("Income paid to local sellers (yuan)")),
)


@dataclass(frozen=True)
class TableOut:
    """One table ready to write: its name (the URL's), its title, the column headings and the
    rows, cells as text, whole numbers, Decimals (yuan to the fen) or dates."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class ExportTable:
    """A table the dashboard shows: its name in /impact/export/<name>.<csv|xlsx>, its title,
    and how to build it for a scope."""

    name: str
    title: Promise
    build: Callable[[Scope], TableOut]


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _place_name(name: str, name_en: str) -> str:
    return name_en if _english() and name_en else name


def _way_label(way: str) -> str:
    return str(Way(way).label) if way in Way.values else way


def _role_label(role: str) -> str:
    return str(JobRole(role).label) if role in JobRole.values else role


def _ways(ways: tuple[str, ...]) -> str:
    return ("; " if _english() else "、").join(_way_label(way) for way in ways)


def _summary_rows(summary: Summary) -> list[list[Cell]]:
    targets = summary.targets
    rows: list[list[Cell]] = [
        [_("Residents reached in the period"), summary.residents_reached, None],
        [
            _("Residents reached since the programme started"),
            summary.residents_reached_total,
            targets.get("residents"),
        ],
    ]
    for way in Way.values:
        label = _("Residents reached: %(way)s") % {"way": _way_label(way)}
        rows.append([label, summary.residents_by_way.get(way, 0), None])
    share = summary.certified_share
    rows += [
        [_("Registered poor households reached"), summary.poor_households_reached, None],
        [_("Registered poor households"), summary.poor_households_total, None],
        [
            _("Income paid to registered poor households (yuan)"),
            summary.poor_household_income,
            None,
        ],
        [_("Hires in the period"), summary.jobs_filled, None],
        [_("Employed at the period's end"), summary.jobs_employed, targets.get("jobs")],
    ]
    for direction, figures in (
        (Direction.UPWARD, summary.upward),
        (Direction.DOWNWARD, summary.downward),
        (Direction.LOCAL, summary.local),
    ):
        label = str(direction.label)
        rows += [
            [_("%(direction)s: sales (yuan)") % {"direction": label}, figures.amount, None],
            [_("%(direction)s: orders") % {"direction": label}, figures.orders, None],
            [_("%(direction)s: buyers") % {"direction": label}, figures.buyers, None],
        ]
    rows += [
        [_("Income paid to local sellers (yuan)"), summary.local_seller_income, None],
        [
            _("Certified poverty-alleviation products' share of sales (%)"),
            None if share is None else (share * 100).quantize(Decimal("0.1")),
            None,
        ],
        [_("Loans disbursed"), summary.loans_disbursed_count, None],
        [_("Loans disbursed (yuan)"), summary.loans_disbursed_amount, None],
        [_("Loans outstanding (yuan)"), summary.loans_outstanding, None],
        [_("Loans at risk, PAR30 (yuan)"), summary.loans_at_risk, None],
        [_("Training completions"), summary.training_completions, None],
    ]
    if summary.period is not None:
        rows += [
            [_("Period from"), summary.period.date_from, None],
            [_("Period to"), summary.period.date_to, None],
        ]
    if summary.as_of is not None:
        as_of = timezone.localtime(summary.as_of).strftime("%Y-%m-%d %H:%M")
        rows.append([_("Figures as of"), as_of, None])
    return rows


def table_summary(scope: Scope) -> TableOut:
    summary = impact_summary(scope)
    return TableOut(
        name="summary",
        title=_("Headline figures"),
        headers=[_("Figure"), _("Value"), _("Target")],
        rows=_summary_rows(summary),
    )


def table_series(scope: Scope) -> TableOut:
    """The series by month, one row a month, one column a series."""
    by_month: dict[datetime.date, list[Cell]] = {}
    for column, (metric, _heading) in enumerate(SERIES_COLUMNS):
        for point in impact_series(scope, metric=metric, grain="month"):
            row = by_month.setdefault(point.start, [None] * len(SERIES_COLUMNS))
            row[column] = point.value
    rows: list[list[Cell]] = [
        [f"{month:%Y-%m}", *(0 if value is None else value for value in values)]
        for month, values in sorted(by_month.items())
    ]
    return TableOut(
        name="series",
        title=_("By month"),
        headers=[_("Month"), *(str(heading) for _metric, heading in SERIES_COLUMNS)],
        rows=rows,
    )


def table_areas(scope: Scope) -> TableOut:
    """Townships of the county, or the villages of the scope's township, ranked."""
    place = _("Village") if scope.township_id is not None else _("Township")
    rows: list[list[Cell]] = [
        [
            area.code,
            _place_name(area.name, area.name_en),
            area.residents_reached,
            area.poor_households_reached,
            area.hires,
            area.upward_sales,
            area.downward_sales,
            area.local_seller_income,
        ]
        for area in impact_areas(scope)
    ]
    return TableOut(
        name="areas",
        title=_("Villages") if scope.township_id is not None else _("Townships"),
        headers=[
            _("Code"),
            place,
            _("Residents reached"),
            _("Registered poor households reached"),
            _("Hires"),
            _("Sales out of the county (yuan)"),
            _("Goods bought in from outside (yuan)"),
            _("Income paid to local sellers (yuan)"),
        ],
        rows=rows,
    )


def table_jobs(scope: Scope) -> TableOut:
    summary = impact_summary(scope)
    ranked = sorted(summary.jobs_by_role.items(), key=lambda item: (-item[1], item[0]))
    return TableOut(
        name="jobs",
        title=_("Hires by role"),
        headers=[_("Role"), _("Hires")],
        rows=[[_role_label(role), hires] for role, hires in ranked],
    )


def _households(scope: Scope, *, reached: bool | None) -> list[HouseholdRow]:
    rows: list[HouseholdRow] = []
    while len(rows) < HOUSEHOLD_ROWS_MAX:
        page = impact_households(scope, reached=reached, limit=_HOUSEHOLD_BATCH, offset=len(rows))
        rows += page.rows
        if not page.rows or len(rows) >= page.total:
            break
    return rows[:HOUSEHOLD_ROWS_MAX]


def table_households(scope: Scope, *, reached: bool | None = None) -> TableOut:
    """Every registered poor household (or those reached, or not, in the period) with the ways
    its members were reached and what they were paid in the period. No ID numbers."""
    rows: list[list[Cell]] = [
        [
            household.register_number,
            household.head_name,
            _place_name(household.village_name, household.village_name_en),
            household.members,
            _ways(household.ways),
            household.income,
            household.payouts,
            household.wages,
        ]
        for household in _households(scope, reached=reached)
    ]
    return TableOut(
        name="households",
        title=_("Registered poor households"),
        headers=[
            _("Register number"),
            _("Head of household"),
            _("Village"),
            _("Members"),
            _("Reached by"),
            _("Income (yuan)"),
            _("Seller payouts (yuan)"),
            _("Wages (yuan)"),
        ],
        rows=rows,
    )


def table_unreached(scope: Scope) -> TableOut:
    """Registered poor households none of whose members has been reached yet, by village: the
    list agents work through. Whatever the period's start, "not reached" is since the
    programme started (docs/impact-metrics.md)."""
    found = _households(replace(scope, date_from=None), reached=False)
    found.sort(key=lambda household: (household.village_code, household.register_number))
    rows: list[list[Cell]] = [
        [
            household.village_code,
            _place_name(household.village_name, household.village_name_en),
            household.register_number,
            household.head_name,
            household.members,
        ]
        for household in found
    ]
    return TableOut(
        name="unreached",
        title=_("Households not reached yet"),
        headers=[
            _("Village code"),
            _("Village"),
            _("Register number"),
            _("Head of household"),
            _("Members"),
        ],
        rows=rows,
    )


def export_tables() -> dict[str, ExportTable]:
    """The tables by name, in the dashboard's order."""
    tables = (
        ExportTable("summary", gettext_lazy("Headline figures"), table_summary),
        ExportTable("series", gettext_lazy("By month"), table_series),
        ExportTable("areas", gettext_lazy("Townships and villages"), table_areas),
        ExportTable("jobs", gettext_lazy("Hires by role"), table_jobs),
        ExportTable("households", gettext_lazy("Registered poor households"), table_households),
        ExportTable("unreached", gettext_lazy("Households not reached yet"), table_unreached),
    )
    return {table.name: table for table in tables}


def export_table(*, name: str, scope: Scope, reached: bool | None = None) -> TableOut:
    """One table for a scope (the households' table narrowed to those reached or not, as the
    households page is); UnknownExportTableError for a name there is none of."""
    table = export_tables().get(name)
    if table is None:
        raise UnknownExportTableError
    if name == "households":
        return table_households(scope, reached=reached)
    return table.build(scope)
