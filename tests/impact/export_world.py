"""A small county of fact rows for the impact page, export and report tests: two townships, three
villages, registered poor households (one reached, two not), residents reached in March 2026,
sales, hires and payouts. Built with the fact factories, so the figures are known by hand."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from tests.impact.factories import (
    IncomeDayFactory,
    JobsDayFactory,
    SalesDayFactory,
    built,
    reach,
)
from tests.regions.factories import CountyFactory, TownshipFactory, VillageFactory
from xiangcun.accounts.models import Household
from xiangcun.impact.models import Direction, IncomeKind, Way

MARCH = datetime.date(2026, 3, 1)


def export_world() -> SimpleNamespace:
    # A head's name a spreadsheet would take for a formula: exported as text, never run.
    w = fact_world(heads=("王大", "=HYPERLINK(1)", "李三"), february_local_sale=True)
    w.reached_household, w.formula_household, w.quiet_household = w.households
    return w


def fact_world(*, heads: tuple[str, str, str], february_local_sale: bool) -> SimpleNamespace:
    """The county, with the three poor households' heads named `heads` (the first reached, one
    household in each village) and, if asked, a local sale in February."""
    w = SimpleNamespace(MARCH=MARCH)
    w.county = CountyFactory()
    w.t1 = TownshipFactory(county=w.county, name="龙泉镇", name_en="Longquan")
    w.t2 = TownshipFactory(county=w.county, name="兴仁镇", name_en="Xingren")
    w.v1 = VillageFactory(township=w.t1, name="卡拉村", name_en="Kala")
    w.v2 = VillageFactory(township=w.t1, name="高要村", name_en="Gaoyao")
    w.v3 = VillageFactory(township=w.t2, name="排莫村", name_en="Paimo")
    w.households = tuple(
        Household.objects.create(
            village=village, head_name=head, registered_poor=True, register_number=f"P-00{n}"
        )
        for n, (village, head) in enumerate(zip((w.v1, w.v2, w.v3), heads, strict=True), 1)
    )
    reached = w.households[0]
    built(datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))
    t1, t2 = w.t1.id, w.t2.id
    # Three residents reached in March: 1 two ways (counted once), 2 and 3 one way each.
    reach(
        resident_id=1,
        day=datetime.date(2026, 3, 5),
        way=Way.SOLD,
        village_id=w.v1.id,
        township_id=t1,
        household_id=reached.id,
        poor=True,
    )
    reach(
        resident_id=1,
        day=datetime.date(2026, 3, 6),
        way=Way.BOUGHT,
        village_id=w.v1.id,
        township_id=t1,
        household_id=reached.id,
        poor=True,
    )
    reach(
        resident_id=2,
        day=datetime.date(2026, 3, 7),
        way=Way.BOUGHT,
        village_id=w.v2.id,
        township_id=t1,
    )
    reach(
        resident_id=3,
        day=datetime.date(2026, 3, 8),
        way=Way.EMPLOYED,
        village_id=w.v3.id,
        township_id=t2,
    )
    # One in February, for the chart's earlier month.
    reach(
        resident_id=4,
        day=datetime.date(2026, 2, 8),
        way=Way.BOUGHT,
        village_id=w.v3.id,
        township_id=t2,
    )
    SalesDayFactory(
        day=datetime.date(2026, 3, 5),
        direction=Direction.UPWARD,
        township_id=t1,
        village_id=w.v1.id,
        amount=Decimal("1234.50"),
        orders=3,
    )
    SalesDayFactory(
        day=datetime.date(2026, 3, 6),
        direction=Direction.DOWNWARD,
        township_id=t1,
        village_id=w.v1.id,
        amount=Decimal("88.10"),
        orders=1,
    )
    if february_local_sale:
        SalesDayFactory(
            day=datetime.date(2026, 2, 6),
            direction=Direction.LOCAL,
            township_id=t2,
            village_id=w.v3.id,
            amount=Decimal("20.00"),
            orders=1,
        )
    JobsDayFactory(
        day=datetime.date(2026, 3, 8), role="packer", township_id=t2, hires=2, residents=1
    )
    IncomeDayFactory(
        day=datetime.date(2026, 3, 9),
        kind=IncomeKind.PAYOUT,
        township_id=t1,
        village_id=w.v1.id,
        household_id=reached.id,
        poor=True,
        amount=Decimal("300.25"),
    )
    return w
