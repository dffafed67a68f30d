"""The fleet page and the staff-and-shifts page: who may open them, adding vans and people,
van status, shifts for a chosen day, and the service's refusals shown on the forms."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD, user_with_role
from tests.logistics.factories import VehicleFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import user_register
from xiangcun.accounts.types import Role
from xiangcun.logistics import services
from xiangcun.logistics.errors import LogisticsPermissionDeniedError, StaffMemberNotFoundError
from xiangcun.logistics.models import Shift, StaffMember, Vehicle
from xiangcun.regions.models import Station

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DASH = "\u2013"  # between the start and end of a shift


@pytest.fixture
def warehouse_manager(db: None) -> User:
    """A warehouse manager by role alone: not one of the staff these pages list."""
    return user_with_role(Role.WAREHOUSE)


@pytest.fixture
def depot_id(depot: Station) -> int:
    return depot.pk


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_van(depot_id: int, plate: str = "贵H·T0001", **extra: Any) -> Vehicle:
    values = {"name": "", "home_station": Station.objects.get(pk=depot_id)} | extra
    vehicle: Vehicle = VehicleFactory(plate=plate, **values)
    return vehicle


def add_van_form(depot_id: int, **changes: str) -> dict[str, Any]:
    data = {
        "plate": "贵H·T2001",
        "name": "Small van",
        "capacity_kg": "600",
        "capacity_crates": "30",
        "cost_per_km": "1.60",
        "cold_chain": "on",
        "home_station": str(depot_id),
    }
    return data | changes


def field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', html)


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["buyer", "seller_owner", "driver", "station_agent"])
def test_fleet_and_staff_pages_are_for_the_warehouse_only(
    request: pytest.FixtureRequest, who: str
) -> None:
    client = signed_in(request.getfixturevalue(who))
    for name in ("fleet", "staff"):
        assert client.get(reverse(f"logistics:{name}"), **EN).status_code == 403
    assert client.post(reverse("logistics:fleet"), {"plate": "X"}).status_code == 403
    assert not Vehicle.objects.filter(plate="X").exists()


def test_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(reverse("logistics:fleet"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- fleet ---------------------------------------------------------------------------------------


def test_fleet_page_lists_every_van_with_its_facts(
    warehouse_manager: User, depot_id: int, django_assert_max_num_queries: Any
) -> None:
    a_van(depot_id, "贵H·T0001", cold_chain=True, name="冷链车")
    a_van(depot_id, "贵H·T0002", status=Vehicle.Status.BROKEN_DOWN)
    for number in range(3, 8):
        a_van(depot_id, f"贵H·T000{number}")
    client = signed_in(warehouse_manager)
    # (+2: the site's menu asks Django's admin whether it has anything for this staff member)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("logistics:fleet"), **EN)
    html = response.content.decode()
    assert html.count('data-testid="van"') == 7
    first = html.split('data-plate="贵H·T0001"', 1)[1].split("</li>", 1)[0]
    assert "冷链车" in first
    assert "800 kg, 40 crates" in first
    assert "¥1.50" in first
    assert Station.objects.get(pk=depot_id).name in first
    assert "In service" in first
    broken = html.split('data-plate="贵H·T0002"', 1)[1].split("</li>", 1)[0]
    assert "Broken down" in broken


def test_fleet_page_without_vans_says_what_to_do(warehouse_manager: User) -> None:
    html = signed_in(warehouse_manager).get(reverse("logistics:fleet"), **EN).content.decode()
    assert "No vans yet. Add the first one below." in html


def test_warehouse_adds_a_van(warehouse_manager: User, depot_id: int) -> None:
    response = signed_in(warehouse_manager).post(
        reverse("logistics:fleet"), add_van_form(depot_id), **EN
    )
    assert response.status_code == 302
    added = Vehicle.objects.get(plate="贵H·T2001")
    assert (added.capacity_kg, added.capacity_crates, str(added.cost_per_km)) == (600, 30, "1.60")
    assert added.cold_chain is True
    assert added.home_station_id == depot_id
    assert added.status == Vehicle.Status.ACTIVE


def test_a_plate_taken_already_is_shown_next_to_the_plate(
    warehouse_manager: User, depot_id: int
) -> None:
    a_van(depot_id, "贵H·T2001")
    response = signed_in(warehouse_manager).post(
        reverse("logistics:fleet"), add_van_form(depot_id), **EN
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html, "plate") == ["A van with this plate exists."]
    assert 'value="Small van"' in html  # what was typed is kept
    assert Vehicle.objects.filter(plate="贵H·T2001").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity_kg": "0"}, "capacity_kg", "Enter a whole number above zero."),
        ({"capacity_crates": "-3"}, "capacity_crates", "Enter a whole number above zero."),
        ({"cost_per_km": "-1"}, "cost_per_km", "Enter the cost per km in yuan."),
        ({"plate": "贵H·T20011234567"}, "plate", "Enter the number plate."),
        ({"cost_per_km": "cheap"}, "cost_per_km", "Enter the cost per km in yuan, like 1.80."),
    ],
)
def test_bad_van_details_are_refused_next_to_the_field(
    warehouse_manager: User, depot_id: int, changes: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(warehouse_manager).post(
        reverse("logistics:fleet"), add_van_form(depot_id, **changes), **EN
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), field) == [message]
    assert not Vehicle.objects.exists()


def test_a_van_breaks_down_and_is_repaired(warehouse_manager: User, depot_id: int) -> None:
    vehicle = a_van(depot_id)
    client = signed_in(warehouse_manager)
    url = reverse("logistics:vehicle_status", kwargs={"vehicle_id": vehicle.pk})
    assert client.post(url, {"status": "broken_down"}).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.status == Vehicle.Status.BROKEN_DOWN
    client.post(url, {"status": "active"})
    vehicle.refresh_from_db()
    assert vehicle.status == Vehicle.Status.ACTIVE
    client.post(url, {"status": "retired"})
    vehicle.refresh_from_db()
    assert vehicle.status == Vehicle.Status.RETIRED


def test_an_unknown_van_status_changes_nothing(warehouse_manager: User, depot_id: int) -> None:
    vehicle = a_van(depot_id)
    client = signed_in(warehouse_manager)
    url = reverse("logistics:vehicle_status", kwargs={"vehicle_id": vehicle.pk})
    response = client.post(url, {"status": "flying"}, follow=True, **EN)
    assert "Choose the van&#x27;s status." in response.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.status == Vehicle.Status.ACTIVE


def test_status_of_a_missing_van_is_not_found(warehouse_manager: User) -> None:
    url = reverse("logistics:vehicle_status", kwargs={"vehicle_id": 999_999})
    assert signed_in(warehouse_manager).post(url, {"status": "retired"}, **EN).status_code == 404


def test_a_driver_cannot_change_van_status_from_the_fleet_page(driver: User, depot_id: int) -> None:
    vehicle = a_van(depot_id)
    url = reverse("logistics:vehicle_status", kwargs={"vehicle_id": vehicle.pk})
    assert signed_in(driver).post(url, {"status": "retired"}).status_code == 403
    vehicle.refresh_from_db()
    assert vehicle.status == Vehicle.Status.ACTIVE


# --- staff ---------------------------------------------------------------------------------------


def member(user: User) -> StaffMember:
    return StaffMember.objects.get(user=user)


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def test_staff_page_lists_people_with_masked_phones(
    warehouse_manager: User,
    driver: User,
    packer: User,
    courier: User,
    django_assert_max_num_queries: Any,
) -> None:
    services.staff_member_deactivate(actor=warehouse_manager, staff_id=member(courier).pk)
    client = signed_in(warehouse_manager)
    # (+2: the site's menu asks Django's admin whether it has anything for this staff member)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("logistics:staff"), **EN)
    html = response.content.decode()
    assert html.count('data-testid="staff-member"') == 3
    assert masked(driver.phone) in html
    assert driver.phone not in html
    assert "Driver" in html
    assert "Packaging worker" in html
    assert "No longer working" in html
    assert html.count("Stops working") == 2  # only active people can be let go


def test_warehouse_adds_a_registered_user_by_phone(warehouse_manager: User, depot_id: int) -> None:
    newcomer = user_register(phone="13700000042", password=PASSWORD, name="Pan Jun")
    response = signed_in(warehouse_manager).post(
        reverse("logistics:staff"),
        {"action": "add", "phone": "137 0000 0042", "job": "driver", "station": depot_id},
        **EN,
    )
    assert response.status_code == 302
    member = StaffMember.objects.get(user=newcomer)
    assert (member.job, member.station_id, member.is_active) == ("driver", depot_id, True)
    assert Role.DRIVER in user_roles(user=newcomer)


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("13700000099", "Nobody has registered with this number. Ask them to register."),
        ("12345", "Enter a mainland China mobile number: 11 digits starting with 1."),
    ],
)
def test_a_phone_without_an_account_is_a_form_error(
    warehouse_manager: User, depot_id: int, phone: str, message: str
) -> None:
    before = StaffMember.objects.count()
    response = signed_in(warehouse_manager).post(
        reverse("logistics:staff"),
        {"action": "add", "phone": phone, "job": "packer", "station": depot_id},
        **EN,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html, "phone") == [message]
    assert f'value="{phone}"' in html
    assert StaffMember.objects.count() == before


def test_someone_who_stops_working_is_no_longer_planned(
    warehouse_manager: User, driver: User, depot_id: int
) -> None:
    working = member(driver)
    url = reverse("logistics:staff_deactivate", kwargs={"staff_id": working.pk})
    assert signed_in(warehouse_manager).post(url).status_code == 302
    working.refresh_from_db()
    assert working.is_active is False
    # Adding them again takes them back on.
    signed_in(warehouse_manager).post(
        reverse("logistics:staff"),
        {"action": "add", "phone": driver.phone, "job": "driver", "station": depot_id},
    )
    working.refresh_from_db()
    assert working.is_active is True


def test_staff_deactivate_refuses_others_and_unknown_people(
    warehouse_manager: User, packer: User, driver: User
) -> None:
    working = member(packer)
    with pytest.raises(LogisticsPermissionDeniedError):
        services.staff_member_deactivate(actor=driver, staff_id=working.pk)
    with pytest.raises(StaffMemberNotFoundError):
        services.staff_member_deactivate(actor=warehouse_manager, staff_id=999_999)
    working.refresh_from_db()
    assert working.is_active is True
    url = reverse("logistics:staff_deactivate", kwargs={"staff_id": 999_999})
    assert signed_in(warehouse_manager).post(url, **EN).status_code == 404


# --- shifts --------------------------------------------------------------------------------------


def test_staff_page_shows_todays_shifts_by_default_and_another_day_on_request(
    warehouse_manager: User, driver: User, depot_id: int
) -> None:
    driver_member = member(driver)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    services.shift_set(
        actor=None, staff_id=driver_member.pk, day=today, start_min=450, end_min=1080
    )
    vehicle = a_van(depot_id)
    services.shift_set(
        actor=None,
        staff_id=driver_member.pk,
        day=tomorrow,
        start_min=600,
        end_min=960,
        vehicle_id=vehicle.pk,
    )
    client = signed_in(warehouse_manager)
    html = client.get(reverse("logistics:staff"), **EN).content.decode()
    assert f'value="{today:%Y-%m-%d}"' in html  # the date picker starts on today
    assert f"07:30{DASH}18:00" in html
    assert f"10:00{DASH}16:00" not in html
    html = client.get(reverse("logistics:staff"), {"day": f"{tomorrow:%Y-%m-%d}"}, **EN)
    text = html.content.decode()
    assert f"10:00{DASH}16:00" in text
    assert vehicle.plate in text.split('data-testid="shifts"', 1)[1].split("</ul>", 1)[0]


def test_a_bad_day_in_the_picker_falls_back_to_today(warehouse_manager: User) -> None:
    html = signed_in(warehouse_manager).get(reverse("logistics:staff"), {"day": "soon"}, **EN)
    assert html.status_code == 200
    assert "Enter a date, like 2026-11-28." in html.content.decode()


def test_warehouse_sets_a_drivers_shift_with_a_van(
    warehouse_manager: User, driver: User, depot_id: int
) -> None:
    driver_member = member(driver)
    vehicle = a_van(depot_id)
    day = timezone.localdate() + datetime.timedelta(days=2)
    response = signed_in(warehouse_manager).post(
        f"{reverse('logistics:staff')}?day={day:%Y-%m-%d}",
        {
            "action": "shift",
            "day": f"{day:%Y-%m-%d}",
            "staff": driver_member.pk,
            "start": "07:30",
            "end": "17:45",
            "vehicle": vehicle.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?day={day:%Y-%m-%d}")
    shift = Shift.objects.get(staff=driver_member, day=day)
    assert (shift.start_min, shift.end_min, shift.vehicle_id) == (450, 1065, vehicle.pk)


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("17:00", "08:00", "end", "A shift ends after it starts."),
        ("7.30", "17:00", "start", "Enter a time like 09:30."),
    ],
)
def test_a_bad_shift_is_refused_next_to_the_field(
    warehouse_manager: User, driver: User, start: str, end: str, field: str, message: str
) -> None:
    driver_member = member(driver)
    day = timezone.localdate()
    response = signed_in(warehouse_manager).post(
        reverse("logistics:staff"),
        {
            "action": "shift",
            "day": f"{day:%Y-%m-%d}",
            "staff": driver_member.pk,
            "start": start,
            "end": end,
        },
        **EN,
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), field) == [message]
    assert not Shift.objects.filter(staff=driver_member).exists()


# --- logistics home and navigation ------------------------------------------------------------


def test_logistics_home_links_the_pages_of_each_job(
    warehouse_manager: User, seller_owner: User, driver: User, buyer: User
) -> None:
    def links(user: User) -> set[str]:
        response = signed_in(user).get(reverse("logistics:home"), **EN)
        assert response.status_code == 200
        return set(re.findall(r'<a class="cell" href="([^"]+)"', response.content.decode()))

    warehouse = links(warehouse_manager)
    for name in ("dispatch", "intake", "pickups", "fleet", "staff"):
        assert reverse(f"logistics:{name}") in warehouse
    assert links(seller_owner) == {reverse("logistics:pickups")}
    assert reverse("logistics:fleet") not in links(driver)
    assert signed_in(buyer).get(reverse("logistics:home")).status_code == 403


def test_warehouse_workspace_opens_the_logistics_home_and_links_fleet_and_staff(
    warehouse_manager: User,
) -> None:
    client = signed_in(warehouse_manager)
    html = client.get("/", **EN).content.decode()
    assert re.search(rf'href="{reverse("logistics:home")}" data-nav="logistics"', html)
    workspace = client.get(reverse("web:workspace", kwargs={"role": "warehouse"}), **EN)
    text = workspace.content.decode()
    assert f'href="{reverse("logistics:fleet")}"' in text
    assert f'href="{reverse("logistics:staff")}"' in text


@pytest.mark.parametrize(("who", "role"), [("seller_owner", "seller"), ("station_agent", "agent")])
def test_seller_and_agent_workspaces_link_farm_pickups(
    request: pytest.FixtureRequest, who: str, role: str
) -> None:
    page = signed_in(request.getfixturevalue(who)).get(
        reverse("web:workspace", kwargs={"role": role}), **EN
    )
    html = page.content.decode()
    assert "Farm pickups" in html
    assert f'href="{reverse("logistics:pickups")}"' in html
