"""A generated Danzhai delivery day (50 stops within 30 km, time windows, simultaneous pickups,
5 vans) planned the way the platform plans it: offline matrix, PyVrpPlanner, plan_check.

    .venv/bin/python bench/route_bench_county.py                       # seeds 1-3, 1/2/4 s
    .venv/bin/python bench/route_bench_county.py --seeds 1 --budgets 4 --reference 0

For each seed and solver budget it prints the wall time of the whole planning (matrix, solve,
schedule, check), the plan's distance and cost, unassigned stops, violations found by plan_check,
and the gap to a long reference run (--reference seconds; 0 skips it). Results go in
docs/performance.md.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")

import django  # noqa: E402

django.setup()

from xiangcun.logistics.routing import OfflineMatrixProvider, PyVrpPlanner, plan_check  # noqa: E402
from xiangcun.logistics.routing.county import county_day  # noqa: E402


def plan_day(seed: int, stops: int, vans: int, seconds: float) -> dict[str, object]:
    day = county_day(stops=stops, vans=vans, seed=seed)
    started = time.perf_counter()
    matrix = OfflineMatrixProvider().matrix([day.depot, *day.stops])
    plan = PyVrpPlanner().plan(day.depot, day.stops, day.vehicles, matrix, seconds)
    problems = plan_check(plan, day.stops, day.vehicles, matrix)
    wall = time.perf_counter() - started
    return {
        "seed": seed,
        "budget_s": seconds,
        "wall_s": round(wall, 2),
        "km": round(plan.distance_m / 1000, 1),
        "cost_cny": str(plan.cost),
        "routes": len(plan.routes),
        "unassigned": len(plan.unassigned),
        "violations": len(problems),
        "latest_return": max(round(r.end_min) for r in plan.routes) if plan.routes else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--budgets", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    parser.add_argument("--reference", type=float, default=30.0)
    parser.add_argument("--stops", type=int, default=50)
    parser.add_argument("--vans", type=int, default=5)
    args = parser.parse_args()

    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    print("seed budget_s wall_s km cost_cny routes unassigned violations gap_to_ref")
    for seed in args.seeds:
        ref_km = None
        if args.reference:
            ref = plan_day(seed, args.stops, args.vans, args.reference)
            ref_km = float(str(ref["km"]))
        for budget in args.budgets:
            row = plan_day(seed, args.stops, args.vans, budget)
            gap = f"{100 * (float(str(row['km'])) / ref_km - 1):.2f}%" if ref_km else "-"
            print(f"{seed} {budget:g} {row['wall_s']} {row['km']} {row['cost_cny']} "
                  f"{row['routes']} {row['unassigned']} {row['violations']} {gap}")  # fmt: skip
            print(json.dumps(row), file=sys.stderr)
        if args.reference:
            print(f"{seed} ref:{args.reference:g} {ref['wall_s']} {ref['km']} {ref['cost_cny']} "
                  f"{ref['routes']} {ref['unassigned']} {ref['violations']} 0.00%")  # fmt: skip


if __name__ == "__main__":
    main()
