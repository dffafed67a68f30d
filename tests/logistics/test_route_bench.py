"""`xiangcun route-bench` on the VRPLIB instances beside the repository: output format, near the
best known cost, and routes checked here from the instance itself (not by the solver)."""

import itertools
import json
import math
from io import StringIO
from pathlib import Path

import pytest
import vrplib
from django.core.management import call_command
from django.core.management.base import CommandError

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "vrp"
X = BENCH / "X-n101-k25.vrp"
RC208 = BENCH / "RC208.vrp"

pytestmark = pytest.mark.skipif(not X.exists(), reason="benchmark instances not present")


def bench(*args: str) -> dict:
    out = StringIO()
    call_command("route_bench", *args, stdout=out)
    (line,) = out.getvalue().strip().splitlines()
    return json.loads(line)


# PyVRP stops on wall-clock time, and the suite runs beside other tests on two cores: the
# tests allow 5% with a 2 s budget; the 1%-at-10-s figures are in docs/performance.md.
NEAR = 1.05


def best_known(path: Path) -> float:
    return float(vrplib.read_solution(path.with_suffix(".sol"))["cost"])


def test_cvrp_cost_is_near_best_known_and_routes_partition_the_clients():
    result = bench(str(X), "--seconds", "2", "--rounding", "round")
    assert set(result) == {"cost", "routes", "seconds"}
    assert result["cost"] <= best_known(X) * NEAR
    instance = vrplib.read_instance(X)
    visits = sorted(c for route in result["routes"] for c in route)
    assert visits == list(range(1, 101))
    demand, capacity = instance["demand"], instance["capacity"]
    for route in result["routes"]:
        assert sum(demand[c] for c in route) <= capacity  # client k is node k + 1 = index k
    # The reported cost is the rounded Euclidean length of the reported routes.
    coords = instance["node_coord"]

    def d(a: int, b: int) -> int:
        return math.floor(math.dist(coords[a], coords[b]) + 0.5)

    total = sum(d(0, r[0]) + sum(d(a, b) for a, b in itertools.pairwise(r)) + d(r[-1], 0)
                for r in result["routes"])  # fmt: skip
    assert result["cost"] == total


def test_solomon_routes_respect_time_windows_under_dimacs_rounding():
    result = bench(str(RC208), "--seconds", "2", "--rounding", "dimacs")
    instance = vrplib.read_instance(RC208)
    coords, windows = instance["node_coord"], instance["time_window"]
    service, demand = instance["service_time"], instance["demand"]

    def d(a: int, b: int) -> float:
        return math.floor(math.dist(coords[a], coords[b]) * 10) / 10

    assert sorted(c for r in result["routes"] for c in r) == list(range(1, 101))
    assert len(result["routes"]) <= instance["vehicles"]
    total = 0.0
    for route in result["routes"]:
        assert sum(demand[c] for c in route) <= instance["capacity"]
        time, prev = windows[0][0], 0
        for client in route:
            time = max(time + d(prev, client), windows[client][0])
            assert time <= windows[client][1] + 1e-9
            time += service
            total += d(prev, client)
            prev = client
        total += d(prev, 0)
        assert time + d(prev, 0) <= windows[0][1] + 1e-9
    assert result["cost"] == pytest.approx(total, abs=0.05)
    assert result["cost"] <= best_known(RC208) * NEAR


def test_solomon_text_format_is_detected_by_content(tmp_path):
    text = """TINY

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        1000          0
    1      3          4          6          0        1000         10
    2      6          8          6          0        1000         10
"""
    path = tmp_path / "tiny.vrp"
    path.write_text(text)
    result = bench(str(path), "--seconds", "0.2")  # time windows: dimacs by default
    assert sorted(result["routes"]) == [[1], [2]]
    assert result["cost"] == 30.0  # 5 + 5 + 10 + 10


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("route_bench", str(tmp_path / "nope.vrp"), stdout=StringIO())
