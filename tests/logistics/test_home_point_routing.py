"""A home parcel goes where the buyer said the house is: packing takes the order's own point
(else the village centre), the route stop carries it, and the driver's page opens Amap there."""

import datetime
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.logistics.factories import packed, paid_order
from tests.regions.factories import VillageFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel, RouteStop, Vehicle
from xiangcun.orders.models import Order
from xiangcun.regions.models import Village


@pytest.fixture
def village(db: None) -> Village:
    """A village with its centre on the map, a few kilometres from the depot."""
    return VillageFactory(latitude=Decimal("26.221000"), longitude=Decimal("107.812000"))


def house_near(village: Village) -> tuple[Decimal, Decimal]:
    """A house in the hills about 3 km from the village centre."""
    assert village.latitude is not None
    assert village.longitude is not None
    return village.latitude + Decimal("0.021"), village.longitude + Decimal("0.017")


def home_parcel(
    buyer: User,
    packer: User,
    variant: Variant,
    village: Village,
    point: tuple[Decimal, Decimal] | None,
) -> Parcel:
    address: dict[str, Any] = {
        "province": "贵州省",
        "city": "黔东南苗族侗族自治州",
        "county": "丹寨县",
        "township": village.township_id,
        "village": village.pk,
        "detail": "三组12号",
        "recipient": "杨阿婆",
        "phone": "13800138000",
    }
    if point is not None:
        address["latitude"], address["longitude"] = point
    return packed(paid_order(buyer, variant.pk, address=address), packer, weight_g=800)


def test_a_packed_home_parcel_takes_the_point_of_its_order(
    buyer: User, packer: User, variant: Variant, village: Village
) -> None:
    point = house_near(village)

    parcel = home_parcel(buyer, packer, variant, village, point)

    assert parcel.destination == Parcel.Destination.HOME
    parcel.refresh_from_db()
    assert (parcel.latitude, parcel.longitude) == point
    order = Order.objects.get(pk=parcel.order_id)
    assert (order.latitude, order.longitude) == point


def test_without_a_point_the_parcel_goes_to_the_village_centre(
    buyer: User, packer: User, variant: Variant, village: Village
) -> None:
    parcel = home_parcel(buyer, packer, variant, village, None)

    parcel.refresh_from_db()
    assert (parcel.latitude, parcel.longitude) == (village.latitude, village.longitude)


def test_the_route_stop_and_the_drivers_navigate_link_use_the_house(
    buyer: User,
    packer: User,
    variant: Variant,
    van: Vehicle,
    warehouse_manager: User,
    village: Village,
    day: datetime.date,
) -> None:
    latitude, longitude = house_near(village)
    parcel = home_parcel(buyer, packer, variant, village, (latitude, longitude))

    services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)

    stop = RouteStop.objects.get(key=f"home:{parcel.pk}", route__plan__status="active")
    assert (stop.latitude, stop.longitude) == (latitude, longitude)
    assert stop.kind == RouteStop.Kind.HOME
    client = Client()
    client.force_login(stop.route.driver.user)
    response = client.get(reverse("logistics:route"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    link = (
        f"https://uri.amap.com/marker?position={longitude},{latitude}"
        "&name=Home%20delivery&coordinate=wgs84&callnative=1"
    )
    assert link in html
    # The recipient's name (杨阿婆) stays on our page and is not sent to Amap.
    assert "%E6%9D%A8%E9%98%BF%E5%A9%86" not in html
    # Every stop of the route has its link; the page loads nothing from Amap.
    assert html.count('data-testid="navigate"') == html.count('data-testid="stop"')
    assert 'src="https://' not in html
