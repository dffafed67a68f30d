"""Route planning runs the solver with no transaction open, then records the plan in a short
transaction of its own, only if what it was solved from still holds: a parcel, pickup or van
that changed meanwhile, or a plan another dispatcher recorded meanwhile, stores nothing."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tests.logistics.conftest import PASSWORD, marketplace_load
from tests.logistics.factories import van_on_shift
from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.errors import PlanInputsChangedError, RoutePlanConflictError
from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, Vehicle
from xiangcun.logistics.routing import OfflineMatrixProvider, PyVrpPlanner
from xiangcun.regions.models import Station

SOLVE = PyVrpPlanner.plan


@pytest.fixture
def during_solve(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Any]], None]:
    """`during_solve(action)`: the next solver run does `action` once it has a plan, as another
    request would while the solver works."""
    actions: list[Callable[[], Any]] = []

    def plan(self: PyVrpPlanner, *args: Any, **kwargs: Any) -> Any:
        result = SOLVE(self, *args, **kwargs)
        while actions:
            actions.pop(0)()
        return result

    monkeypatch.setattr(PyVrpPlanner, "plan", plan)
    return actions.append


def active_plan(day: datetime.date) -> RoutePlan:
    return RoutePlan.objects.get(day=day, status="active")


@pytest.mark.django_db(transaction=True)
def test_the_solver_and_the_matrix_run_with_no_transaction_open(
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = active_plan(day)
    seen: dict[str, list[bool]] = {"solver": [], "matrix": []}
    matrix = OfflineMatrixProvider.matrix

    def plan(self: PyVrpPlanner, *args: Any, **kwargs: Any) -> Any:
        seen["solver"].append(transaction.get_connection().in_atomic_block)
        return SOLVE(self, *args, **kwargs)

    def travel(self: OfflineMatrixProvider, *args: Any, **kwargs: Any) -> Any:
        seen["matrix"].append(transaction.get_connection().in_atomic_block)
        return matrix(self, *args, **kwargs)

    monkeypatch.setattr(PyVrpPlanner, "plan", plan)
    monkeypatch.setattr(OfflineMatrixProvider, "matrix", travel)

    stored = services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    assert seen["solver"] == [False]
    assert seen["matrix"]
    assert not any(seen["matrix"])
    assert active_plan(day).pk == stored.pk != before.pk
    assert RoutePlan.objects.get(pk=before.pk).status == "superseded"
    assert stored.routes.exists()


def test_the_demo_plans_its_day_after_committing_it(
    transactional_db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOGISTICS_PLANNER_SECONDS = 0.5
    marketplace_load()
    seen: list[bool] = []

    def plan(self: PyVrpPlanner, *args: Any, **kwargs: Any) -> Any:
        seen.append(transaction.get_connection().in_atomic_block)
        return SOLVE(self, *args, **kwargs)

    monkeypatch.setattr(PyVrpPlanner, "plan", plan)
    result = services.logistics_demo_load(day=timezone.localdate(), password=PASSWORD)
    assert seen == [False]
    assert result.routes == active_plan(timezone.localdate()).routes.count() > 0


def test_a_parcel_that_changes_while_solving_is_not_planned_over(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    during_solve: Callable[[Callable[[], Any]], None],
) -> None:
    before = active_plan(day)
    plans = RoutePlan.objects.count()
    parcel = Parcel.objects.get(status="packed", destination="station")
    stop_before = parcel.route_stop_id
    during_solve(lambda: Parcel.objects.filter(pk=parcel.pk).update(status="collected"))

    with pytest.raises(PlanInputsChangedError) as refused:
        services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    assert refused.value.code == "route_plan_inputs_changed"
    assert refused.value.status == 409
    assert active_plan(day).pk == before.pk
    assert RoutePlan.objects.count() == plans
    assert Parcel.objects.get(pk=parcel.pk).route_stop_id == stop_before


def test_a_pickup_called_off_or_a_van_broken_while_solving_stores_nothing(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    during_solve: Callable[[Callable[[], Any]], None],
) -> None:
    before = active_plan(day)
    pickup = farm_pickup
    during_solve(lambda: FarmPickup.objects.filter(pk=pickup.pk).update(status="cancelled"))
    with pytest.raises(PlanInputsChangedError):
        services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    route = before.routes.first()
    assert route is not None
    van = route.vehicle
    during_solve(lambda: Vehicle.objects.filter(pk=van.pk).update(status="broken_down"))
    with pytest.raises(PlanInputsChangedError):
        services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    assert active_plan(day).pk == before.pk


def test_a_plan_recorded_while_solving_wins_and_the_later_one_is_refused(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    during_solve: Callable[[Callable[[], Any]], None],
) -> None:
    before = active_plan(day)
    other: list[RoutePlan] = []
    during_solve(
        lambda: other.append(
            services.route_plan_day(
                actor=warehouse_manager, day=day, not_before_min=0, reason="first"
            )
        )
    )

    with pytest.raises(RoutePlanConflictError) as refused:
        services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0, reason="second")

    assert refused.value.code == "route_plan_conflict"
    assert [plan.reason for plan in other] == ["first"]
    assert active_plan(day).pk == other[0].pk
    assert RoutePlan.objects.get(pk=before.pk).status == "superseded"
    assert not RoutePlan.objects.filter(reason="second").exists()
    # The winner's routes are the ones the parcels point at.
    planned = Parcel.objects.filter(route_stop__isnull=False, status="packed")
    assert planned.exists()
    assert set(planned.values_list("route_stop__route__plan_id", flat=True)) == {other[0].pk}


def test_a_first_plan_of_the_day_recorded_while_solving_wins(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    warehouse_manager: User,
    day: datetime.date,
    during_solve: Callable[[Callable[[], Any]], None],
) -> None:
    RoutePlan.objects.filter(day=day).update(status="superseded")
    other: list[RoutePlan] = []
    during_solve(
        lambda: other.append(
            services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)
        )
    )

    with pytest.raises(RoutePlanConflictError):
        services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    assert active_plan(day).pk == other[0].pk


def test_a_broken_down_van_stays_broken_down_whatever_the_planner_says(
    farm_pickup: FarmPickup,
    planned_day: RoutePlan,
    depot: Station,
    warehouse_manager: User,
    day: datetime.date,
    during_solve: Callable[[Callable[[], Any]], None],
) -> None:
    van_on_shift(depot, day)  # the van left to plan with
    route = active_plan(day).routes.first()
    assert route is not None
    van = route.vehicle
    pickup = farm_pickup
    during_solve(lambda: FarmPickup.objects.filter(pk=pickup.pk).update(status="cancelled"))

    with pytest.raises(PlanInputsChangedError):
        services.route_replan(actor=warehouse_manager, day=day, broken_vehicle_id=van.pk)

    assert Vehicle.objects.get(pk=van.pk).status == "broken_down"
