"""The query layer on hand-built fact rows: the scope a filter names, and each figure the
selectors read from the fact tables (docs/impact-metrics.md), counted here independently."""

import datetime
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.impact.factories import (
    BuyerDayFactory,
    IncomeDayFactory,
    JobsDayFactory,
    LoansDayFactory,
    SalesDayFactory,
    TrainingDayFactory,
    built,
    reach,
)
from tests.regions.factories import TownshipFactory, VillageFactory
from xiangcun.accounts.models import Household
from xiangcun.catalog.models import Category
from xiangcun.impact.errors import (
    BadPeriodError,
    UnknownCategoryError,
    UnknownGrainError,
    UnknownMetricError,
    UnknownTownshipError,
    UnknownVillageError,
)
from xiangcun.impact.models import Direction, IncomeKind, ReachDay, Way
from xiangcun.impact.selectors.figures import (
    impact_areas,
    impact_as_of,
    impact_cache_warm,
    impact_series,
    impact_summary,
)
from xiangcun.impact.selectors.households import impact_households
from xiangcun.impact.selectors.public import impact_public
from xiangcun.impact.selectors.scope import Scope, scope_parse

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 1)
d = datetime.date


@pytest.fixture
def places() -> dict[str, int]:
    """Two townships: t1 with villages v1 and v2, t2 with v3."""
    v1 = VillageFactory()
    v2 = VillageFactory(township=v1.township)
    v3 = VillageFactory()
    return {
        "t1": v1.township_id,
        "t2": v3.township_id,
        "v1": v1.pk,
        "v2": v2.pk,
        "v3": v3.pk,
    }


def _reach_at(
    places: dict[str, int],
    village: str,
    resident_id: int,
    day: datetime.date,
    way: str = Way.BOUGHT,
    **extra: object,
) -> None:
    township = "t2" if village == "v3" else "t1"
    reach(
        resident_id=resident_id,
        day=day,
        way=way,
        village_id=places[village],
        township_id=places[township],
        **extra,
    )  # type: ignore[arg-type]


# --- scope --------------------------------------------------------------------------------------


def test_scope_reads_codes_dates_and_product_type(places: dict[str, int]) -> None:
    from xiangcun.regions.models import Village

    village = Village.objects.select_related("township").get(pk=places["v2"])
    fruit = Category.objects.create(slug="fruit", name="水果", direction="up")
    scope = scope_parse(
        date_from="2026-01-01", date_to="2026-03-31", village=village.code, category="fruit"
    )
    assert scope == Scope(
        date_from=JAN,
        date_to=d(2026, 3, 31),
        township_id=village.township_id,
        village_id=village.pk,
        category_id=fruit.pk,
        township_code=village.township.code,
        village_code=village.code,
        category_slug="fruit",
    )
    assert scope_parse() == Scope()


@pytest.mark.parametrize(
    ("filters", "error"),
    [
        ({"date_from": "2026-13-01"}, BadPeriodError),
        ({"date_from": "2026-1-1"}, BadPeriodError),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, BadPeriodError),
        ({"date_from": "2010-01-01", "date_to": "2026-01-01"}, BadPeriodError),
        ({"township": "999999999999"}, UnknownTownshipError),
        ({"township": "x" * 5000}, UnknownTownshipError),
        ({"village": "522636999999999"}, UnknownVillageError),
        ({"village": "abc"}, UnknownVillageError),
        ({"category": "no-such-type"}, UnknownCategoryError),
        ({"category": "c" * 200}, UnknownCategoryError),
    ],
)
def test_scope_refuses_bad_filters(filters: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        scope_parse(**filters)


def test_a_village_of_another_township_is_refused(places: dict[str, int]) -> None:
    from xiangcun.regions.models import Township, Village

    other = Township.objects.get(pk=places["t2"]).code
    with pytest.raises(UnknownVillageError):
        scope_parse(township=other, village=Village.objects.get(pk=places["v1"]).code)


def test_a_subcategory_is_not_a_product_type() -> None:
    food = Category.objects.create(slug="food", name="食品", direction="up")
    Category.objects.create(slug="tea", name="茶", direction="up", parent=food)
    with pytest.raises(UnknownCategoryError):
        scope_parse(category="tea")
    assert scope_parse(category=str(food.pk)).category_id == food.pk


# --- residents reached --------------------------------------------------------------------------


def test_nothing_built_gives_zeros_and_no_period() -> None:
    summary = impact_summary(Scope())
    assert summary.period is None
    assert summary.residents_reached == 0
    assert summary.as_of is None
    assert impact_as_of() is None
    assert impact_series(Scope(), metric="hires", grain="month") == []


def test_a_person_reached_two_ways_counts_once_and_in_each_way(places: dict[str, int]) -> None:
    built(JAN, d(2026, 3, 31))
    _reach_at(places, "v1", 1, d(2026, 1, 5), Way.BOUGHT)
    _reach_at(places, "v1", 1, d(2026, 2, 7), Way.SOLD)
    _reach_at(places, "v1", 1, d(2026, 2, 8), Way.BOUGHT)
    _reach_at(places, "v2", 2, d(2026, 3, 9), Way.EMPLOYED)

    summary = impact_summary(Scope())

    assert summary.period is not None
    assert (summary.period.date_from, summary.period.date_to) == (JAN, d(2026, 3, 31))
    assert summary.residents_reached == 2
    assert summary.residents_by_way == {
        "sold": 1,
        "bought": 1,
        "employed": 1,
        "trained": 0,
        "borrowed": 0,
    }
    assert summary.residents_reached_total == 2
    assert summary.targets == {"residents": 30000, "jobs": 2000}
    assert summary.as_of is not None


def test_partial_months_at_the_ends_read_only_their_days(places: dict[str, int]) -> None:
    """The March month row holds both residents; a period ending on March 10 counts only the one
    reached by then, and one starting on January 20 leaves out the one reached on January 5."""
    built(JAN, d(2026, 3, 31))
    _reach_at(places, "v1", 1, d(2026, 1, 5))
    _reach_at(places, "v1", 2, d(2026, 1, 25))
    _reach_at(places, "v1", 3, d(2026, 2, 14))
    _reach_at(places, "v1", 4, d(2026, 3, 10))
    _reach_at(places, "v1", 5, d(2026, 3, 11))

    summary = impact_summary(scope_parse(date_from="2026-01-20", date_to="2026-03-10"))

    assert summary.residents_reached == 3  # 2, 3 and 4
    # Since the start, to March 10: 1 too.
    assert summary.residents_reached_total == 4


def test_a_resident_who_moved_counts_in_each_village_they_lived_in(
    places: dict[str, int],
) -> None:
    built(JAN, d(2026, 2, 28))
    _reach_at(places, "v1", 7, d(2026, 1, 10))
    _reach_at(places, "v3", 7, d(2026, 2, 10))

    county = impact_summary(Scope())
    assert county.residents_reached == 1
    townships = {row.id: row.residents_reached for row in impact_areas(Scope())}
    assert townships == {places["t1"]: 1, places["t2"]: 1}
    v1_only = impact_summary(Scope(township_id=places["t1"], village_id=places["v1"]))
    assert v1_only.residents_reached == 1
    v2_only = impact_summary(Scope(township_id=places["t1"], village_id=places["v2"]))
    assert v2_only.residents_reached == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    start=st.integers(0, 150),
    length=st.integers(0, 150),
)
def test_distinct_residents_match_a_count_over_the_day_rows(
    places: dict[str, int], seed: int, start: int, length: int
) -> None:
    """Whatever the period, the union of month and day rows counts what the day rows alone
    count."""
    ReachDay.objects.all().delete()
    from xiangcun.impact.models import ReachMonth

    ReachMonth.objects.all().delete()
    rng = random.Random(seed)  # noqa: S311 - test data
    seen: set[tuple[object, ...]] = set()
    for _ in range(40):
        day = JAN + datetime.timedelta(days=rng.randint(0, 180))
        way = rng.choice(list(Way.values))
        resident_id = rng.randint(1, 15)
        if (day, way, resident_id) in seen:
            continue  # one row per resident, way and day, as the builder writes
        seen.add((day, way, resident_id))
        _reach_at(
            places,
            rng.choice(["v1", "v2", "v3"]),
            resident_id,
            day,
            way,
            household_id=resident_id % 3 or None,
        )
    first = JAN + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    scope = Scope(date_from=first, date_to=last, township_id=places["t1"])

    rows = ReachDay.objects.filter(day__range=(first, last), township_id=places["t1"])
    summary = impact_summary(scope)

    assert summary.residents_reached == len({row.resident_id for row in rows})
    for way in Way.values:
        assert summary.residents_by_way[way] == len(
            {row.resident_id for row in rows if row.way == way}
        )


# --- sales, income, jobs, loans, training -------------------------------------------------------


def test_sales_orders_buyers_and_certified_share(places: dict[str, int]) -> None:
    built(JAN, d(2026, 1, 31))
    fruit = Category.objects.create(slug="fruit", name="水果", direction="up")
    t1, v1 = places["t1"], places["v1"]
    SalesDayFactory(
        day=d(2026, 1, 3),
        township_id=t1,
        village_id=v1,
        amount=Decimal("100.10"),
        orders=2,
        certified=True,
        category_id=fruit.pk,
    )
    SalesDayFactory(
        day=d(2026, 1, 4), township_id=t1, village_id=v1, amount=Decimal("50.05"), orders=1
    )
    SalesDayFactory(
        day=d(2026, 1, 4),
        direction=Direction.DOWNWARD,
        township_id=t1,
        village_id=v1,
        amount=Decimal("20.00"),
        orders=3,
    )
    SalesDayFactory(
        day=d(2026, 1, 4),
        direction=Direction.LOCAL,
        township_id=places["t2"],
        village_id=places["v3"],
        amount=Decimal("49.85"),
        orders=1,
    )
    SalesDayFactory(day=d(2026, 2, 1), amount=Decimal("999.00"))  # after the period
    for day in (d(2026, 1, 3), d(2026, 1, 4)):
        BuyerDayFactory(day=day, buyer_id=1, township_id=t1, village_id=v1)
    BuyerDayFactory(day=d(2026, 1, 4), buyer_id=2, township_id=t1, village_id=v1)

    summary = impact_summary(scope_parse(date_to="2026-01-31"))

    assert (summary.upward.amount, summary.upward.orders, summary.upward.buyers) == (
        Decimal("150.15"),
        3,
        2,
    )
    assert summary.downward.amount == Decimal("20.00")
    assert summary.local.amount == Decimal("49.85")
    # Certified: 100.10 of 150.15 + 49.85 = 200.00.
    assert summary.certified_share == Decimal("0.5005")

    fruit_only = impact_summary(Scope(date_to=d(2026, 1, 31), category_id=fruit.pk))
    assert fruit_only.upward.amount == Decimal("100.10")
    assert fruit_only.downward.amount == Decimal("0.00")
    assert fruit_only.certified_share == Decimal("1.0000")


def test_income_jobs_loans_and_training(places: dict[str, int]) -> None:
    built(JAN, d(2026, 2, 28))
    t1, t2, v1 = places["t1"], places["t2"], places["v1"]
    IncomeDayFactory(
        day=d(2026, 1, 9),
        seller_id=5,
        township_id=t1,
        village_id=v1,
        amount=Decimal("300.00"),
        household_id=1,
        poor=True,
    )
    IncomeDayFactory(
        day=d(2026, 1, 31),
        kind=IncomeKind.WAGE,
        resident_id=3,
        household_id=1,
        poor=True,
        township_id=t1,
        village_id=v1,
        amount=Decimal("116.13"),
    )
    IncomeDayFactory(
        day=d(2026, 1, 9),
        seller_id=6,
        township_id=t2,
        village_id=places["v3"],
        amount=Decimal("10.00"),
    )
    JobsDayFactory(day=d(2025, 12, 1), township_id=t1, role="packer", hires=4)
    JobsDayFactory(day=d(2026, 1, 5), township_id=t1, role="packer", hires=2)
    JobsDayFactory(day=d(2026, 1, 6), township_id=t2, role="driver", hires=1)
    JobsDayFactory(day=d(2026, 2, 6), township_id=t2, role="driver", hires=5)
    LoansDayFactory(
        day=d(2026, 1, 2),
        township_id=t1,
        disbursed_count=2,
        disbursed_amount=Decimal("20000.00"),
        outstanding_amount=Decimal("20000.00"),
    )
    LoansDayFactory(
        day=d(2026, 1, 31),
        township_id=t1,
        outstanding_amount=Decimal("18000.00"),
        at_risk_amount=Decimal("3000.00"),
    )
    LoansDayFactory(day=d(2026, 1, 31), township_id=t2, outstanding_amount=Decimal("500.00"))
    TrainingDayFactory(day=d(2026, 1, 20), township_id=t1, village_id=v1, completions=3)
    TrainingDayFactory(day=d(2026, 2, 20), township_id=t1, village_id=v1, completions=9)

    january = impact_summary(scope_parse(date_from="2026-01-01", date_to="2026-01-31"))

    assert january.local_seller_income == Decimal("310.00")
    assert january.poor_household_income == Decimal("416.13")
    assert january.jobs_filled == 3
    assert january.jobs_by_role == {"packer": 2, "driver": 1}
    assert january.jobs_employed == 7  # hires up to January 31, December's too
    assert (january.loans_disbursed_count, january.loans_disbursed_amount) == (
        2,
        Decimal("20000.00"),
    )
    assert january.loans_outstanding == Decimal("18500.00")
    assert january.loans_at_risk == Decimal("3000.00")
    assert january.training_completions == 3

    t1_january = impact_summary(Scope(date_from=JAN, date_to=d(2026, 1, 31), township_id=t1))
    assert t1_january.local_seller_income == Decimal("300.00")
    assert t1_january.jobs_filled == 2
    assert t1_january.loans_outstanding == Decimal("18000.00")


# --- series -------------------------------------------------------------------------------------


def test_series_by_month_counts_distinct_residents_and_fills_empty_steps(
    places: dict[str, int],
) -> None:
    built(d(2026, 1, 15), d(2026, 4, 10))
    _reach_at(places, "v1", 1, d(2026, 1, 10))  # before the period
    _reach_at(places, "v1", 1, d(2026, 1, 20))
    _reach_at(places, "v1", 2, d(2026, 1, 21), Way.SOLD)
    _reach_at(places, "v1", 1, d(2026, 1, 22), Way.SOLD)
    _reach_at(places, "v2", 3, d(2026, 3, 3))
    _reach_at(places, "v2", 4, d(2026, 4, 10))
    _reach_at(places, "v2", 5, d(2026, 4, 11))  # after the period

    points = impact_series(Scope(), metric="residents_reached", grain="month")

    assert [(p.start, p.value) for p in points] == [
        (d(2026, 1, 1), 2),
        (d(2026, 2, 1), 0),
        (d(2026, 3, 1), 1),
        (d(2026, 4, 1), 1),
    ]
    years = impact_series(Scope(), metric="residents_reached", grain="year")
    assert [(p.start, p.value) for p in years] == [(JAN, 4)]
    days = impact_series(
        Scope(date_from=d(2026, 1, 20), date_to=d(2026, 1, 22)),
        metric="residents_reached",
        grain="day",
    )
    assert [p.value for p in days] == [1, 1, 1]


def test_series_of_money_sums_by_step(places: dict[str, int]) -> None:
    built(JAN, d(2026, 3, 31))
    SalesDayFactory(day=d(2026, 1, 3), amount=Decimal("1.10"))
    SalesDayFactory(day=d(2026, 1, 30), amount=Decimal("2.20"))
    SalesDayFactory(day=d(2026, 3, 1), amount=Decimal("3.30"))
    SalesDayFactory(day=d(2026, 3, 1), direction=Direction.DOWNWARD, amount=Decimal("9.00"))

    points = impact_series(Scope(), metric="upward_sales", grain="month")

    assert [p.value for p in points] == [Decimal("3.30"), Decimal("0.00"), Decimal("3.30")]
    assert impact_series(Scope(), metric="upward_sales", grain="year")[0].value == Decimal("6.60")


def test_series_refuses_unknown_metric_and_grain() -> None:
    with pytest.raises(UnknownMetricError):
        impact_series(Scope(), metric="orders_of_everyone", grain="month")
    with pytest.raises(UnknownGrainError):
        impact_series(Scope(), metric="hires", grain="week")


# --- areas --------------------------------------------------------------------------------------


def test_areas_rank_townships_and_drill_down_to_villages(places: dict[str, int]) -> None:
    built(JAN, d(2026, 1, 31))
    _reach_at(places, "v1", 1, d(2026, 1, 3), household_id=1, poor=True)
    _reach_at(places, "v2", 2, d(2026, 1, 3), household_id=1, poor=True)
    _reach_at(places, "v3", 3, d(2026, 1, 3))
    _reach_at(places, "v2", 4, d(2026, 1, 4), Way.EMPLOYED)
    SalesDayFactory(
        township_id=places["t2"], village_id=places["v3"], day=d(2026, 1, 5), amount=Decimal("7.00")
    )
    JobsDayFactory(township_id=places["t1"], day=d(2026, 1, 4), hires=3)

    townships = impact_areas(Scope())

    assert [
        (row.id, row.residents_reached, row.poor_households_reached, row.hires) for row in townships
    ] == [(places["t1"], 3, 1, 3), (places["t2"], 1, 0, 0)]
    assert townships[1].upward_sales == Decimal("7.00")

    villages = impact_areas(
        scope_parse(township=TownshipFactory._meta.model.objects.get(pk=places["t1"]).code)
    )
    assert [(row.id, row.residents_reached, row.hires) for row in villages] == [
        (places["v2"], 2, 1),
        (places["v1"], 1, 0),
    ]


# --- households ---------------------------------------------------------------------------------


def test_households_show_ways_and_income_and_the_unreached(places: dict[str, int]) -> None:
    from xiangcun.accounts.models import ResidentProfile

    built(JAN, d(2026, 1, 31))
    reached = Household.objects.create(
        village_id=places["v1"], head_name="王大", registered_poor=True, register_number="R1"
    )
    waiting = Household.objects.create(
        village_id=places["v1"], head_name="李二", registered_poor=True, register_number="R2"
    )
    Household.objects.create(village_id=places["v1"], head_name="张三", registered_poor=False)
    ResidentProfile.objects.create(
        name="王小",
        village_id=places["v1"],
        household=reached,
        id_number_masked="5226**********1234",
    )
    _reach_at(places, "v1", 1, d(2026, 1, 3), Way.SOLD, household_id=reached.pk, poor=True)
    _reach_at(places, "v1", 1, d(2026, 1, 4), Way.BOUGHT, household_id=reached.pk, poor=True)
    IncomeDayFactory(
        day=d(2026, 1, 9), seller_id=5, household_id=reached.pk, poor=True, amount=Decimal("80.00")
    )
    IncomeDayFactory(
        day=d(2026, 1, 9),
        kind=IncomeKind.WAGE,
        household_id=reached.pk,
        poor=True,
        amount=Decimal("20.50"),
    )

    page = impact_households(Scope())

    assert page.total == 2
    first, second = page.rows
    assert (first.id, first.ways, first.income, first.payouts, first.wages, first.members) == (
        reached.pk,
        ("sold", "bought"),
        Decimal("100.50"),
        Decimal("80.00"),
        Decimal("20.50"),
        1,
    )
    assert (second.id, second.ways, second.income) == (waiting.pk, (), Decimal("0.00"))
    assert "1234" not in repr(page)

    unreached = impact_households(Scope(), reached=False)
    assert [row.id for row in unreached.rows] == [waiting.pk]
    assert impact_households(Scope(), reached=True, limit=1, offset=1).rows == []

    summary = impact_summary(Scope())
    assert (summary.poor_households_reached, summary.poor_households_total) == (1, 2)


# --- public -------------------------------------------------------------------------------------


def test_public_withholds_counts_under_five(places: dict[str, int]) -> None:
    built(JAN, d(2026, 1, 31))
    for resident_id in range(1, 6):
        _reach_at(places, "v1", resident_id, d(2026, 1, 3))
    _reach_at(places, "v3", 9, d(2026, 1, 3), Way.SOLD)
    SalesDayFactory(
        day=d(2026, 1, 3),
        township_id=places["t1"],
        village_id=places["v1"],
        amount=Decimal("10.00"),
    )
    for buyer in range(4):
        BuyerDayFactory(
            buyer_id=buyer, township_id=places["t1"], village_id=places["v1"], day=d(2026, 1, 3)
        )

    public = impact_public(Scope())

    assert public.residents_reached == 6
    assert public.residents_by_way["bought"] == 5
    assert public.residents_by_way["sold"] is None
    assert public.upward_sales is None  # four buyers
    by_code = {row.code: row for row in public.townships}
    from xiangcun.regions.models import Township

    t1 = Township.objects.get(pk=places["t1"]).code
    t2 = Township.objects.get(pk=places["t2"]).code
    assert by_code[t1].residents_reached == 5
    assert by_code[t2].residents_reached is None
    assert by_code[t1].upward_sales is None
    BuyerDayFactory(
        buyer_id=99, township_id=places["t1"], village_id=places["v1"], day=d(2026, 1, 3)
    )
    assert impact_public(Scope()).upward_sales == Decimal("10.00")


# --- cost ---------------------------------------------------------------------------------------


def test_the_summary_costs_the_same_queries_however_many_rows(
    places: dict[str, int], django_assert_max_num_queries: object
) -> None:
    built(JAN, d(2026, 3, 31))
    for resident_id in range(60):
        _reach_at(places, "v1", resident_id, JAN + datetime.timedelta(days=resident_id))
        SalesDayFactory(day=JAN + datetime.timedelta(days=resident_id))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        impact_summary(scope_parse(date_from="2026-01-10", date_to="2026-03-20"))


def test_figures_are_kept_until_the_facts_change(
    places: dict[str, int], django_assert_max_num_queries: object
) -> None:
    built(JAN, d(2026, 1, 31))
    _reach_at(places, "v1", 1, d(2026, 1, 3))
    assert impact_cache_warm() > 0
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        # The facts' version and the register of poor households; the rest from the cache.
        assert impact_summary(Scope()).residents_reached == 1
    _reach_at(places, "v2", 2, d(2026, 1, 4))
    assert impact_summary(Scope()).residents_reached == 2
    assert impact_areas(Scope())[0].residents_reached == 2
