"""`xiangcun route-bench FILE.vrp --seconds N [--rounding round|dimacs]`: the platform's planner
on a VRPLIB benchmark instance (CVRP, or VRPTW in VRPLIB or Solomon format).

Prints one JSON object, `{"cost": ..., "routes": [[...], ...], "seconds": ...}`, with clients
numbered 1..n as in VRPLIB `.sol` files (client k is node k + 1 of the file) and the cost in the
instance's convention: `round` (CVRPLIB) rounds each Euclidean distance to the nearest integer,
`dimacs` (Solomon) truncates it to one decimal — kept integral internally by scaling by 10.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import vrplib
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.logistics.routing.planner import PyVrpPlanner
from xiangcun.logistics.routing.types import Depot, Matrix, Stop, VehicleSpec

# Fits PyVRP's value range once turned into seconds, and exceeds any benchmark horizon.
NO_LIMIT = 10**9
SCALE = {"round": 1, "dimacs": 10}


def is_solomon(text: str) -> bool:
    """Solomon files have a VEHICLE/CUSTOMER table and no `KEY : value` header lines."""
    words = text.upper().split()
    return "VEHICLE" in words and "CUSTOMER" in words and "NODE_COORD_SECTION" not in words


def read_instance(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if is_solomon(text):
        return dict(vrplib.read_instance(path, instance_format="solomon"))
    return dict(vrplib.read_instance(path))


def edge_lengths(instance: dict[str, Any], rounding: str) -> np.ndarray:
    """Integer edge lengths in units of 1 / SCALE[rounding] of the instance's distance."""
    if "node_coord" not in instance:  # EXPLICIT weights are already in the convention
        weights = np.asarray(instance["edge_weight"], dtype=float)
        return np.asarray(weights.round().astype(np.int64) * SCALE[rounding])
    coords = np.asarray(instance["node_coord"], dtype=float)
    exact = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=-1))
    if rounding == "round":
        return np.asarray(np.floor(exact + 0.5).astype(np.int64))  # CVRPLIB's nint
    return np.asarray(np.floor(exact * 10 + 1e-9).astype(np.int64))


def planner_input(
    instance: dict[str, Any], rounding: str
) -> tuple[Depot, list[Stop], list[VehicleSpec], Matrix]:
    scale = SCALE[rounding]
    depots = np.atleast_1d(instance.get("depot", [0]))
    if len(depots) != 1 or int(depots[0]) != 0:
        raise CommandError("Only instances with one depot, the first node, are supported.")
    lengths = edge_lengths(instance, rounding)
    size = len(lengths)
    coords = np.asarray(instance.get("node_coord", np.zeros((size, 2))), dtype=float)
    demand = np.asarray(instance["demand"], dtype=float)
    windows = instance.get("time_window")
    service = np.broadcast_to(np.asarray(instance.get("service_time", 0), dtype=float), (size,))

    def window(node: int) -> tuple[int, int]:
        if windows is None:
            return 0, NO_LIMIT
        early, late = windows[node]
        return round(early * scale), round(late * scale)

    depot = Depot(id=0, lat=coords[0][1], lng=coords[0][0])
    stops = []
    for node in range(1, size):
        start, end = window(node)
        stops.append(
            Stop(
                id=node,  # VRPLIB client number: node k + 1 of the file is client k
                lat=coords[node][1],
                lng=coords[node][0],
                delivery_kg=float(demand[node]),
                window_start_min=start,
                window_end_min=end,
                service_min=round(service[node] * scale),
            )
        )
    shift_start, shift_end = window(0)
    count = int(instance.get("vehicles", size - 1))
    vehicles = [
        VehicleSpec(
            id=i,
            capacity_kg=float(instance["capacity"]),
            capacity_crates=0,
            shift_start_min=shift_start,
            shift_end_min=shift_end,
        )
        for i in range(count)
    ]
    # Benchmark time is distance: one unit of travel takes one "minute".
    distance: list[list[int]] = lengths.tolist()
    travel = lengths if windows is not None else np.zeros(lengths.shape)
    duration: list[list[float]] = travel.astype(float).tolist()
    return depot, stops, vehicles, Matrix(distance, duration)


class Command(BaseCommand):
    help = "Solve a VRPLIB/Solomon instance with the platform's planner and print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--seconds", type=float, default=10.0)
        parser.add_argument(
            "--rounding",
            choices=sorted(SCALE),
            help="Distance convention (default: dimacs with time windows, else round).",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such instance file: {path}")
        instance = read_instance(path)
        rounding = options["rounding"] or ("dimacs" if "time_window" in instance else "round")
        depot, stops, vehicles, matrix = planner_input(instance, rounding)
        planner = PyVrpPlanner(seed=options["seed"], allow_unassigned=False)
        plan = planner.plan(depot, stops, vehicles, matrix, options["seconds"])
        scale = SCALE[rounding]
        cost = plan.distance_m / scale
        result = {
            "cost": int(cost) if scale == 1 else round(cost, int(math.log10(scale))),
            "routes": [[int(s.stop_id) for s in route.stops] for route in plan.routes],
            "seconds": round(time.perf_counter() - started, 2),
        }
        self.stdout.write(json.dumps(result))
        if plan.unassigned:
            raise CommandError(f"No feasible route found for clients {plan.unassigned}.")
