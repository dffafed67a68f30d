"""The fact builder: one day in one transaction, idempotent; a range of days; the hourly
refresh picks up old days whose records changed; the command and the periodic task."""

import datetime
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.utils import timezone

from tests.conftest import Clock
from tests.impact.conftest import refund
from xiangcun.core.tasks import _PERIODIC
from xiangcun.impact.errors import BadPeriodError
from xiangcun.impact.models import (
    BuiltDay,
    BuyerDay,
    IncomeDay,
    JobsDay,
    LoansDay,
    ReachDay,
    ReachMonth,
    SalesDay,
    TrainingDay,
)
from xiangcun.impact.services.rebuild import (
    facts_days_to_refresh,
    facts_rebuild,
    facts_rebuild_day,
    facts_refresh,
    reach_month_fold,
)
from xiangcun.impact.tasks import impact_facts_refresh
from xiangcun.impact.tasks_reports import impact_reports_monthly

FACT_MODELS: list[type[Model]] = [
    ReachDay,
    ReachMonth,
    SalesDay,
    BuyerDay,
    IncomeDay,
    JobsDay,
    LoansDay,
    TrainingDay,
]


def today_is(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """`timezone.localdate()` (today) answers `day`; the date of a given time is unchanged."""
    real = timezone.localdate

    def localdate(value: datetime.datetime | None = None, timezone: Any = None) -> datetime.date:
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every fact row, without its id, sorted: what the figures read."""
    out = {}
    for model in FACT_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        out[model.__name__] = sorted(
            (tuple(row) for row in model.objects.values_list(*names)), key=repr
        )
    return out


def test_rebuilding_a_day_twice_changes_nothing(impact_world: SimpleNamespace) -> None:
    w = impact_world
    first = facts_rebuild_day(day=w.D1)
    before = snapshot()
    assert before["SalesDay"]
    assert before["ReachDay"]
    assert before["ReachMonth"]
    again = facts_rebuild_day(day=w.D1)
    assert snapshot() == before
    assert again.rows == first.rows > 0
    assert BuiltDay.objects.filter(day=w.D1).count() == 1


def test_month_fold_counts_each_resident_way_and_village_once(
    impact_world: SimpleNamespace,
) -> None:
    w = impact_world
    facts_rebuild(since=w.D1, until=w.D2)
    month = w.D1.replace(day=1)
    folded = set(
        ReachMonth.objects.filter(month=month).values_list("way", "resident_id", "village_id")
    )
    days = set(
        ReachDay.objects.filter(day__gte=month, day__lt=datetime.date(2026, 4, 1)).values_list(
            "way", "resident_id", "village_id"
        )
    )
    assert folded == days
    assert ReachMonth.objects.filter(month=month).count() == len(days)
    # Folding again writes the same rows.
    assert reach_month_fold(month=month) == len(days)
    assert ReachMonth.objects.filter(month=month).count() == len(days)


def test_rebuild_of_a_range_builds_every_day(impact_world: SimpleNamespace) -> None:
    w = impact_world
    ticks: list[int] = []
    out = facts_rebuild(since=w.D0, until=w.D2, progress=ticks.append)
    assert out.days == (w.D0, w.D1, w.D2)
    assert sum(ticks) == 3
    assert set(BuiltDay.objects.values_list("day", flat=True)) == {w.D0, w.D1, w.D2}


def test_rebuild_refuses_a_backward_period(impact_world: SimpleNamespace) -> None:
    with pytest.raises(BadPeriodError):
        facts_rebuild(since=impact_world.D2, until=impact_world.D1)


def test_rebuild_without_dates_starts_at_the_first_sale(
    impact_world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = impact_world
    today_is(monkeypatch, w.D2)
    out = facts_rebuild()
    # The first order was paid just after midnight on D1 (China time).
    assert out.days[0] == w.D1
    assert out.days[-1] == w.D2


def test_refresh_rebuilds_an_old_day_whose_order_was_refunded(
    impact_world: SimpleNamespace, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = impact_world
    today = datetime.date(2026, 5, 1)
    today_is(monkeypatch, today)
    clock.advance(hours=1)
    facts_rebuild(since=w.D1, until=today)
    before = sum(row.amount for row in SalesDay.objects.filter(day=w.D1, direction="downward"))
    # Nothing changed since: only the last day (today, still going on) is built again.
    assert facts_days_to_refresh() == [today]
    # An hour later alice's pot of D1 is refunded whole: D1 (its paid day) is built again.
    clock.advance(hours=1)
    refund(w.o_down, [(w.o_down.lines.get(), 1)])
    assert facts_days_to_refresh() == [w.D1, today]
    out = facts_refresh()
    assert out.days == (w.D1, today)
    after = sum(row.amount for row in SalesDay.objects.filter(day=w.D1, direction="downward"))
    assert after == before - w.pot.price
    # Changes are looked for a little before the last build began (records committed late), so
    # D1 is built once more on the next hour, and then no longer.
    clock.advance(hours=1)
    assert facts_refresh().days == (w.D1, today)
    clock.advance(hours=1)
    assert facts_days_to_refresh() == [today]


def test_command_rebuilds_the_days_asked(impact_world: SimpleNamespace) -> None:
    w = impact_world
    out, err = StringIO(), StringIO()
    call_command(
        "impact_rebuild", since=w.D1.isoformat(), until=w.D2.isoformat(), stdout=out, stderr=err
    )
    assert set(BuiltDay.objects.values_list("day", flat=True)) == {w.D1, w.D2}
    assert "2" in out.getvalue()


@pytest.mark.parametrize(
    ("since", "until"),
    [("2026-13-01", None), ("yesterday", None), ("20260301", None), ("2026-03-02", "2026-03-01")],
)
def test_command_refuses_bad_dates(db: None, since: str, until: str | None) -> None:
    with pytest.raises(CommandError):
        call_command("impact_rebuild", since=since, until=until, quiet=True, stdout=StringIO())


def test_hourly_task_is_registered_and_refreshes(
    impact_world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = impact_world
    assert ("hourly", impact_facts_refresh) in _PERIODIC
    assert ("monthly", impact_reports_monthly) in _PERIODIC
    today_is(monkeypatch, w.D2)
    result = impact_facts_refresh.enqueue()
    assert result.return_value == 2  # D1 and D2, from the first sale
    assert set(BuiltDay.objects.values_list("day", flat=True)) == {w.D1, w.D2}
