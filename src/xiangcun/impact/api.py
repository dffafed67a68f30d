"""The impact API under /api/v1/impact/: the programme's figures as of the last fact rebuild,
for the programme manager and administrators (403 not_an_impact_viewer for anyone else, 401
without a token); `/public` for anyone. Money is a string in yuan with two decimals. Filters,
all optional: `from` and `to` (YYYY-MM-DD, both included), `township` and `village` (division
codes), `category` (a product type's slug). Errors answer `{"code", "message"}`."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut
from xiangcun.impact.selectors._common import HOUSEHOLDS_LIMIT_MAX
from xiangcun.impact.selectors.figures import (
    GRAINS,
    METRICS,
    impact_areas,
    impact_series,
    impact_summary,
)
from xiangcun.impact.selectors.households import impact_households
from xiangcun.impact.selectors.public import impact_public
from xiangcun.impact.selectors.scope import Scope, scope_parse
from xiangcun.impact.services._common import require_impact_viewer
from xiangcun.impact.types import DirectionFigures, Period

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)
PUBLIC_ERRORS: dict[int, Any] = dict.fromkeys((400, 404, 422), ErrorOut)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _money_or_none(value: Decimal | None) -> str | None:
    return None if value is None else _money(value)


# --- filters ------------------------------------------------------------------------------------


class ImpactFilterIn(Schema):
    date_from: Annotated[str, Field(max_length=10)] = Field(
        "", alias="from", description="First day, YYYY-MM-DD (default: the first day built)."
    )
    date_to: Annotated[str, Field(max_length=10)] = Field(
        "", alias="to", description="Last day, YYYY-MM-DD (default: the last day built)."
    )
    township: Annotated[str, Field(max_length=15)] = Field("", description="A township's code.")
    village: Annotated[str, Field(max_length=15)] = Field("", description="A village's code.")
    category: Annotated[str, Field(max_length=60)] = Field(
        "", description="A product type (top-level category) slug; narrows the sales figures."
    )


def _scope(query: ImpactFilterIn) -> Scope:
    return scope_parse(
        date_from=query.date_from,
        date_to=query.date_to,
        township=query.township,
        village=query.village,
        category=query.category,
    )


def _viewer_scope(request: HttpRequest, query: ImpactFilterIn) -> Scope:
    require_impact_viewer(api_user(request))
    return _scope(query)


# --- summary ------------------------------------------------------------------------------------


class ImpactByWayOut(Schema):
    sold: int
    bought: int
    employed: int
    trained: int
    borrowed: int


class ImpactTargetsOut(Schema):
    residents: int
    jobs: int


class ImpactDirectionOut(Schema):
    sales: str = Field(description="Goods net of refunds, yuan.")
    orders: int
    buyers: int


class ImpactLoansOut(Schema):
    disbursed_count: int
    disbursed_amount: str
    outstanding: str = Field(description="Principal not yet repaid at the period's end.")
    at_risk: str = Field(description="Outstanding principal more than 30 days overdue (PAR30).")


class ImpactSummaryOut(Schema):
    residents_reached: int = Field(description="Distinct residents reached in the period.")
    residents_by_way: ImpactByWayOut
    poor_households_reached: int
    jobs_filled: int = Field(description="Hires in the period.")
    targets: ImpactTargetsOut
    upward_sales: str = Field(description="上行: county goods sold out of the county, yuan.")
    downward_sales: str = Field(description="下行: goods from outside bought in, yuan.")
    as_of: datetime.datetime | None = Field(description="The last fact rebuild.")
    # Beyond issue 12's list:
    date_from: datetime.date | None = Field(alias="from")
    date_to: datetime.date | None = Field(alias="to")
    residents_reached_total: int = Field(description="Since the programme started.")
    poor_households_total: int
    poor_household_income: str
    jobs_employed: int = Field(description="Employed at the period's end.")
    jobs_by_role: dict[str, int]
    local_sales: str
    upward: ImpactDirectionOut
    downward: ImpactDirectionOut
    local: ImpactDirectionOut
    local_seller_income: str
    certified_share: str | None = Field(
        description="Of upward and local sales, the certified (扶贫) part, 0 to 1."
    )
    loans: ImpactLoansOut
    training_completions: int


def _direction(figures: DirectionFigures) -> ImpactDirectionOut:
    return ImpactDirectionOut(
        sales=_money(figures.amount), orders=figures.orders, buyers=figures.buyers
    )


def _period_fields(period: Period | None) -> dict[str, datetime.date | None]:
    return {
        "from": period.date_from if period else None,
        "to": period.date_to if period else None,
    }


@router.get(
    "/summary",
    response={200: ImpactSummaryOut, **ERRORS},
    summary="The programme's headline figures for a period and place",
    by_alias=True,
)
def summary(request: HttpRequest, query: Query[ImpactFilterIn]) -> ImpactSummaryOut:
    figures = impact_summary(_viewer_scope(request, query))
    return ImpactSummaryOut.model_validate(
        {
            "residents_reached": figures.residents_reached,
            "residents_by_way": figures.residents_by_way,
            "poor_households_reached": figures.poor_households_reached,
            "jobs_filled": figures.jobs_filled,
            "targets": figures.targets,
            "upward_sales": _money(figures.upward.amount),
            "downward_sales": _money(figures.downward.amount),
            "as_of": figures.as_of,
            **_period_fields(figures.period),
            "residents_reached_total": figures.residents_reached_total,
            "poor_households_total": figures.poor_households_total,
            "poor_household_income": _money(figures.poor_household_income),
            "jobs_employed": figures.jobs_employed,
            "jobs_by_role": figures.jobs_by_role,
            "local_sales": _money(figures.local.amount),
            "upward": _direction(figures.upward),
            "downward": _direction(figures.downward),
            "local": _direction(figures.local),
            "local_seller_income": _money(figures.local_seller_income),
            "certified_share": (
                None if figures.certified_share is None else f"{figures.certified_share:.4f}"
            ),
            "loans": ImpactLoansOut(
                disbursed_count=figures.loans_disbursed_count,
                disbursed_amount=_money(figures.loans_disbursed_amount),
                outstanding=_money(figures.loans_outstanding),
                at_risk=_money(figures.loans_at_risk),
            ),
            "training_completions": figures.training_completions,
        }
    )


# --- series -------------------------------------------------------------------------------------


class ImpactSeriesIn(ImpactFilterIn):
    metric: Annotated[str, Field(max_length=32)] = Field(
        "residents_reached", description="One of: " + ", ".join(METRICS) + "."
    )
    grain: Annotated[str, Field(max_length=8)] = Field(
        "month", description="One of: " + ", ".join(GRAINS) + "."
    )


class ImpactPointOut(Schema):
    start: datetime.date = Field(description="The first day of the day, month or year.")
    value: int | str = Field(description="A count, or money as a string in yuan.")


class ImpactSeriesOut(Schema):
    metric: str
    grain: str
    points: list[ImpactPointOut]


@router.get(
    "/series",
    response={200: ImpactSeriesOut, **ERRORS},
    summary="One figure over time, by day, month or year",
)
def series(request: HttpRequest, query: Query[ImpactSeriesIn]) -> ImpactSeriesOut:
    scope = _viewer_scope(request, query)
    points = impact_series(scope, metric=query.metric, grain=query.grain)
    return ImpactSeriesOut(
        metric=query.metric,
        grain=query.grain,
        points=[
            ImpactPointOut(
                start=point.start,
                value=_money(point.value) if isinstance(point.value, Decimal) else point.value,
            )
            for point in points
        ],
    )


# --- areas --------------------------------------------------------------------------------------


class ImpactAreaOut(Schema):
    code: str
    name: str
    name_en: str
    residents_reached: int
    poor_households_reached: int
    hires: int
    upward_sales: str
    downward_sales: str
    local_seller_income: str


class ImpactAreasOut(Schema):
    level: str = Field(description="township (the county's) or village (one township's).")
    items: list[ImpactAreaOut]


@router.get(
    "/areas",
    response={200: ImpactAreasOut, **ERRORS},
    summary="The townships of the county, or the villages of a township, ranked",
)
def areas(request: HttpRequest, query: Query[ImpactFilterIn]) -> ImpactAreasOut:
    scope = _viewer_scope(request, query)
    return ImpactAreasOut(
        level="township" if scope.township_id is None else "village",
        items=[
            ImpactAreaOut(
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                residents_reached=row.residents_reached,
                poor_households_reached=row.poor_households_reached,
                hires=row.hires,
                upward_sales=_money(row.upward_sales),
                downward_sales=_money(row.downward_sales),
                local_seller_income=_money(row.local_seller_income),
            )
            for row in impact_areas(scope)
        ],
    )


# --- households ---------------------------------------------------------------------------------


class ImpactHouseholdsIn(ImpactFilterIn):
    reached: bool | None = Field(
        None, description="true: reached in the period; false: not reached (the list to act on)."
    )
    limit: Annotated[int, Field(ge=1, le=HOUSEHOLDS_LIMIT_MAX)] = 50
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class ImpactHouseholdOut(Schema):
    id: int
    head_name: str
    register_number: str = Field(description="The poverty register number (no ID number).")
    village_code: str
    village_name: str
    village_name_en: str
    members: int
    ways: list[str] = Field(description="The ways its members were reached in the period.")
    income: str = Field(description="Seller payouts and wages paid to members, yuan.")
    payouts: str
    wages: str


class ImpactHouseholdsOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ImpactHouseholdOut]


@router.get(
    "/households",
    response={200: ImpactHouseholdsOut, **ERRORS},
    summary="Registered poor households (建档立卡): ways reached and income",
)
def households(request: HttpRequest, query: Query[ImpactHouseholdsIn]) -> ImpactHouseholdsOut:
    scope = _viewer_scope(request, query)
    page = impact_households(scope, reached=query.reached, limit=query.limit, offset=query.offset)
    return ImpactHouseholdsOut(
        count=page.total,
        limit=page.limit,
        offset=page.offset,
        items=[
            ImpactHouseholdOut(
                id=row.id,
                head_name=row.head_name,
                register_number=row.register_number,
                village_code=row.village_code,
                village_name=row.village_name,
                village_name_en=row.village_name_en,
                members=row.members,
                ways=list(row.ways),
                income=_money(row.income),
                payouts=_money(row.payouts),
                wages=_money(row.wages),
            )
            for row in page.rows
        ],
    )


# --- public -------------------------------------------------------------------------------------


class ImpactPublicIn(Schema):
    date_from: Annotated[str, Field(max_length=10)] = Field("", alias="from")
    date_to: Annotated[str, Field(max_length=10)] = Field("", alias="to")
    township: Annotated[str, Field(max_length=15)] = Field("", description="A township's code.")


class ImpactPublicWaysOut(Schema):
    sold: int | None
    bought: int | None
    employed: int | None
    trained: int | None
    borrowed: int | None


class ImpactPublicAreaOut(Schema):
    code: str
    name: str
    name_en: str
    residents_reached: int | None
    jobs_filled: int | None
    upward_sales: str | None
    downward_sales: str | None


class ImpactPublicOut(Schema):
    """Counts under 5 are null ("fewer than 5"), and so is money summed over fewer than 5
    people."""

    date_from: datetime.date | None = Field(alias="from")
    date_to: datetime.date | None = Field(alias="to")
    residents_reached: int | None
    residents_by_way: ImpactPublicWaysOut
    poor_households_reached: int | None
    jobs_filled: int | None
    upward_sales: str | None
    downward_sales: str | None
    training_completions: int | None
    targets: ImpactTargetsOut
    townships: list[ImpactPublicAreaOut]
    as_of: datetime.datetime | None


@router.get(
    "/public",
    response={200: ImpactPublicOut, **PUBLIC_ERRORS},
    summary="The public summary: totals only, counts under 5 withheld",
    auth=None,
    by_alias=True,
)
def public(request: HttpRequest, query: Query[ImpactPublicIn]) -> ImpactPublicOut:
    scope = scope_parse(date_from=query.date_from, date_to=query.date_to, township=query.township)
    figures = impact_public(scope)
    return ImpactPublicOut.model_validate(
        {
            **_period_fields(figures.period),
            "residents_reached": figures.residents_reached,
            "residents_by_way": figures.residents_by_way,
            "poor_households_reached": figures.poor_households_reached,
            "jobs_filled": figures.jobs_filled,
            "upward_sales": _money_or_none(figures.upward_sales),
            "downward_sales": _money_or_none(figures.downward_sales),
            "training_completions": figures.training_completions,
            "targets": figures.targets,
            "townships": [
                ImpactPublicAreaOut(
                    code=row.code,
                    name=row.name,
                    name_en=row.name_en,
                    residents_reached=row.residents_reached,
                    jobs_filled=row.jobs_filled,
                    upward_sales=_money_or_none(row.upward_sales),
                    downward_sales=_money_or_none(row.downward_sales),
                )
                for row in figures.townships
            ],
            "as_of": figures.as_of,
        }
    )
