"""factory_boy factories for the impact fact rows (impact/models.py), for tests that read the
figures without building them from orders: a resident reached one way on a day (with its month
row), sales, buyers, income, hires, loans, training and built days.

Region columns are plain ids: pass a village's id and its township's, or leave the defaults
(1 and 1) for tests that need no place."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

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

DAY = datetime.date(2026, 3, 10)


class ReachDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachDay

    day = DAY
    way = Way.BOUGHT
    resident_id = factory.Sequence(lambda n: 100_000 + n)
    township_id = 1
    village_id = 1
    household_id = None
    poor = False


class ReachMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachMonth
        django_get_or_create = ("month", "way", "resident_id", "village_id")

    month = DAY.replace(day=1)
    way = Way.BOUGHT
    resident_id = factory.Sequence(lambda n: 100_000 + n)
    township_id = 1
    village_id = 1
    household_id = None
    poor = False


def reach(
    *,
    resident_id: int,
    day: datetime.date = DAY,
    way: str = Way.BOUGHT,
    village_id: int = 1,
    township_id: int = 1,
    household_id: int | None = None,
    poor: bool = False,
) -> ReachDay:
    """A resident reached one way on one day, with the month row the builder folds it into."""
    place = {
        "way": way,
        "resident_id": resident_id,
        "township_id": township_id,
        "village_id": village_id,
        "household_id": household_id,
        "poor": poor,
    }
    row: ReachDay = ReachDayFactory(day=day, **place)
    ReachMonthFactory(month=day.replace(day=1), **place)
    return row


class SalesDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesDay

    day = DAY
    direction = Direction.UPWARD
    township_id = 1
    village_id = 1
    county_code = ""
    category_id = None
    certified = False
    orders = 1
    lines = 1
    amount = Decimal("10.00")


class BuyerDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerDay

    day = DAY
    direction = Direction.UPWARD
    buyer_id = factory.Sequence(lambda n: 200_000 + n)
    township_id = 1
    village_id = 1


class IncomeDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeDay

    day = DAY
    kind = IncomeKind.PAYOUT
    seller_id = None
    resident_id = None
    household_id = None
    poor = False
    township_id = 1
    village_id = 1
    amount = Decimal("100.00")


class JobsDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobsDay

    day = DAY
    role = "packer"
    township_id = 1
    hires = 1
    residents = 1


class LoansDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoansDay

    day = DAY
    township_id = 1
    disbursed_count = 0
    disbursed_amount = Decimal("0.00")
    outstanding_count = 0
    outstanding_amount = Decimal("0.00")
    at_risk_amount = Decimal("0.00")


class TrainingDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingDay

    day = DAY
    township_id = 1
    village_id = 1
    area = "ecommerce"
    completions = 1


class BuiltDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuiltDay
        django_get_or_create = ("day",)

    day = DAY
    built_at = factory.LazyFunction(timezone.now)
    seconds = 0.1
    rows = 0


def built(first: datetime.date, last: datetime.date) -> None:
    """Mark every day from first to last as built (the figures' default period)."""
    day = first
    while day <= last:
        BuiltDayFactory(day=day)
        day += datetime.timedelta(days=1)
