"""The spot a buyer shares for home delivery: stored on the order when given, judged when bad
(both numbers or neither, on the globe, near the county), through the service, the API and
the checkout page; a refused point writes nothing."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.orders.conftest import ADDRESS, home
from tests.orders_pages.conftest import Shop, shop_build
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import XiangcunError
from xiangcun.inventory.models import Reservation
from xiangcun.orders.models import Order
from xiangcun.payments.models import PaymentIntent
from xiangcun.regions.models import Address, County, Station

pytestmark = pytest.mark.django_db

# Near 丹寨县's seat, and a house in the hills a few kilometres out.
COUNTY_CENTRE = {"latitude": Decimal("26.198"), "longitude": Decimal("107.794")}
HOUSE = {"latitude": 26.2314567, "longitude": 107.8123454}
BEIJING = {"latitude": 39.9042, "longitude": 116.4074}


@pytest.fixture
def county_with_centre(station: Station) -> County:
    """The station's county (made by the factories), with its centre known."""
    County.objects.update(**COUNTY_CENTRE)
    return County.objects.get()


def nothing_written() -> None:
    assert Order.objects.count() == 0
    assert Address.objects.count() == 0
    assert PaymentIntent.objects.count() == 0
    assert Reservation.objects.count() == 0


# --- the service ------------------------------------------------------------------------------


def test_home_order_keeps_the_shared_point_to_six_places(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    order = place([(variant.pk, 1)], **home(**HOUSE))

    order.refresh_from_db()
    assert order.latitude == Decimal("26.231457")
    assert order.longitude == Decimal("107.812345")


def test_home_order_without_a_point_has_none(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    order = place([(variant.pk, 1)], **home())

    order.refresh_from_db()
    assert order.latitude is None
    assert order.longitude is None


def test_the_point_may_come_as_the_text_of_a_form_field(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    order = place([(variant.pk, 1)], **home(latitude=" 26.2 ", longitude="107.8"))

    order.refresh_from_db()
    assert (order.latitude, order.longitude) == (Decimal("26.2"), Decimal("107.8"))


def test_empty_form_fields_mean_no_point(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    order = place([(variant.pk, 1)], **home(latitude="", longitude=""))

    order.refresh_from_db()
    assert order.latitude is None


def test_a_pickup_order_ignores_a_point(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    order = place([(variant.pk, 1)], address={**ADDRESS, **HOUSE})

    order.refresh_from_db()
    assert order.delivery_method == "station_pickup"
    assert order.latitude is None


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ({"latitude": 26.2}, "address.longitude"),
        ({"longitude": 107.8}, "address.latitude"),
        ({"latitude": 26.2, "longitude": ""}, "address.longitude"),
        ({"latitude": 90.5, "longitude": 107.8}, "address.latitude"),
        ({"latitude": -91, "longitude": 107.8}, "address.latitude"),
        ({"latitude": 26.2, "longitude": 180.01}, "address.longitude"),
        ({"latitude": "north", "longitude": 107.8}, "address.latitude"),
        ({"latitude": "26.2", "longitude": "1e999999"}, "address.longitude"),
        ({"latitude": float("nan"), "longitude": 107.8}, "address.latitude"),
        ({"latitude": 26.2, "longitude": float("inf")}, "address.longitude"),
        ({"latitude": True, "longitude": 107.8}, "address.latitude"),
        ({"latitude": [26.2], "longitude": 107.8}, "address.latitude"),
        ({"latitude": "2" * 40, "longitude": 107.8}, "address.latitude"),
    ],
)
def test_a_bad_point_is_refused_with_a_code_and_writes_nothing(
    variant: Variant,
    place: Callable[..., Order],
    county_with_centre: County,
    point: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(XiangcunError) as raised:
        place([(variant.pk, 1)], **home(**point))

    assert raised.value.code == "invalid_address_point"
    assert raised.value.status == 400
    assert raised.value.field == field
    nothing_written()


def test_a_point_far_from_the_county_is_refused_and_writes_nothing(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    with pytest.raises(XiangcunError) as raised:
        place([(variant.pk, 1)], **home(**BEIJING))

    assert raised.value.code == "address_point_out_of_area"
    assert raised.value.status == 400
    assert raised.value.details["max_km"] == 100
    assert raised.value.details["distance_km"] > 1000
    nothing_written()


def test_the_distance_allowed_is_a_setting(
    variant: Variant, place: Callable[..., Order], county_with_centre: County, settings: Any
) -> None:
    settings.ORDER_ADDRESS_POINT_MAX_KM = 2  # the house is about 4 km from the centre

    with pytest.raises(XiangcunError) as raised:
        place([(variant.pk, 1)], **home(**HOUSE))

    assert raised.value.code == "address_point_out_of_area"
    nothing_written()


def test_without_a_county_centre_any_point_on_the_globe_is_taken(
    variant: Variant, place: Callable[..., Order], station: Station
) -> None:
    assert County.objects.get().latitude is None

    order = place([(variant.pk, 1)], **home(**BEIJING))

    order.refresh_from_db()
    assert order.latitude == Decimal("39.904200")


def test_a_retry_with_the_same_point_answers_the_same_order_and_another_point_conflicts(
    variant: Variant, place: Callable[..., Order], county_with_centre: County
) -> None:
    first = place([(variant.pk, 1)], idempotency_key="home-1", **home(**HOUSE))
    again = place([(variant.pk, 1)], idempotency_key="home-1", **home(**HOUSE))

    assert again.pk == first.pk
    assert again.replayed
    with pytest.raises(XiangcunError) as raised:
        place([(variant.pk, 1)], idempotency_key="home-1", **home(latitude=26.3, longitude=107.9))
    assert raised.value.code == "idempotency_conflict"
    assert Order.objects.count() == 1


# --- the API ----------------------------------------------------------------------------------


def _post(api: Client, variant: Variant, address: dict[str, Any]) -> Any:
    body = {
        "lines": [{"variant": variant.pk, "quantity": 1}],
        "delivery": {"method": "home", "address": address},
        "payment_method": "cash",
    }
    return api.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")


def test_api_home_order_with_a_point(
    api: Client, variant: Variant, county_with_centre: County
) -> None:
    response = _post(api, variant, {**ADDRESS, **HOUSE})

    assert response.status_code == 201, response.content
    order = Order.objects.get(number=response.json()["number"])
    assert (order.latitude, order.longitude) == (Decimal("26.231457"), Decimal("107.812345"))


def test_api_home_order_without_a_point(
    api: Client, variant: Variant, county_with_centre: County
) -> None:
    response = _post(api, variant, ADDRESS)

    assert response.status_code == 201, response.content
    assert Order.objects.get().latitude is None


@pytest.mark.parametrize(
    ("point", "status", "code"),
    [
        ({"latitude": 26.2}, 400, "invalid_address_point"),
        ({"latitude": 100, "longitude": 107.8}, 400, "invalid_address_point"),
        (BEIJING, 400, "address_point_out_of_area"),
        ({"latitude": "north", "longitude": 107.8}, 422, "invalid_input"),
    ],
)
def test_api_bad_point_answers_with_a_code_and_writes_nothing(
    api: Client,
    variant: Variant,
    county_with_centre: County,
    point: dict[str, Any],
    status: int,
    code: str,
) -> None:
    response = _post(api, variant, {**ADDRESS, **point})

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    nothing_written()


def test_api_documents_the_point_fields(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["AddressIn"]["properties"]
    assert "invalid_address_point" in fields["latitude"]["description"]
    assert "longitude" in fields


# --- the checkout page ------------------------------------------------------------------------


@pytest.fixture
def shop(django_capture_on_commit_callbacks: Any) -> Shop:
    with django_capture_on_commit_callbacks(execute=True):
        return shop_build()


def _checkout(client: Client, shop: Shop, **values: str) -> Any:
    client.force_login(shop.buyer)
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": 1})
    html = client.get("/cart/checkout/").content.decode()
    key = html.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    data = {
        "idempotency_key": key,
        "delivery_method": "home",
        "payment_method": "cash",
        "province": "贵州省",
        "city": "黔东南苗族侗族自治州",
        "county": "丹寨县",
        "township": str(shop.market.village.township_id),
        "village": str(shop.market.village.pk),
        "detail": "三组12号",
        "recipient": "张大姐",
        "phone": "13912340001",
        **values,
    }
    return client.post("/cart/checkout/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_checkout_page_offers_the_location_button_through_a_static_script(
    client: Client, shop: Shop
) -> None:
    client.force_login(shop.buyer)
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": 1})
    html = client.get("/cart/checkout/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'type="hidden" name="latitude"' in html
    assert 'type="hidden" name="longitude"' in html
    assert "Use my current location" in html
    # Hidden until the script shows it: without JavaScript the button would do nothing.
    assert 'data-testid="locate" hidden' in html
    assert 'src="/static/orders/locate.js"' in html
    assert "<script>" not in html
    assert "onclick" not in html


def test_checkout_page_sends_the_point_with_the_order(client: Client, shop: Shop) -> None:
    response = _checkout(client, shop, latitude="26.231457", longitude="107.812345")

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert (order.latitude, order.longitude) == (Decimal("26.231457"), Decimal("107.812345"))


def test_checkout_page_without_a_point_works_as_before(client: Client, shop: Shop) -> None:
    response = _checkout(client, shop)

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.latitude is None


def test_checkout_page_shows_a_bad_point_above_the_form_and_keeps_the_rest(
    client: Client, shop: Shop
) -> None:
    response = _checkout(client, shop, latitude="26.2", longitude="")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The location of the house could not be read." in html
    assert 'value="三组12号"' in html
    assert Order.objects.count() == 0
