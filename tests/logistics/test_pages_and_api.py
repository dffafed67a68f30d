"""The logistics pages and API: shapes, permissions, the driver's steps, query counts."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.logistics.factories import FarmPickupFactory, packed, paid_order
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services
from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, RouteStop, Vehicle
from xiangcun.orders.models import Order
from xiangcun.orders.selectors import order_by_number
from xiangcun.regions.models import Station


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def busy_day(
    farm_pickup: FarmPickup,
    packed_parcel: Parcel,
    buyer: User,
    variant: Variant,
    other_station: Station,
    packer: User,
    van: Vehicle,
    warehouse_manager: User,
    day: datetime.date,
) -> RoutePlan:
    """Today planned with four stops for the van: two farm pickups and two stations (so a
    query per stop would show in the counts)."""
    FarmPickupFactory(variant=farm_pickup.variant, requested_by=warehouse_manager)
    packed(paid_order(buyer, variant.pk, station=other_station), packer)
    return services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)


def test_driver_sees_todays_route_with_stops_in_order(
    busy_day: RoutePlan, driver: User, django_assert_max_num_queries: Any
) -> None:
    client = page_client(driver)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("logistics:route"))
    assert response.status_code == 200
    html = response.content.decode()
    stops = RouteStop.objects.filter(route__driver__user=driver, route__plan__status="active")
    assert stops.count() == 4
    assert html.count('data-testid="stop"') == stops.count()
    labels = [stop.label for stop in stops.order_by("sequence")]
    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)


def test_driver_marks_a_station_stop_done_and_its_parcels_wait_with_codes(
    planned_day: RoutePlan, driver: User
) -> None:
    stop = RouteStop.objects.filter(
        route__driver__user=driver, route__plan__status="active", kind="station"
    ).first()
    assert stop is not None
    client = page_client(driver)
    client.post(reverse("logistics:stop_action", args=[stop.pk]), {"action": "arrive"})
    response = client.post(reverse("logistics:stop_action", args=[stop.pk]), {"action": "done"})
    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.status == "done"
    parcels = Parcel.objects.filter(route_stop=stop)
    assert parcels.exists()
    assert all(parcel.status == "at_station" and parcel.code_hash for parcel in parcels)
    assert all(order_by_number(number=p.task.order.number).status == "shipped" for p in parcels)


def test_another_driver_cannot_work_someone_elses_stop(
    planned_day: RoutePlan, courier: User, driver: User
) -> None:
    stop = RouteStop.objects.filter(
        route__driver__user=driver, route__plan__status="active"
    ).first()
    assert stop is not None
    response = page_client(courier).post(
        reverse("logistics:stop_action", args=[stop.pk]), {"action": "done"}
    )
    assert response.status_code == 403
    stop.refresh_from_db()
    assert stop.status == "pending"


def test_pages_refuse_people_without_the_job(buyer: User) -> None:
    client = page_client(buyer)
    for name in ("route", "handover", "packing", "intake", "dispatch"):
        assert client.get(reverse(f"logistics:{name}")).status_code == 403


def test_station_hand_over_page_finds_then_confirms(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel = parcel_at_station
    code = services.pickup_code_for(parcel)
    client = page_client(station_agent)
    url = reverse("logistics:handover")
    page = client.get(url).content.decode()
    assert 'inputmode="numeric"' in page
    found = client.post(url, {"station": parcel.station_id, "code": code})
    assert 'data-testid="found-parcel"' in found.content.decode()
    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    done = client.post(url, {"station": parcel.station_id, "code": code, "confirm": "1"})
    assert 'data-testid="handover-done"' in done.content.decode()
    parcel.refresh_from_db()
    assert parcel.status == "collected"
    wrong = client.post(url, {"station": parcel.station_id, "code": "000000"})
    assert "field-error" in wrong.content.decode()


def test_packing_pages_and_label_pdf(packed_parcel: Parcel, packer: User) -> None:
    client = page_client(packer)
    assert client.get(reverse("logistics:packing")).status_code == 200
    parcel = packed_parcel
    slip = client.get(reverse("logistics:packing_task", args=[parcel.task_id]))
    assert 'data-testid="packing-slip"' in slip.content.decode()
    label = client.get(reverse("logistics:packing_label", args=[parcel.task_id]))
    assert label["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")


def test_dispatch_page_shows_the_plan_and_plans_again(
    planned_day: RoutePlan, warehouse_manager: User, day: datetime.date
) -> None:
    client = page_client(warehouse_manager)
    page = client.get(reverse("logistics:dispatch")).content.decode()
    assert 'data-testid="plan"' in page
    before = RoutePlan.objects.get(day=day, status="active")
    client.post(reverse("logistics:dispatch_plan"))
    after = RoutePlan.objects.get(day=day, status="active")
    assert after.pk != before.pk


def test_buyer_sees_parcel_timeline_and_code_on_the_order_page(
    parcel_at_station: Parcel, buyer: User
) -> None:
    url = reverse("orders:detail", args=[parcel_at_station.order_id])
    html = page_client(buyer).get(url).content.decode()
    assert 'data-testid="parcel-timeline"' in html
    assert services.pickup_code_for(parcel_at_station) in html


def test_api_parcel_timeline_shape(
    parcel_at_station: Parcel, buyer: User, api_for: Callable[[User], Client]
) -> None:
    parcel = parcel_at_station
    body = api_for(buyer).get(f"/api/v1/logistics/parcels/{parcel.pk}").json()
    assert body["number"] == parcel.number
    assert body["status"] == "at_station"
    assert body["pickup_code"] == services.pickup_code_for(parcel)
    assert [step["status"] for step in body["timeline"]] == ["packed", "at_station"]
    assert set(body["timeline"][0]) == {"status", "label", "place", "note", "at"}
    listed = api_for(buyer).get(f"/api/v1/logistics/orders/{parcel.order_id}/parcels").json()
    assert [p["id"] for p in listed] == [parcel.pk]


def test_api_hides_parcels_from_strangers(
    packed_parcel: Parcel, api_for: Callable[[User], Client]
) -> None:
    parcel = packed_parcel
    response = api_for(UserFactory()).get(f"/api/v1/logistics/parcels/{parcel.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "parcel_not_found"
    assert Client().get(f"/api/v1/logistics/parcels/{parcel.pk}").status_code == 401


def test_api_route_today_and_its_query_count(
    busy_day: RoutePlan,
    van: Vehicle,
    driver: User,
    api_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = api_for(driver)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/logistics/routes/today").json()
    assert body["vehicle"] == van.plate
    assert [stop["sequence"] for stop in body["stops"]] == [1, 2, 3, 4]
    stop = body["stops"][0]
    assert {"window_start", "window_end", "arrive", "drop", "pickup_kg"} <= set(stop)


def test_api_hand_over_counts_wrong_codes(
    parcel_at_station: Parcel, station_agent: User, api_for: Callable[[User], Client]
) -> None:
    parcel = parcel_at_station
    code = services.pickup_code_for(parcel)
    client = api_for(station_agent)
    url = "/api/v1/logistics/parcels/handover"
    bad = {"code": f"{(int(code) + 1) % 1_000_000:06d}", "station": parcel.station_id}
    codes = [client.post(url, bad, content_type="application/json") for _ in range(5)]
    assert [r.status_code for r in codes] == [400, 400, 400, 400, 429]
    assert codes[0].json()["code"] == "wrong_pickup_code"
    assert codes[-1].json()["code"] == "pickup_code_locked"
    assert "Retry-After" in codes[-1]


def test_api_hand_over_with_the_right_code(
    parcel_at_station: Parcel,
    paid_order_to_station: Order,
    station_agent: User,
    api_for: Callable[[User], Client],
) -> None:
    parcel = parcel_at_station
    response = api_for(station_agent).post(
        "/api/v1/logistics/parcels/handover",
        {"code": services.pickup_code_for(parcel), "station": parcel.station_id},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["order_number"] == paid_order_to_station.number
