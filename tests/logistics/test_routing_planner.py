"""PyVrpPlanner: every plan it returns passes the independent plan_check, and what cannot be
served is reported, not silently dropped or planned infeasibly."""

from decimal import Decimal

import pytest

from xiangcun.logistics.routing import (
    Depot,
    Matrix,
    OfflineMatrixProvider,
    PyVrpPlanner,
    Stop,
    VehicleSpec,
    plan_check,
)
from xiangcun.logistics.routing.county import county_day
from xiangcun.logistics.routing.errors import RoutingInputError

DEPOT = Depot("wh", 26.2, 107.8)
SECONDS = 0.3


def van(name="van", kg=100.0, crates=10, start=420, end=1140, **kwargs):
    return VehicleSpec(name, kg, crates, start, end, **kwargs)


def uniform_matrix(n, minutes=10.0, metres=5000):
    """n stops plus the depot, every pair `minutes` and `metres` apart."""
    size = n + 1
    return Matrix(
        [[0 if i == j else metres for j in range(size)] for i in range(size)],
        [[0.0 if i == j else minutes for j in range(size)] for i in range(size)],
    )


def test_county_day_plan_passes_the_independent_check():
    day = county_day(stops=25, vans=3, seed=7)
    matrix = OfflineMatrixProvider().matrix([day.depot, *day.stops])
    plan = PyVrpPlanner().plan(day.depot, day.stops, day.vehicles, matrix, 1.0)
    assert plan.unassigned == []
    assert plan_check(plan, day.stops, day.vehicles, matrix) == []
    assert sorted(s.stop_id for r in plan.routes for s in r.stops) == sorted(
        s.id for s in day.stops
    )


def test_arrival_times_and_loads_follow_the_matrix():
    stops = [Stop("a", 0, 0, delivery_kg=30, pickup_kg=5, window_start_min=480,
                  window_end_min=600, service_min=10)]  # fmt: skip
    plan = PyVrpPlanner().plan(DEPOT, stops, [van()], uniform_matrix(1, minutes=12.5), SECONDS)
    (route,) = plan.routes
    (stop,) = route.stops
    assert stop.arrive_min == pytest.approx(route.start_min + 12.5)
    assert stop.depart_min == pytest.approx(max(stop.arrive_min, 480) + 10)
    assert route.load_start_kg == 30
    assert stop.load_after_kg == 5
    assert route.end_min == pytest.approx(stop.depart_min + 12.5)
    assert route.distance_m == 10000


def test_pickup_heavy_stop_is_visited_after_the_delivery_that_makes_room():
    # a gives 90 kg, b takes 90 kg; capacity 100. a then b is much shorter, but overloads.
    stops = [Stop("a", 0, 0, pickup_kg=90), Stop("b", 0, 0, delivery_kg=90)]
    short, long = 1000, 20000
    matrix = Matrix(
        [[0, short, long], [long, 0, short], [short, long, 0]],
        [[0, 1, 20], [20, 0, 1], [1, 20, 0]],
    )
    plan = PyVrpPlanner().plan(DEPOT, stops, [van()], matrix, SECONDS)
    assert plan.unassigned == []
    assert [s.stop_id for s in plan.routes[0].stops] == ["b", "a"]
    assert plan_check(plan, stops, [van()], matrix) == []


def test_stop_heavier_than_every_van_is_reported_unassigned():
    stops = [Stop("big", 0, 0, delivery_kg=150), Stop("ok", 0, 0, delivery_kg=50)]
    plan = PyVrpPlanner().plan(DEPOT, stops, [van(), van("van2")], uniform_matrix(2), SECONDS)
    assert plan.unassigned == ["big"]
    assert [s.stop_id for r in plan.routes for s in r.stops] == ["ok"]


def test_too_many_crates_is_a_capacity_problem_too():
    stops = [Stop("a", 0, 0, delivery_crates=8), Stop("b", 0, 0, pickup_crates=8)]
    vans = [van(crates=10), van("van2", crates=10)]
    plan = PyVrpPlanner().plan(DEPOT, stops, vans, uniform_matrix(2), SECONDS)
    assert plan.unassigned == []
    assert len(plan.routes) == 1  # a then b fits: 8 crates out, 8 crates back
    one_van = PyVrpPlanner().plan(DEPOT, [*stops, Stop("c", 0, 0, delivery_crates=3)],
                                  [van(crates=10)], uniform_matrix(3), SECONDS)  # fmt: skip
    assert len(one_van.unassigned) == 1


def test_window_that_cannot_be_reached_and_shift_end_leave_stops_unassigned():
    stops = [
        Stop("early", 0, 0, window_start_min=400, window_end_min=425),  # van leaves at 420
        Stop("ok", 0, 0, window_start_min=420, window_end_min=600),
    ]
    plan = PyVrpPlanner().plan(DEPOT, stops, [van()], uniform_matrix(2, minutes=10), SECONDS)
    assert plan.unassigned == ["early"]
    short_shift = [van(start=420, end=435)]  # 10 min there, 10 min back
    plan = PyVrpPlanner().plan(DEPOT, stops, short_shift, uniform_matrix(2), SECONDS)
    assert sorted(plan.unassigned) == ["early", "ok"]


def test_required_mode_trims_an_infeasible_route_to_a_feasible_one():
    stops = [Stop(i, 0, 0, delivery_kg=40) for i in range(4)]
    vans = [van()]
    plan = PyVrpPlanner(allow_unassigned=False).plan(DEPOT, stops, vans, uniform_matrix(4), 0.2)
    assert len(plan.unassigned) == 2
    assert plan_check(plan, stops, vans, uniform_matrix(4)) == []


def test_cheaper_van_is_used_and_cost_is_in_yuan():
    stops = [Stop("a", 0, 0, delivery_kg=10)]
    vans = [van("dear", cost_per_km=Decimal("5.00")),
            van("cheap", cost_per_km=Decimal("1.50"), fixed_cost=Decimal("20"))]  # fmt: skip
    plan = PyVrpPlanner().plan(DEPOT, stops, vans, uniform_matrix(1), SECONDS)
    assert [r.vehicle_id for r in plan.routes] == ["cheap"]
    assert plan.cost == Decimal("35.00")  # 10 km x 1.50 + 20


def test_fixed_cost_makes_one_van_do_both_stops():
    stops = [Stop("a", 0, 0), Stop("b", 0, 0)]
    vans = [van(fixed_cost=Decimal("100")), van("van2", fixed_cost=Decimal("100"))]
    plan = PyVrpPlanner().plan(DEPOT, stops, vans, uniform_matrix(2), SECONDS)
    assert len(plan.routes) == 1


def test_same_seed_gives_the_same_plan():
    day = county_day(stops=15, vans=2, seed=3)
    matrix = OfflineMatrixProvider().matrix([day.depot, *day.stops])
    first = PyVrpPlanner(seed=5).plan(day.depot, day.stops, day.vehicles, matrix, 0.3)
    again = PyVrpPlanner(seed=5).plan(day.depot, day.stops, day.vehicles, matrix, 0.3)
    assert first.distance_m == again.distance_m


def test_no_vans_or_no_stops():
    stops = [Stop("a", 0, 0)]
    assert PyVrpPlanner().plan(DEPOT, stops, [], uniform_matrix(1), SECONDS).unassigned == ["a"]
    assert PyVrpPlanner().plan(DEPOT, [], [van()], uniform_matrix(0), SECONDS).routes == []


def test_bad_input_is_refused():
    with pytest.raises(RoutingInputError):
        PyVrpPlanner().plan(DEPOT, [Stop("a", 0, 0)], [van()], uniform_matrix(2), SECONDS)
    with pytest.raises(RoutingInputError):
        PyVrpPlanner().plan(DEPOT, [Stop("a", 0, 0), Stop("a", 1, 1)], [van()],
                            uniform_matrix(2), SECONDS)  # fmt: skip
    elsewhere = van(depot=Depot("other", 26.0, 107.0))
    with pytest.raises(RoutingInputError):
        PyVrpPlanner().plan(DEPOT, [Stop("a", 0, 0)], [elsewhere], uniform_matrix(1), SECONDS)


def test_chilled_stops_ride_only_in_the_cold_chain_van():
    stops = [
        Stop(f"s{i}", 0, 0, delivery_kg=10, pickup_kg=5 if i == 3 else 0, cold_chain=i % 2 == 1)
        for i in range(6)
    ]
    vans = [van("ambient"), van("cold", cold_chain=True)]
    matrix = uniform_matrix(len(stops))
    plan = PyVrpPlanner().plan(DEPOT, stops, vans, matrix, SECONDS)
    assert plan.unassigned == []
    assert plan_check(plan, stops, vans, matrix) == []
    by_van = {r.vehicle_id: {s.stop_id for s in r.stops} for r in plan.routes}
    assert {"s1", "s3", "s5"} <= by_van["cold"]
    assert not {"s1", "s3", "s5"} & by_van.get("ambient", set())


def test_without_a_cold_chain_van_chilled_stops_are_left_unassigned():
    stops = [
        Stop("warm", 0, 0, delivery_kg=10),
        Stop("chilled", 0, 0, pickup_kg=10, cold_chain=True),
    ]
    matrix = uniform_matrix(2)
    plan = PyVrpPlanner().plan(DEPOT, stops, [van()], matrix, SECONDS)
    assert plan.unassigned == ["chilled"]
    assert [s.stop_id for r in plan.routes for s in r.stops] == ["warm"]
