"""plan_check on hand-made plans: it must pass a feasible plan and name every broken rule."""

from xiangcun.logistics.routing import Matrix, Plan, PlannedStop, RoutePlan, Stop, VehicleSpec
from xiangcun.logistics.routing.check import plan_check

# Depot 0, stops a=1, b=2: 10 minutes and 5 km between any two points.
MATRIX = Matrix(
    distance_m=[[0, 5000, 5000], [5000, 0, 5000], [5000, 5000, 0]],
    duration_min=[[0, 10, 10], [10, 0, 10], [10, 10, 0]],
)
STOPS = [
    Stop("a", 0, 0, delivery_kg=60, pickup_kg=10, window_start_min=480, window_end_min=540,
         service_min=5),
    Stop("b", 0, 0, delivery_kg=20, pickup_kg=70, delivery_crates=2, pickup_crates=1,
         window_start_min=500, window_end_min=600, service_min=5),
]  # fmt: skip
VAN = VehicleSpec("van", capacity_kg=100, capacity_crates=3, shift_start_min=470,
                  shift_end_min=600)  # fmt: skip


def route(*stops: PlannedStop, start: float = 470, distance: int = 15000, vehicle: str = "van"):
    end = stops[-1].depart_min + 10 if stops else start
    return RoutePlan(vehicle, list(stops), distance, end - start, start, end)


def good_route(**kwargs):
    # Leave 470 with 80 kg; a at 480, serve to 485, 30 kg; b at 495, wait to 500, to 505, 80 kg.
    return route(PlannedStop("a", 480, 485, 30), PlannedStop("b", 495, 505, 80, 1), **kwargs)


def test_feasible_plan_with_waiting_has_no_violations():
    assert plan_check(Plan([good_route()]), STOPS, [VAN], MATRIX) == []


def test_pickups_before_deliveries_overload_the_van():
    # b first: leaves with 80 kg, b gives 70 more for 130 kg on board.
    plan = Plan([route(PlannedStop("b", 480, 505, 130), PlannedStop("a", 515, 520, 80))])
    problems = plan_check(plan, STOPS, [VAN], MATRIX)
    assert any("leaves stop b with 130 kg" in p for p in problems)


def test_loading_more_than_capacity_at_the_depot_is_reported():
    small = VehicleSpec("van", 70, 3, 470, 600)
    problems = plan_check(Plan([good_route()]), STOPS, [small], MATRIX)
    assert any("leaves the depot with 80 kg" in p for p in problems)


def test_crates_are_a_capacity_of_their_own():
    few_crates = VehicleSpec("van", 100, 1, 470, 600)
    problems = plan_check(Plan([good_route()]), STOPS, [few_crates], MATRIX)
    assert any("2 crates" in p for p in problems)


def test_arriving_after_the_window_closes_is_reported():
    late = route(PlannedStop("a", 560, 565, 30), PlannedStop("b", 575, 580, 80), start=550)
    problems = plan_check(Plan([late]), STOPS, [VAN], MATRIX)
    assert any("after its window closes at 540" in p for p in problems)


def test_coming_back_after_the_shift_is_reported():
    short = VehicleSpec("van", 100, 3, 470, 510)
    problems = plan_check(Plan([good_route()]), STOPS, [short], MATRIX)
    assert any("after its shift ends at 510" in p for p in problems)


def test_leaving_before_the_shift_is_reported():
    problems = plan_check(Plan([good_route(start=400)]), STOPS, [VAN], MATRIX)
    assert any("before its shift starts" in p for p in problems)


def test_a_stop_missing_or_visited_twice_is_reported():
    missing = Plan([route(PlannedStop("a", 480, 485, 30))])
    assert any("stop b is neither visited" in p for p in plan_check(missing, STOPS, [VAN], MATRIX))
    twice = Plan([good_route()], unassigned=["b"])
    assert any("stop b appears 2 times" in p for p in plan_check(twice, STOPS, [VAN], MATRIX))


def test_an_unassigned_stop_is_not_a_violation():
    plan = Plan([route(PlannedStop("a", 480, 485, 50), distance=10000)], unassigned=["b"])
    assert plan_check(plan, STOPS, [VAN], MATRIX) == []


def test_unknown_vehicle_and_reused_vehicle_are_reported():
    plan = Plan([good_route(vehicle="truck")])
    assert any("not in the fleet" in p for p in plan_check(plan, STOPS, [VAN], MATRIX))
    plan = Plan([route(PlannedStop("a", 480, 485, 50), distance=10000),
                 route(PlannedStop("b", 480, 505, 120), distance=10000)])  # fmt: skip
    assert any("more than one route" in p for p in plan_check(plan, STOPS, [VAN], MATRIX))


def test_times_and_distance_that_disagree_with_the_matrix_are_reported():
    wrong = route(PlannedStop("a", 475, 485, 30), PlannedStop("b", 495, 505, 80), distance=9000)
    problems = plan_check(Plan([wrong]), STOPS, [VAN], MATRIX)
    assert any("said to reach stop a at 475.00" in p for p in problems)
    assert any("said to drive 9000 m" in p for p in problems)


def test_a_stop_that_needs_the_cold_chain_on_an_ambient_van_is_named():
    chilled = [STOPS[0], Stop("b", 0, 0, delivery_kg=20, pickup_kg=70, delivery_crates=2,
                              pickup_crates=1, window_start_min=500, window_end_min=600,
                              service_min=5, cold_chain=True)]  # fmt: skip
    problems = plan_check(Plan([good_route()]), chilled, [VAN], MATRIX)
    assert problems == ["vehicle van has no cold chain but serves stop b, which needs it"]
    cold_van = VehicleSpec("van", 100, 3, 470, 600, cold_chain=True)
    assert plan_check(Plan([good_route()]), chilled, [cold_van], MATRIX) == []
