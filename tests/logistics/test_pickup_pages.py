"""Farm pickup requests: a seller asks for their own farm, an agent for the farmer they help,
the warehouse sees a day's pickups; cancelling while still requested; nobody sees or cancels
another farm's pickups; the same through the API with {"code", "message"} errors."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import user_with_role
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import FARM_POINT
from tests.regions.factories import VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import products_for_seller
from xiangcun.logistics import services
from xiangcun.logistics.errors import (
    InvalidPickupRequestError,
    LogisticsPermissionDeniedError,
    PickupNotCancellableError,
    PickupNotFoundError,
)
from xiangcun.logistics.models import FarmPickup
from xiangcun.sellers.models import Seller

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def a_shop(**fields: Any) -> Seller:
    """An approved shop with one listed product, its owner holding the seller role; a local
    one stands in a village with its centre on the map."""
    if not fields.get("outside"):
        fields.setdefault(
            "village", VillageFactory(latitude=FARM_POINT[0], longitude=FARM_POINT[1])
        )
    shop: Seller = SellerFactory(owner=user_with_role(Role.SELLER), **fields)
    VariantFactory(product__seller=shop)
    return Seller.objects.select_related("village__township", "owner").get(pk=shop.pk)


@pytest.fixture
def shop(db: None) -> Seller:
    """A farm."""
    return a_shop()


@pytest.fixture
def farmer(shop: Seller) -> User:
    """The farm's owner."""
    assert shop.owner is not None
    return shop.owner


@pytest.fixture
def other_shop(db: None) -> Seller:
    """A co-operative in another village."""
    return a_shop(kind=Seller.Kind.COOPERATIVE)


@pytest.fixture
def other_farmer(other_shop: Seller) -> User:
    assert other_shop.owner is not None
    return other_shop.owner


@pytest.fixture
def outside_shop(db: None) -> Seller:
    """An industrial maker from outside the county: agents do not act for it."""
    return a_shop(outside=True)


def variant_of(shop: Seller) -> Any:
    return next(v for p in products_for_seller(seller_id=shop.pk) for v in p.variants.all())


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user).token}"})


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def ask(actor: User, shop: Seller, **changes: Any) -> FarmPickup:
    values: dict[str, Any] = {
        "seller_id": shop.pk,
        "variant_id": variant_of(shop).pk,
        "place": "茶园门口",
        "contact_phone": "13912345678",
        "day": tomorrow(),
        "window_start_min": 9 * 60,
        "window_end_min": 12 * 60,
        "expected_kg": 120,
        "crates": 8,
        "village_id": shop.village_id,
    }
    return services.farm_pickup_request(actor=actor, **(values | changes))


def form_data(shop: Seller, **changes: str) -> dict[str, str]:
    data = {
        "variant": str(variant_of(shop).pk),
        "day": f"{tomorrow():%Y-%m-%d}",
        "window_start": "09:00",
        "window_end": "11:30",
        "expected_kg": "150",
        "crates": "10",
        "village": str(shop.village_id),
        "place": "蓝莓基地大门",
        "contact_phone": "139 1234 5678",
        "needs_cold_chain": "on",
        "note": "路窄，请开小车",
    }
    return data | changes


def field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', html)


def village_point(shop: Seller) -> tuple[Decimal, Decimal]:
    village = shop.village
    assert village is not None
    if village.latitude is not None and village.longitude is not None:
        return village.latitude, village.longitude
    township = village.township
    return township.latitude, township.longitude


# --- a seller ------------------------------------------------------------------------------------


def test_seller_asks_for_a_pickup_placed_at_their_village(shop: Seller, farmer: User) -> None:
    client = signed_in(farmer)
    page = client.get(reverse("logistics:pickup_new"), **EN).content.decode()
    assert 'inputmode="tel"' in page
    assert f'<option value="{shop.village_id}" selected>' in page  # the farm's village first
    response = client.post(reverse("logistics:pickup_new"), form_data(shop), **EN)
    assert response.status_code == 302
    pickup = FarmPickup.objects.get(seller=shop)
    assert (pickup.day, pickup.window_start_min, pickup.window_end_min) == (tomorrow(), 540, 690)
    assert (pickup.expected_kg, pickup.crates, pickup.needs_cold_chain) == (150, 10, True)
    assert pickup.contact_phone == "13912345678"
    assert pickup.requested_by == farmer
    assert pickup.status == FarmPickup.Status.REQUESTED
    lat, lng = village_point(shop)
    assert (pickup.latitude, pickup.longitude) == (round(lat, 6), round(lng, 6))
    listed = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert listed.count('data-testid="pickup"') == 1
    assert "09:00\u201311:30" in listed
    assert "蓝莓基地大门" in listed


def test_exact_coordinates_win_over_the_village(shop: Seller, farmer: User) -> None:
    data = form_data(shop, latitude="26.123456", longitude="107.654321")
    signed_in(farmer).post(reverse("logistics:pickup_new"), data)
    pickup = FarmPickup.objects.get(seller=shop)
    assert (pickup.latitude, pickup.longitude) == (Decimal("26.123456"), Decimal("107.654321"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"window_end": "08:00"}, "window_end", "The window ends after it starts."),
        ({"day": "2020-01-01"}, "day", "Choose today or a later day."),
        (
            {"contact_phone": "5551234"},
            "contact_phone",
            "Enter a mainland China mobile number: 11 digits starting with 1.",
        ),
        ({"expected_kg": "0"}, "expected_kg", "Enter a whole number above zero."),
        ({"place": "   "}, "place", "Fill in this box."),
        ({"window_start": "9am"}, "window_start", "Enter a time like 09:30."),
        ({"latitude": "95", "longitude": "107"}, "latitude", None),
    ],
)
def test_bad_pickup_details_are_refused_next_to_the_field(
    shop: Seller, farmer: User, changes: dict[str, str], field: str, message: str | None
) -> None:
    response = signed_in(farmer).post(
        reverse("logistics:pickup_new"), form_data(shop, **changes), **EN
    )
    assert response.status_code == 200
    html = response.content.decode()
    errors = field_errors(html, field)
    assert len(errors) == 1
    if message:
        assert errors == [message]
    assert 'value="蓝莓基地大门"' in html or field == "place"  # what was typed is kept
    if field == "latitude":
        assert '<details class="filters" open>' in html  # the position part opens
    assert not FarmPickup.objects.exists()


def test_another_shops_product_cannot_be_asked_for(
    shop: Seller, farmer: User, other_shop: Seller
) -> None:
    other = other_shop
    with pytest.raises(InvalidPickupRequestError) as caught:
        ask(farmer, shop, variant_id=variant_of(other).pk)
    assert caught.value.field == "variant_id"
    with pytest.raises(LogisticsPermissionDeniedError):
        ask(farmer, other)
    assert not FarmPickup.objects.exists()


def test_seller_sees_only_their_own_farms_pickups(
    shop: Seller,
    farmer: User,
    other_shop: Seller,
    other_farmer: User,
    django_assert_max_num_queries: Any,
) -> None:
    mine = ask(farmer, shop, place="我的蓝莓园")
    ask(other_farmer, other_shop, place="别人的茶园")
    for number in range(4):
        ask(farmer, shop, place=f"地块{number}")
    client = signed_in(farmer)
    # (+2: the site's menu asks Django's admin whether it has anything for this staff member)
    with django_assert_max_num_queries(11):
        html = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert html.count('data-testid="pickup"') == 5
    assert mine.place in html
    assert "别人的茶园" not in html
    # Even when asking for the other shop by id.
    other = other_shop.pk
    html = client.get(reverse("logistics:pickups"), {"seller": other}, **EN).content.decode()
    assert "别人的茶园" not in html


def test_empty_list_says_what_to_do(farmer: User) -> None:
    html = signed_in(farmer).get(reverse("logistics:pickups"), **EN)
    assert "Press “Ask for a pickup” when your goods are ready." in html.content.decode()


# --- cancelling ----------------------------------------------------------------------------------


def test_seller_cancels_a_requested_pickup_from_the_page(shop: Seller, farmer: User) -> None:
    pickup = ask(farmer, shop)
    client = signed_in(farmer)
    html = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert 'data-testid="cancel-pickup"' in html
    url = reverse("logistics:pickup_cancel", kwargs={"pickup_id": pickup.pk})
    assert client.post(url).status_code == 302
    pickup.refresh_from_db()
    assert pickup.status == FarmPickup.Status.CANCELLED
    html = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert 'data-testid="cancel-pickup"' not in html
    assert 'data-status="cancelled"' in html


def test_seller_cannot_cancel_another_sellers_pickup(
    farmer: User, other_shop: Seller, other_farmer: User
) -> None:
    theirs = ask(other_farmer, other_shop)
    url = reverse("logistics:pickup_cancel", kwargs={"pickup_id": theirs.pk})
    assert signed_in(farmer).post(url, **EN).status_code == 404
    with pytest.raises(PickupNotFoundError):
        services.farm_pickup_cancel(actor=farmer, pickup_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.status == FarmPickup.Status.REQUESTED


@pytest.mark.parametrize("status", [FarmPickup.Status.PLANNED, FarmPickup.Status.COLLECTED])
def test_a_planned_or_collected_pickup_cannot_be_cancelled(
    shop: Seller, farmer: User, status: str
) -> None:
    pickup = ask(farmer, shop)
    FarmPickup.objects.filter(pk=pickup.pk).update(status=status)
    with pytest.raises(PickupNotCancellableError) as caught:
        services.farm_pickup_cancel(actor=farmer, pickup_id=pickup.pk)
    assert caught.value.code == "farm_pickup_not_cancellable"
    url = reverse("logistics:pickup_cancel", kwargs={"pickup_id": pickup.pk})
    page = signed_in(farmer).post(url, follow=True, **EN).content.decode()
    assert "Only a pickup still waiting to be planned can be cancelled." in page
    pickup.refresh_from_db()
    assert pickup.status == status


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("farmer", True),  # the farm's owner, though the agent asked
        ("station_agent", True),  # the agent who asked
        ("warehouse_manager", True),
        ("other_farmer", False),
        ("buyer", False),
    ],
)
def test_who_may_cancel_a_pickup_an_agent_asked_for(
    request: pytest.FixtureRequest, shop: Seller, station_agent: User, who: str, allowed: bool
) -> None:
    pickup = ask(station_agent, shop)
    actor = request.getfixturevalue(who)
    if allowed:
        services.farm_pickup_cancel(actor=actor, pickup_id=pickup.pk)
        pickup.refresh_from_db()
        assert pickup.status == FarmPickup.Status.CANCELLED
        return
    with pytest.raises((PickupNotFoundError, LogisticsPermissionDeniedError)):
        services.farm_pickup_cancel(actor=actor, pickup_id=pickup.pk)
    pickup.refresh_from_db()
    assert pickup.status == FarmPickup.Status.REQUESTED


# --- an agent for a farmer -----------------------------------------------------------------------


def test_agent_chooses_the_farmer_first_then_asks_for_them(
    shop: Seller, farmer: User, other_shop: Seller, outside_shop: Seller, station_agent: User
) -> None:
    # The agent helps two producers here (the farm and the co-operative), not the outside maker.
    client = signed_in(station_agent)
    pick = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert "Which farmer are you helping?" in pick
    assert f"?seller={shop.pk}" in pick
    assert f"?seller={outside_shop.pk}" not in pick  # not a maker from outside
    form = client.get(reverse("logistics:pickup_new"), {"seller": shop.pk}, **EN)
    assert f"Farm: {shop.name}" in form.content.decode()
    response = client.post(reverse("logistics:pickup_new"), form_data(shop), **EN)
    assert response.status_code == 302
    pickup = FarmPickup.objects.get(seller=shop)
    assert pickup.requested_by == station_agent
    listed = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert listed.count('data-testid="pickup"') == 1
    # The farmer sees it too, with who asked.
    own = signed_in(farmer).get(reverse("logistics:pickups"), **EN)
    assert "Asked by" in own.content.decode()


def test_agent_cannot_ask_for_a_maker_from_outside(
    outside_shop: Seller, station_agent: User
) -> None:
    outside = outside_shop
    with pytest.raises(LogisticsPermissionDeniedError):
        ask(
            station_agent,
            outside,
            village_id=None,
            latitude=Decimal("26.1"),
            longitude=Decimal("107.8"),
        )


# --- the warehouse -------------------------------------------------------------------------------


def test_warehouse_sees_every_farms_pickups_of_the_chosen_day(
    shop: Seller,
    farmer: User,
    other_shop: Seller,
    other_farmer: User,
    warehouse_manager: User,
    django_assert_max_num_queries: Any,
) -> None:
    ask(farmer, shop, place="蓝莓园")
    ask(other_farmer, other_shop, place="茶园")
    later = tomorrow() + datetime.timedelta(days=3)
    ask(farmer, shop, place="后来的", day=later)
    client = signed_in(warehouse_manager)
    # (+2: the site's menu asks Django's admin whether it has anything for this staff member)
    with django_assert_max_num_queries(9):
        html = client.get(
            reverse("logistics:pickups"), {"day": f"{tomorrow():%Y-%m-%d}"}, **EN
        ).content.decode()
    assert html.count('data-testid="pickup"') == 2
    assert "蓝莓园" in html
    assert "茶园" in html
    assert "后来的" not in html
    today = client.get(reverse("logistics:pickups"), **EN).content.decode()
    assert "No farm pickups on this day." in today


@pytest.mark.parametrize("who", ["buyer", "driver"])
def test_pickup_pages_refuse_people_without_the_job(
    request: pytest.FixtureRequest, who: str
) -> None:
    client = signed_in(request.getfixturevalue(who))
    assert client.get(reverse("logistics:pickups")).status_code == 403
    assert client.get(reverse("logistics:pickup_new")).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def api_body(shop: Seller, **changes: Any) -> dict[str, Any]:
    body = {
        "variant": variant_of(shop).pk,
        "day": f"{tomorrow():%Y-%m-%d}",
        "window_start": "13:00",
        "window_end": "16:30",
        "expected_kg": 90,
        "crates": 6,
        "place": "蜂场",
        "contact_phone": "13912345678",
        "village": shop.village_id,
    }
    return body | changes


def test_api_seller_asks_for_a_pickup_and_lists_only_their_own(
    shop: Seller, farmer: User, other_shop: Seller, other_farmer: User
) -> None:
    ask(other_farmer, other_shop)
    client = api_for(farmer)
    response = client.post(
        "/api/v1/logistics/pickups", api_body(shop), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seller_id"] == shop.pk  # the only shop the seller manages
    assert (body["window_start"], body["window_end"], body["status"]) == (
        "13:00",
        "16:30",
        "requested",
    )
    listed = client.get("/api/v1/logistics/pickups").json()
    assert [row["id"] for row in listed] == [body["id"]]
    other = other_shop.pk
    assert client.get(f"/api/v1/logistics/pickups?seller={other}").json() == []


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"window_start": "9 o'clock"}, 400, "invalid_farm_pickup", "window_start"),
        ({"window_end": "08:00"}, 400, "invalid_farm_pickup", "window_end"),
        ({"contact_phone": "123"}, 400, "invalid_phone", "phone"),
        ({"village": None}, 400, "invalid_farm_pickup", "village_id"),
        ({"expected_kg": "lots"}, 422, "invalid_input", None),
    ],
)
def test_api_errors_have_a_code_and_a_message(
    shop: Seller, farmer: User, changes: dict[str, Any], status: int, code: str, field: str | None
) -> None:
    response = api_for(farmer).post(
        "/api/v1/logistics/pickups", api_body(shop, **changes), content_type="application/json"
    )
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field:
        assert body["field"] == field
    assert not FarmPickup.objects.exists()


def test_api_seller_cannot_ask_for_another_shop(farmer: User, other_shop: Seller) -> None:
    other = other_shop
    response = api_for(farmer).post(
        "/api/v1/logistics/pickups",
        api_body(other, seller=other.pk),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "logistics_permission_denied"


def test_api_agent_must_say_which_farm(
    shop: Seller, other_shop: Seller, station_agent: User
) -> None:
    # The agent helps two producers: the farm and the co-operative.
    client = api_for(station_agent)
    response = client.post(
        "/api/v1/logistics/pickups", api_body(shop), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "seller"
    response = client.post(
        "/api/v1/logistics/pickups", api_body(shop, seller=shop.pk), content_type="application/json"
    )
    assert response.status_code == 201


def test_api_cancel_then_cancel_again_is_a_conflict(shop: Seller, farmer: User) -> None:
    pickup = ask(farmer, shop)
    client = api_for(farmer)
    url = f"/api/v1/logistics/pickups/{pickup.pk}/cancel"
    first = client.post(url)
    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["code"] == "farm_pickup_not_cancellable"


def test_api_another_seller_cannot_cancel(
    farmer: User, other_shop: Seller, other_farmer: User
) -> None:
    pickup = ask(other_farmer, other_shop)
    response = api_for(farmer).post(f"/api/v1/logistics/pickups/{pickup.pk}/cancel")
    assert response.status_code == 404
    assert response.json()["code"] == "farm_pickup_not_found"
    pickup.refresh_from_db()
    assert pickup.status == FarmPickup.Status.REQUESTED


def test_api_warehouse_lists_a_days_pickups_and_a_buyer_is_refused(
    shop: Seller,
    farmer: User,
    other_shop: Seller,
    other_farmer: User,
    warehouse_manager: User,
    buyer: User,
) -> None:
    ask(farmer, shop)
    ask(other_farmer, other_shop)
    rows = api_for(warehouse_manager).get(f"/api/v1/logistics/pickups?day={tomorrow():%Y-%m-%d}")
    assert len(rows.json()) == 2
    refused = api_for(buyer).get("/api/v1/logistics/pickups")
    assert refused.status_code == 403
    assert refused.json()["code"] == "logistics_permission_denied"
