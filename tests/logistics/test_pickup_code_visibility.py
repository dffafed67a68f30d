"""Who may be shown a parcel's pickup code (取件码): only the order's buyer and the person the
parcel is addressed to. Sellers of a line, the programme manager, logistics staff and station
agents (who check codes) see the parcel without it, in the API and on the order page."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory, user_with_role
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.logistics import selectors, services
from xiangcun.logistics.models import Parcel
from xiangcun.orders.models import Order, OrderLine
from xiangcun.sellers.models import Seller


def waiting_parcel(parcel: Parcel) -> tuple[Parcel, str]:
    """The parcel waiting at its station, and its pickup code."""
    return parcel, services.pickup_code_for(parcel)


def seller_of(parcel: Parcel) -> User:
    line = OrderLine.objects.filter(order_id=parcel.order_id).first()
    assert line is not None
    owner = Seller.objects.get(pk=line.seller_id).owner
    assert owner is not None
    return owner


def programme_manager() -> User:
    return user_with_role(Role.PROGRAMME_MANAGER)


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_order_parcels_api_shows_the_code_to_the_buyer_only(
    parcel_at_station: Parcel,
    buyer: User,
    station_agent: User,
    warehouse_manager: User,
    api_for: Callable[[User], Client],
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    url = f"/api/v1/logistics/orders/{parcel.order_id}/parcels"

    mine = api_for(buyer).get(url)
    assert mine.status_code == 200
    assert [p["pickup_code"] for p in mine.json()] == [code]

    for who in (seller_of(parcel), programme_manager(), warehouse_manager, station_agent):
        response = api_for(who).get(url)
        assert response.status_code == 200  # they may see the order: its parcels, no code
        listed = response.json()
        assert [p["id"] for p in listed] == [parcel.pk]
        assert [p["pickup_code"] for p in listed] == [None]
        assert code not in response.content.decode()


def test_the_seller_and_the_programme_manager_see_the_parcel_but_not_the_code(
    parcel_at_station: Parcel, api_for: Callable[[User], Client]
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    url = f"/api/v1/logistics/orders/{parcel.order_id}/parcels"
    for who in (seller_of(parcel), programme_manager()):
        response = api_for(who).get(url)
        assert response.status_code == 200
        assert response.json()[0]["number"] == parcel.number
        assert response.json()[0]["pickup_code"] is None
        assert code not in response.content.decode()


def test_logistics_staff_get_the_parcel_without_its_code(
    parcel_at_station: Parcel,
    buyer: User,
    warehouse_manager: User,
    station_agent: User,
    api_for: Callable[[User], Client],
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    url = f"/api/v1/logistics/parcels/{parcel.pk}"
    assert api_for(buyer).get(url).json()["pickup_code"] == code
    for who in (warehouse_manager, station_agent):
        response = api_for(who).get(url)
        assert response.status_code == 200
        assert response.json()["pickup_code"] is None
        assert code not in response.content.decode()


def test_the_order_page_shows_the_code_to_the_buyer_only(
    parcel_at_station: Parcel, buyer: User, station_agent: User
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    url = reverse("orders:detail", args=[parcel.order_id])
    assert code in page_client(buyer).get(url).content.decode()
    # The agent who placed an assisted order sees the order page, never the code: a station
    # agent checks codes at the counter and must not be able to read them.
    Order.objects.filter(pk=parcel.order_id).update(placed_by=station_agent)
    for who in (station_agent, seller_of(parcel), programme_manager()):
        response = page_client(who).get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="parcel-timeline"' in html
        assert 'data-testid="pickup-code"' not in html
        assert code not in html


def test_the_station_counter_never_shows_the_codes_waiting_there(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    client = page_client(station_agent)
    session = client.session
    session["logistics_station_id"] = parcel.station_id
    session.save()
    html = client.get(reverse("logistics:handover")).content.decode()
    assert parcel.number in html
    assert code not in html


def test_the_selector_decides_on_the_user(
    parcel_at_station: Parcel, buyer: User, station_agent: User
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    parcel = selectors.parcels_for_order(order_id=parcel.order_id, for_user=buyer)[0]
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=buyer) == code
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=station_agent) == ""
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=seller_of(parcel)) == ""
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=programme_manager()) == ""


def test_the_recipient_named_on_the_parcel_may_see_the_code(
    parcel_at_station: Parcel, buyer: User
) -> None:
    parcel, code = waiting_parcel(parcel_at_station)
    Parcel.objects.filter(pk=parcel.pk).update(phone="13912345678")
    parcel.refresh_from_db()
    recipient = UserFactory(phone="13912345678")
    stranger = UserFactory()
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=recipient) == code
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=buyer) == code
    assert selectors.parcel_pickup_code(parcel=parcel, for_user=stranger) == ""
