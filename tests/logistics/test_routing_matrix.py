"""Matrix providers: the offline mountain-road estimate, its calibration, and OSRM's table API
(against a local fake server speaking OSRM's JSON; no internet)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.test import override_settings

from xiangcun.logistics.routing import Depot, OfflineMatrixProvider, OsrmMatrixProvider, Stop
from xiangcun.logistics.routing.errors import MatrixUnavailableError, RoutingInputError
from xiangcun.logistics.routing.matrix import haversine_m, matrix_provider_default

TOWN = Depot("wh", 26.198, 107.794, altitude_m=900)
VILLAGE = Stop("v", 26.298, 107.794, altitude_m=1300)  # 0.1 degree north, 400 m higher


def test_haversine_one_tenth_degree_of_latitude_is_about_11_km():
    assert haversine_m(26.0, 107.8, 26.1, 107.8) == pytest.approx(11_119.5, rel=1e-3)


def test_offline_distance_is_straight_line_times_detour_and_time_follows_road_speed():
    provider = OfflineMatrixProvider(detour_factor=1.6, uphill_min_per_100m=0,
                                     downhill_min_per_100m=0)  # fmt: skip
    distance, duration = provider.matrix([TOWN, Stop("s", 26.298, 107.794)])
    straight = haversine_m(26.198, 107.794, 26.298, 107.794)
    assert distance[0][1] == round(straight * 1.6)
    assert duration[0][1] == pytest.approx(straight * 1.6 / 1000 / 35 * 60)  # county, 35 km/h
    assert distance[0][0] == 0
    assert duration[1][0] == pytest.approx(duration[0][1])


def test_detour_factor_and_road_class_are_settable():
    plain = OfflineMatrixProvider(detour_factor=1.2, road_class="provincial")
    d = plain.matrix([TOWN, Stop("s", 26.298, 107.794)]).distance_m[0][1]
    assert d == round(haversine_m(26.198, 107.794, 26.298, 107.794) * 1.2)
    # A leg is as slow as its slower end: a village stop is reached on the village road.
    provider = OfflineMatrixProvider(uphill_min_per_100m=0, downhill_min_per_100m=0)
    county = provider.matrix([TOWN, Stop("s", 26.298, 107.794)]).duration_min[0][1]
    village = provider.matrix([TOWN, Stop("s", 26.298, 107.794, road_class="village")])
    assert village.duration_min[0][1] == pytest.approx(county * 35 / 18)
    with pytest.raises(RoutingInputError):
        OfflineMatrixProvider(road_class="motorway-on-the-moon")


def test_climbing_takes_longer_than_coming_down():
    provider = OfflineMatrixProvider(uphill_min_per_100m=1.0, downhill_min_per_100m=0.3)
    distance, duration = provider.matrix([TOWN, VILLAGE])
    assert distance[0][1] == distance[1][0]
    assert duration[0][1] - duration[1][0] == pytest.approx(4 * 1.0 - 4 * 0.3)
    # No altitude on one end: no climbing term, symmetric.
    _, flat = provider.matrix([TOWN, Stop("v", 26.298, 107.794)])
    assert flat[0][1] == pytest.approx(flat[1][0])


def test_calibration_fits_the_speed_factor_to_recorded_trips():
    truth = OfflineMatrixProvider(time_factor=1.35)
    places = [Stop(str(i), 26.1 + 0.03 * i, 107.7 + 0.02 * (i % 4), altitude_m=600 + 50 * i)
              for i in range(6)]  # fmt: skip
    samples = [(a, b, truth.travel(a, b)[1] * 60) for a in places for b in places if a != b]
    provider = OfflineMatrixProvider()
    result = provider.calibrate(samples)
    assert result.time_factor == pytest.approx(1.35)
    assert provider.time_factor == pytest.approx(1.35)
    assert result.rmse_after_min < 1e-9 < result.rmse_before_min
    assert result.samples == 30
    with pytest.raises(RoutingInputError):
        provider.calibrate([])


def test_settings_configure_the_default_provider():
    with override_settings(ROUTING_DETOUR_FACTOR=2.0, ROUTING_OSRM_URL=""):
        provider = matrix_provider_default()
        assert isinstance(provider, OfflineMatrixProvider)
        assert provider.detour_factor == 2.0
    with override_settings(ROUTING_OSRM_URL="http://osrm.internal:5000"):
        assert isinstance(matrix_provider_default(), OsrmMatrixProvider)


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/... like OSRM: 1 km and 2 minutes per index step."""

    requests: ClassVar[list[str]] = []
    reply: ClassVar[dict[str, Any] | None] = None

    def do_GET(self) -> None:
        FakeOsrm.requests.append(self.path)
        path = self.path.partition("?")[0]
        coords = path.removeprefix("/table/v1/driving/").split(";")
        n = len(coords)
        body = FakeOsrm.reply or {
            "code": "Ok",
            "durations": [[abs(i - j) * 120.0 for j in range(n)] for i in range(n)],
            "distances": [[abs(i - j) * 1000.4 for j in range(n)] for i in range(n)],
        }
        data = json.dumps(body).encode()
        self.send_response(200 if body.get("code") == "Ok" else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOsrm.requests.clear()
    FakeOsrm.reply = None
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osrm_table_is_read_into_metres_and_minutes(osrm):
    points = [TOWN, Stop("a", 26.25, 107.9), Stop("b", 26.3, 107.7)]
    distance, duration = OsrmMatrixProvider(osrm + "/").matrix(points)
    assert distance == [[0, 1000, 2001], [1000, 0, 1000], [2001, 1000, 0]]
    assert duration[0][2] == pytest.approx(4.0)
    (path,) = FakeOsrm.requests
    assert path == (
        "/table/v1/driving/107.794000,26.198000;107.900000,26.250000;107.700000,26.300000"
        "?annotations=duration,distance"
    )


def test_osrm_error_or_unreachable_point_raises(osrm):
    points = [TOWN, Stop("a", 26.25, 107.9)]
    FakeOsrm.reply = {"code": "NoTable", "message": "no table"}
    with pytest.raises(MatrixUnavailableError):
        OsrmMatrixProvider(osrm).matrix(points)
    FakeOsrm.reply = {"code": "Ok", "durations": [[0, None], [60, 0]],
                      "distances": [[0, None], [900, 0]]}  # fmt: skip
    with pytest.raises(MatrixUnavailableError):
        OsrmMatrixProvider(osrm).matrix(points)


def test_osrm_server_down_raises_matrix_unavailable():
    provider = OsrmMatrixProvider("http://127.0.0.1:9", timeout=1)
    with pytest.raises(MatrixUnavailableError):
        provider.matrix([TOWN, Stop("a", 26.25, 107.9)])
    with pytest.raises(RoutingInputError):
        OsrmMatrixProvider("file:///etc/passwd")
