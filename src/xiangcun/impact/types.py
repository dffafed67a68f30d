"""Plain values the impact app hands out. Each part adds its own below its heading."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

# --- Building the facts (services/rebuild.py) -------------------------------------------------


@dataclass(frozen=True)
class BuiltDayOut:
    """One day's facts rebuilt: how many rows were written and how long it took."""

    day: datetime.date
    rows: int
    seconds: float


@dataclass(frozen=True)
class RebuildOut:
    """A rebuild of several days: which days, rows written in all, seconds in all."""

    days: tuple[datetime.date, ...] = field(default=())
    rows: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.days)


# --- Query layer (selectors/scope.py, selectors/figures.py) ------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a figure is about: a period (both days included; None: from the first built day, or
    to the last), a township or village of the county (by id; None: the whole county) and a
    product type (a top-level catalogue category; it narrows the sales figures only). The codes
    are kept for links and filters."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    township_id: int | None = None
    village_id: int | None = None
    category_id: int | None = None
    township_code: str = ""
    village_code: str = ""
    category_slug: str = ""


@dataclass(frozen=True)
class Period:
    """The days a figure covers, both included, once the scope's open ends are filled in from
    the built days."""

    date_from: datetime.date
    date_to: datetime.date


@dataclass(frozen=True)
class DirectionFigures:
    """Sales in one direction (upward 上行, downward 下行 or local): goods net of refunds, distinct
    orders and distinct buyers."""

    amount: Decimal
    orders: int
    buyers: int


@dataclass(frozen=True)
class Summary:
    """The headline figures of a scope (docs/impact-metrics.md defines each)."""

    period: Period | None  # None while nothing is built
    residents_reached: int
    residents_by_way: dict[str, int]  # sold, bought, employed, trained, borrowed
    residents_reached_total: int  # since the programme started, to the period's end
    poor_households_reached: int
    poor_households_total: int
    poor_household_income: Decimal
    jobs_filled: int  # hires in the period
    jobs_employed: int  # employed at the period's end
    jobs_by_role: dict[str, int]
    upward: DirectionFigures
    downward: DirectionFigures
    local: DirectionFigures
    local_seller_income: Decimal
    certified_share: Decimal | None  # of upward and local sales, 0 to 1; None without sales
    loans_disbursed_count: int
    loans_disbursed_amount: Decimal
    loans_outstanding: Decimal
    loans_at_risk: Decimal
    training_completions: int
    targets: dict[str, int]
    as_of: datetime.datetime | None

    @property
    def upward_sales(self) -> Decimal:
        return self.upward.amount

    @property
    def downward_sales(self) -> Decimal:
        return self.downward.amount

    @property
    def local_sales(self) -> Decimal:
        return self.local.amount


@dataclass(frozen=True)
class SeriesPoint:
    """One day, month or year of a series: `start` is its first day; `value` an int for counts,
    a Decimal for money."""

    start: datetime.date
    value: int | Decimal


@dataclass(frozen=True)
class AreaRow:
    """A township (or village) of the scope with its figures for the period."""

    id: int
    code: str
    name: str
    name_en: str
    residents_reached: int
    poor_households_reached: int
    hires: int
    upward_sales: Decimal
    downward_sales: Decimal
    local_seller_income: Decimal


@dataclass(frozen=True)
class HouseholdRow:
    """A registered poor household (建档立卡): where it lives, how many members, which ways its
    members were reached in the period and what they were paid. No member's ID number."""

    id: int
    head_name: str
    register_number: str
    village_id: int
    village_code: str
    village_name: str
    village_name_en: str
    township_id: int
    members: int
    ways: tuple[str, ...]
    income: Decimal
    payouts: Decimal
    wages: Decimal

    @property
    def reached(self) -> bool:
        return bool(self.ways)


@dataclass(frozen=True)
class HouseholdPage:
    rows: list[HouseholdRow]
    total: int  # households matching, all pages
    limit: int
    offset: int


@dataclass(frozen=True)
class PublicArea:
    """A township on the public page; a count under 5 (and money over fewer than 5 people) is
    None, shown as "fewer than 5"."""

    code: str
    name: str
    name_en: str
    residents_reached: int | None
    jobs_filled: int | None
    upward_sales: Decimal | None
    downward_sales: Decimal | None


@dataclass(frozen=True)
class PublicSummary:
    """The public page: county (or one township's) totals and the townships, no person, no
    household; counts under 5 are None."""

    period: Period | None
    residents_reached: int | None
    residents_by_way: dict[str, int | None]
    poor_households_reached: int | None
    jobs_filled: int | None
    upward_sales: Decimal | None
    downward_sales: Decimal | None
    training_completions: int | None
    townships: list[PublicArea] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)
    as_of: datetime.datetime | None = None
