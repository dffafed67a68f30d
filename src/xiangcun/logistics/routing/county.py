"""Generated county delivery days around Danzhai, for benchmarks, tests and demo data.

Stops lie within `radius_km` of the county warehouse at mountain altitudes: village stations
(all-day windows, parcels in and returns out), homes (two-hour windows) and farms (morning
pickups of produce, empty crates dropped). Vans work 07:00-19:00. Seeded, so reproducible.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from xiangcun.logistics.routing.types import Depot, Stop, VehicleSpec

DANZHAI = (26.198, 107.794)  # county seat, about 900 m above sea level
KM_PER_DEGREE_LAT = 111.2


@dataclass(frozen=True)
class CountyDay:
    depot: Depot
    stops: list[Stop]
    vehicles: list[VehicleSpec]


def county_day(
    *, stops: int = 50, vans: int = 5, seed: int = 1, radius_km: float = 30.0
) -> CountyDay:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    lat0, lng0 = DANZHAI
    depot = Depot("warehouse", lat0, lng0, name="Danzhai county warehouse", altitude_m=900)
    made = []
    for i in range(stops):
        # Uniform over the disc: sqrt for the radius.
        r = radius_km * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lat = lat0 + r * math.sin(angle) / KM_PER_DEGREE_LAT
        lng = lng0 + r * math.cos(angle) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat0)))
        altitude = rng.uniform(550, 1400)
        kind = rng.choices(["station", "home", "farm"], weights=[4, 4, 2])[0]
        if kind == "station":
            made.append(
                Stop(
                    f"station-{i}",
                    lat,
                    lng,
                    delivery_kg=rng.randint(20, 120),
                    pickup_kg=rng.randint(0, 30),
                    delivery_crates=rng.randint(1, 6),
                    pickup_crates=rng.randint(0, 2),
                    window_start_min=8 * 60,
                    window_end_min=18 * 60,
                    service_min=10,
                    altitude_m=altitude,
                    road_class="township",
                )
            )
        elif kind == "home":
            opens = rng.choice(range(8 * 60, 16 * 60 + 1, 60))
            made.append(
                Stop(
                    f"home-{i}",
                    lat,
                    lng,
                    delivery_kg=rng.randint(2, 25),
                    pickup_kg=rng.choice([0, 0, 0, 5]),
                    delivery_crates=0,
                    window_start_min=opens,
                    window_end_min=opens + 120,
                    service_min=5,
                    altitude_m=altitude,
                    road_class="village",
                )
            )
        else:
            made.append(
                Stop(
                    f"farm-{i}",
                    lat,
                    lng,
                    delivery_kg=rng.randint(0, 10),
                    pickup_kg=rng.randint(60, 250),
                    delivery_crates=rng.randint(0, 4),
                    pickup_crates=rng.randint(3, 10),
                    window_start_min=7 * 60,
                    window_end_min=12 * 60,
                    service_min=15,
                    altitude_m=altitude,
                    road_class="village",
                )
            )
    vehicles = [
        VehicleSpec(
            f"van-{v + 1}",
            capacity_kg=1200,
            capacity_crates=40,
            shift_start_min=7 * 60,
            shift_end_min=19 * 60,
            cost_per_km=Decimal("1.80"),
            depot=depot,
        )
        for v in range(vans)
    ]
    return CountyDay(depot, made, vehicles)
