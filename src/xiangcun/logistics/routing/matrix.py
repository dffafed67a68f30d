"""Travel distances and times between depot and stops.

The offline provider needs no road data: straight-line distance times a detour factor for
mountain roads, divided by a speed for the road class, plus time for climbing when altitudes are
known; `calibrate` fits it to recorded trips. `OsrmMatrixProvider` asks an OSRM road server.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from xiangcun.logistics.routing.errors import MatrixUnavailableError, RoutingInputError
from xiangcun.logistics.routing.types import Matrix

EARTH_RADIUS_M = 6_371_008.8

# Typical van speeds on Qiandongnan roads, km/h: switchbacks keep county roads slow.
ROAD_SPEEDS_KMH: dict[str, float] = {
    "expressway": 80.0,
    "national": 55.0,
    "provincial": 45.0,
    "county": 35.0,
    "township": 25.0,
    "village": 18.0,
}


class Located(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lng(self) -> float: ...


class MatrixProvider(Protocol):
    def matrix(self, points: Sequence[Located]) -> Matrix:
        """Distances (m) and durations (min) between every ordered pair of `points`."""
        ...


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class CalibrationResult:
    time_factor: float  # new multiplier on modelled travel time (detour / speed)
    samples: int
    rmse_before_min: float
    rmse_after_min: float


class OfflineMatrixProvider:
    """Straight line x detour factor / road speed (+ climbing time), no road server needed.

    A leg's speed is that of the slower road class of its two ends (a village stop is reached
    on the village road). Climbing adds `uphill_min_per_100m` minutes per 100 m gained and
    descending `downhill_min_per_100m` per 100 m lost, when both ends give an altitude, so a
    matrix may be asymmetric. `time_factor` scales all driving time and is what `calibrate` fits.
    """

    def __init__(
        self,
        *,
        detour_factor: float = 1.6,
        road_class: str = "county",
        speeds_kmh: Mapping[str, float] | None = None,
        uphill_min_per_100m: float = 1.0,
        downhill_min_per_100m: float = 0.3,
        time_factor: float = 1.0,
    ) -> None:
        self.speeds_kmh = dict(ROAD_SPEEDS_KMH if speeds_kmh is None else speeds_kmh)
        if road_class not in self.speeds_kmh:
            raise RoutingInputError(field="road_class")
        if detour_factor < 1 or time_factor <= 0 or min(self.speeds_kmh.values()) <= 0:
            raise RoutingInputError(field="detour_factor")
        self.detour_factor = detour_factor
        self.road_class = road_class
        self.uphill_min_per_100m = uphill_min_per_100m
        self.downhill_min_per_100m = downhill_min_per_100m
        self.time_factor = time_factor

    @classmethod
    def from_settings(cls) -> OfflineMatrixProvider:
        """Built from `ROUTING_DETOUR_FACTOR`, `ROUTING_ROAD_CLASS`, `ROUTING_ROAD_SPEEDS_KMH`,
        `ROUTING_TIME_FACTOR` (a calibrated value) when the settings define them."""
        return cls(
            detour_factor=float(getattr(settings, "ROUTING_DETOUR_FACTOR", 1.6)),
            road_class=str(getattr(settings, "ROUTING_ROAD_CLASS", "county")),
            speeds_kmh=getattr(settings, "ROUTING_ROAD_SPEEDS_KMH", None),
            time_factor=float(getattr(settings, "ROUTING_TIME_FACTOR", 1.0)),
        )

    def _speed_kmh(self, point: Located) -> float:
        road_class = getattr(point, "road_class", "") or self.road_class
        return self.speeds_kmh.get(road_class, self.speeds_kmh[self.road_class])

    def _leg(self, a: Located, b: Located) -> tuple[float, float, float]:
        """Road metres, driving minutes before `time_factor`, climbing minutes."""
        road_m = haversine_m(a.lat, a.lng, b.lat, b.lng) * self.detour_factor
        speed = min(self._speed_kmh(a), self._speed_kmh(b))
        drive_min = road_m / 1000 / speed * 60
        climb_min = 0.0
        alt_a, alt_b = getattr(a, "altitude_m", None), getattr(b, "altitude_m", None)
        if alt_a is not None and alt_b is not None and road_m > 0:
            rise = alt_b - alt_a
            per_100m = self.uphill_min_per_100m if rise > 0 else self.downhill_min_per_100m
            climb_min = abs(rise) / 100 * per_100m
        return road_m, drive_min, climb_min

    def travel(self, a: Located, b: Located) -> tuple[int, float]:
        """Metres and minutes from `a` to `b`."""
        road_m, drive_min, climb_min = self._leg(a, b)
        return round(road_m), drive_min * self.time_factor + climb_min

    def matrix(self, points: Sequence[Located]) -> Matrix:
        n = len(points)
        distance = [[0] * n for _ in range(n)]
        duration = [[0.0] * n for _ in range(n)]
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                if i != j:
                    distance[i][j], duration[i][j] = self.travel(a, b)
        return Matrix(distance, duration)

    def calibrate(self, samples: Sequence[tuple[Located, Located, float]]) -> CalibrationResult:
        """Fit `time_factor` to recorded trips `(from, to, seconds)` by least squares.

        Recorded times cannot tell a longer road from a slower one, so one factor, the
        detour/speed ratio, is fitted: minimise sum (f * drive_i + climb_i - observed_i)^2.
        """
        rows = []
        for a, b, seconds in samples:
            _, drive_min, climb_min = self._leg(a, b)
            if drive_min > 0 and seconds > 0:
                rows.append((drive_min, climb_min, seconds / 60))
        if not rows:
            raise RoutingInputError(field="samples")

        def rmse(factor: float) -> float:
            total = sum((factor * d + c - y) ** 2 for d, c, y in rows)
            return math.sqrt(total / len(rows))

        before = rmse(self.time_factor)
        fitted = sum(d * (y - c) for d, c, y in rows) / sum(d * d for d, _, _ in rows)
        if fitted <= 0:
            raise RoutingInputError(field="samples")
        self.time_factor = fitted
        return CalibrationResult(fitted, len(rows), before, rmse(fitted))


class OsrmMatrixProvider:
    """Distances and durations from an OSRM server's table service (`/table/v1/...`)."""

    def __init__(self, base_url: str, *, profile: str = "driving", timeout: float = 10.0) -> None:
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("http", "https"):
            raise RoutingInputError(field="base_url")
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout = timeout

    def url(self, points: Sequence[Located]) -> str:
        coords = ";".join(f"{p.lng:.6f},{p.lat:.6f}" for p in points)
        return f"{self.base_url}/table/v1/{self.profile}/{coords}?annotations=duration,distance"

    def matrix(self, points: Sequence[Located]) -> Matrix:
        if len(points) < 2:
            return Matrix([[0] * len(points)], [[0.0] * len(points)]) if points else Matrix([], [])
        try:
            # The scheme was checked in __init__: only http(s) reaches urlopen.
            with urllib.request.urlopen(self.url(points), timeout=self.timeout) as response:  # noqa: S310
                body: Any = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MatrixUnavailableError(details=str(exc)) from exc
        if not isinstance(body, dict) or body.get("code") != "Ok":
            code = body.get("code") if isinstance(body, dict) else None
            raise MatrixUnavailableError(details=str(code))
        durations: Any = body.get("durations")
        distances: Any = body.get("distances")
        n = len(points)
        if not _square(durations, n) or not _square(distances, n):
            raise MatrixUnavailableError(details="bad table shape")
        distance = [[0] * n for _ in range(n)]
        duration = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                seconds, metres = durations[i][j], distances[i][j]
                if seconds is None or metres is None:  # OSRM: no road between them
                    raise MatrixUnavailableError(details=f"no route from point {i} to {j}")
                distance[i][j] = round(metres)
                duration[i][j] = seconds / 60
        return Matrix(distance, duration)


def _square(table: Any, n: int) -> bool:
    return (
        isinstance(table, list)
        and len(table) == n
        and all(isinstance(row, list) and len(row) == n for row in table)
    )


def matrix_provider_default() -> MatrixProvider:
    """The road server when `ROUTING_OSRM_URL` is set, else the offline estimate."""
    url = getattr(settings, "ROUTING_OSRM_URL", "")
    if url:
        return OsrmMatrixProvider(url)
    return OfflineMatrixProvider.from_settings()
