"""The pages for parcels that come back: a station sends back a parcel nobody collected (after a
confirmation), and the warehouse checks the returned goods and puts them back into stock."""

import datetime
import html as html_lib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.logistics.test_returns_restock import (
    left_uncollected,
    movements,
    warehouse_stock,
)
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel, ParcelEvent
from xiangcun.orders.models import Order, OrderLine


def page_client(user: User) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def returning(at_station: Callable[..., Parcel], station_agent: User) -> Callable[..., Parcel]:
    """`returning(quantity=3)`: a paid order of `quantity` units, packed, left at its station
    and sent back."""

    def make(quantity: int = 3) -> Parcel:
        parcel = left_uncollected(at_station(quantity=quantity))
        return services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    return make


def receive_url(parcel: Parcel) -> str:
    return reverse("logistics:return_receive", args=[parcel.pk])


def the_line(parcel: Parcel) -> OrderLine:
    return OrderLine.objects.get(order_id=parcel.order_id)


def waited(parcel: Parcel, days: int) -> None:
    """Make the parcel look as if it came to its station `days` ago."""
    ParcelEvent.objects.filter(parcel=parcel, status="at_station").update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


# --- Receiving at the warehouse -----------------------------------------------------------------


def test_only_the_warehouse_opens_the_returns_pages(
    returning: Callable[..., Parcel],
    buyer: User,
    packer: User,
    driver: User,
    station_agent: User,
    warehouse_manager: User,
) -> None:
    parcel = returning()
    for who in (buyer, packer, driver, station_agent):
        client = page_client(who)
        assert client.get(reverse("logistics:returns")).status_code == 403
        assert client.get(receive_url(parcel)).status_code == 403
        assert client.post(receive_url(parcel), {}).status_code == 403
    assert Parcel.objects.get(pk=parcel.pk).status == "returning"
    assert movements(parcel) == []

    client = page_client(warehouse_manager)
    assert client.get(reverse("logistics:returns")).status_code == 200
    assert client.get(receive_url(parcel)).status_code == 200


def test_the_logistics_home_links_the_returns_page_for_warehouse_staff_only(
    warehouse_manager: User, station_agent: User
) -> None:
    url = reverse("logistics:returns")
    assert f'href="{url}"' in text(page_client(warehouse_manager).get(reverse("logistics:home")))
    assert f'href="{url}"' not in text(page_client(station_agent).get(reverse("logistics:home")))


def test_the_list_shows_parcels_coming_back_and_those_received(
    returning: Callable[..., Parcel],
    warehouse_manager: User,
    django_assert_max_num_queries: Any,
) -> None:
    coming = [returning() for _ in range(3)]
    received = returning(quantity=2)
    services.parcel_return_receive(actor=warehouse_manager, parcel_id=received.pk)
    client = page_client(warehouse_manager)

    # (+2: the site's menu asks Django's admin whether it has anything for this staff member)
    with django_assert_max_num_queries(8):
        page = text(client.get(reverse("logistics:returns")))

    assert page.count('data-testid="returning-parcel"') == 3
    assert all(f'data-parcel="{parcel.number}"' in page for parcel in coming)
    assert "3 parcels coming back" in page
    assert "3 units" in page
    returned = page.split('data-testid="returned"', 1)[1]
    assert received.number in returned
    assert all(parcel.number not in returned for parcel in coming)


def test_a_returning_parcel_shows_what_was_packed_in_it(
    returning: Callable[..., Parcel], warehouse_manager: User
) -> None:
    parcel = returning()
    line = the_line(parcel)

    page = text(page_client(warehouse_manager).get(receive_url(parcel)))

    packed = page.split('data-testid="packed-lines"', 1)[1].split("</table>", 1)[0]
    assert f"{line.product_name} {line.variant_name}" in packed
    assert "<td>3</td>" in packed
    assert f'name="rejected_{line.pk}"' in page
    assert f'name="reason_{line.pk}"' in page
    assert str(services.RETURN_REJECT_REASONS["damaged"]) in page


def test_receiving_without_rejects_puts_every_unit_back_into_stock(
    returning: Callable[..., Parcel], warehouse_manager: User
) -> None:
    parcel = returning()
    line = the_line(parcel)
    before = warehouse_stock(line.variant_id)
    client = page_client(warehouse_manager)

    response = client.post(receive_url(parcel), {f"rejected_{line.pk}": "0", "note": "all fine"})

    assert response.status_code == 302
    assert response["Location"] == receive_url(parcel)
    parcel.refresh_from_db()
    assert parcel.status == "returned"
    assert warehouse_stock(line.variant_id) == before + 3
    assert movements(parcel) == [("return", 3)]
    assert parcel.events.order_by("-id")[0].note == "all fine"
    page = text(client.get(response["Location"]))
    assert f"Parcel {parcel.number} received at the warehouse." in page
    assert f"{line.product_name} {line.variant_name}: 3 back in stock" in page
    assert 'data-testid="receive-form"' not in page


def test_receiving_with_rejected_units_restocks_only_the_rest(
    returning: Callable[..., Parcel], warehouse_manager: User
) -> None:
    parcel = returning()
    line = the_line(parcel)
    before = warehouse_stock(line.variant_id)
    client = page_client(warehouse_manager)

    response = client.post(
        receive_url(parcel), {f"rejected_{line.pk}": "2", f"reason_{line.pk}": "damaged"}
    )

    assert response.status_code == 302
    assert Parcel.objects.get(pk=parcel.pk).status == "returned"
    assert warehouse_stock(line.variant_id) == before + 1
    assert movements(parcel) == [("return", 1)]
    page = text(client.get(response["Location"]))
    assert (
        f"{line.product_name} {line.variant_name}: 1 back in stock, 2 not restocked "
        f"({services.RETURN_REJECT_REASONS['damaged']})"
    ) in page


@pytest.mark.parametrize(
    ("units", "reason", "message"),
    [
        ("4", "damaged", "At most 3 units of this product were packed."),
        ("2", "", "Say why these units cannot be sold again."),
        ("-1", "damaged", "Write a number of at least 0."),
        ("two", "damaged", "Enter a whole number of units, like 0 or 2."),
    ],
)
def test_a_wrong_reject_count_is_shown_on_the_form_and_writes_nothing(
    returning: Callable[..., Parcel],
    warehouse_manager: User,
    units: str,
    reason: str,
    message: str,
) -> None:
    parcel = returning()
    line = the_line(parcel)
    before = warehouse_stock(line.variant_id)

    response = page_client(warehouse_manager).post(
        receive_url(parcel),
        {f"rejected_{line.pk}": units, f"reason_{line.pk}": reason},
    )

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'id="id_rejected_{line.pk}_error"' in page  # next to the line's field
    assert f'value="{units}"' in page  # what was typed is kept
    assert Parcel.objects.get(pk=parcel.pk).status == "returning"
    assert warehouse_stock(line.variant_id) == before
    assert movements(parcel) == []


def test_receiving_a_parcel_twice_says_so_and_restocks_once(
    returning: Callable[..., Parcel], warehouse_manager: User
) -> None:
    parcel = returning()
    line = the_line(parcel)
    before = warehouse_stock(line.variant_id)
    client = page_client(warehouse_manager)
    client.post(receive_url(parcel), {f"rejected_{line.pk}": "0"})

    again = client.post(receive_url(parcel), {f"rejected_{line.pk}": "0"})

    assert again.status_code == 200
    assert "This parcel has already been received back at the warehouse." in text(again)
    assert warehouse_stock(line.variant_id) == before + 3
    assert movements(parcel) == [("return", 3)]


def test_a_parcel_that_is_not_coming_back_has_no_returns_page(
    at_station: Callable[..., Parcel], warehouse_manager: User
) -> None:
    parcel = at_station()
    client = page_client(warehouse_manager)
    assert client.get(receive_url(parcel)).status_code == 404
    assert client.post(receive_url(parcel), {}).status_code == 404
    assert Parcel.objects.get(pk=parcel.pk).status == "at_station"


# --- Sending back from the station --------------------------------------------------------------


def test_a_parcel_waiting_too_long_can_be_sent_back_after_a_confirmation(
    at_station: Callable[..., Parcel], station_agent: User, warehouse_manager: User
) -> None:
    parcel = at_station()
    fresh = at_station()
    waited(parcel, days=8)
    client = page_client(station_agent)
    session = client.session
    session["logistics_station_id"] = parcel.station_id  # the counter this agent works at
    session.save()
    start_url = reverse("logistics:parcel_return_start", args=[parcel.pk])

    counter = text(client.get(reverse("logistics:handover")))
    assert f'href="{start_url}"' in counter
    assert reverse("logistics:parcel_return_start", args=[fresh.pk]) not in counter
    assert "waiting 8 days" in counter

    confirm = text(client.get(start_url))
    assert "Send this parcel back to the warehouse?" in confirm
    assert parcel.number in confirm
    assert Parcel.objects.get(pk=parcel.pk).status == "at_station"  # asking changes nothing

    response = client.post(start_url, {"note": ""})

    assert response.status_code == 302
    assert response["Location"] == reverse("logistics:handover")
    parcel.refresh_from_db()
    assert parcel.status == "returning"
    assert parcel.events.order_by("-id")[0].note == "Not collected in 8 days"
    assert Order.objects.get(pk=parcel.order_id).status == "refunded"
    assert (
        parcel.number
        not in text(client.get(reverse("logistics:handover"))).split('id="waiting-heading"', 1)[1]
    )
    listed = text(page_client(warehouse_manager).get(reverse("logistics:returns")))
    assert f'data-parcel="{parcel.number}"' in listed


def test_a_parcel_waiting_only_a_few_days_is_kept_for_its_buyer(
    at_station: Callable[..., Parcel], station_agent: User
) -> None:
    parcel = at_station()
    waited(parcel, days=3)
    client = page_client(station_agent)
    start_url = reverse("logistics:parcel_return_start", args=[parcel.pk])

    for response in (client.get(start_url), client.post(start_url, {"note": "x"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("logistics:handover")

    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    assert Order.objects.get(pk=parcel.order_id).status != "refunded"


def test_only_station_staff_send_parcels_back(
    at_station: Callable[..., Parcel], buyer: User, packer: User
) -> None:
    parcel = at_station()
    waited(parcel, days=10)
    start_url = reverse("logistics:parcel_return_start", args=[parcel.pk])
    for who in (buyer, packer):
        assert page_client(who).post(start_url, {}).status_code == 403
    assert Parcel.objects.get(pk=parcel.pk).status == "at_station"


# --- Dispatch without vans ------------------------------------------------------------------------


def test_dispatch_without_vans_points_to_the_fleet_page(db: None) -> None:
    manager = UserFactory()
    role_grant(user=manager, role=Role.WAREHOUSE)

    page = text(page_client(manager).get(reverse("logistics:dispatch")))

    assert "No vans yet." in page
    assert f'href="{reverse("logistics:fleet")}"' in page
    assert "administration" not in page
