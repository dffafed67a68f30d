"""Two dispatchers plan the same day at the same moment (PostgreSQL only: SQLite ignores
select_for_update and serialises writers anyway). Both solve; exactly one plan is recorded and
the other run gets route_plan_conflict, with nothing of it stored."""

import datetime
import threading
from typing import Any

import pytest

from tests.concurrency import run_together
from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.models import FarmPickup, Parcel, Route, RoutePlan
from xiangcun.logistics.routing import PyVrpPlanner

SOLVE = PyVrpPlanner.plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_of_the_day", [False, True])
def test_two_planning_runs_at_once_record_one_plan(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    monkeypatch: pytest.MonkeyPatch,
    first_of_the_day: bool,
) -> None:
    if first_of_the_day:
        RoutePlan.objects.filter(day=day).update(status="superseded")
    plans_before = set(RoutePlan.objects.values_list("pk", flat=True))
    # Both runs have read their inputs and solved before either records.
    both_solved = threading.Barrier(2, timeout=60)

    def plan(self: PyVrpPlanner, *args: Any, **kwargs: Any) -> Any:
        result = SOLVE(self, *args, **kwargs)
        both_solved.wait()
        return result

    monkeypatch.setattr(PyVrpPlanner, "plan", plan)

    outcomes = run_together(
        2,
        lambda i: services.route_plan_day(
            actor=warehouse_manager, day=day, not_before_min=0, reason=f"run {i}"
        ),
    )

    assert sorted(outcomes) == ["ok", "route_plan_conflict"]
    new = RoutePlan.objects.exclude(pk__in=plans_before)
    assert new.count() == 1
    winner = new.get()
    assert winner.status == "active"
    assert RoutePlan.objects.filter(day=day, status="active").count() == 1
    # Nothing of the losing run: every route of the day's new plan is the winner's, and the
    # parcels on a route point at the winner's stops.
    assert Route.objects.filter(plan__in=new).exists()
    planned = Parcel.objects.filter(status="packed", route_stop__isnull=False)
    assert set(planned.values_list("route_stop__route__plan_id", flat=True)) == {winner.pk}
