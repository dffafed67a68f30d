"""The inventory API: public availability, per-location stock for managers, stock writes."""

from collections.abc import Callable

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.inventory import selectors, services
from xiangcun.inventory.errors import StockViewDeniedError
from xiangcun.inventory.models import Location, Stock

pytestmark = pytest.mark.django_db

Bearer = Callable[[User], dict[str, str]]


@pytest.fixture
def stocked(variant: Variant, farm: Location, owner: User) -> Stock:
    stock = services.stock_receive(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=7
    )
    services.stock_reserve(lines=[(variant.pk, 2)], reference="order-1")
    return stock


def test_public_sees_only_the_available_total(
    client: Client, variant: Variant, stocked: Stock
) -> None:
    body = client.get(f"/api/v1/inventory/variants/{variant.pk}/stock").json()
    assert body == {"variant_id": variant.pk, "available": 5, "locations": None}


def test_manager_sees_stock_per_location(
    client: Client, bearer: Bearer, variant: Variant, stocked: Stock, owner: User, farm: Location
) -> None:
    body = client.get(
        f"/api/v1/inventory/variants/{variant.pk}/stock", headers=bearer(owner)
    ).json()

    assert body["available"] == 5
    assert [(row["location_id"], row["on_hand"], row["reserved"]) for row in body["locations"]] == [
        (farm.pk, 7, 2)
    ]


def test_another_seller_sees_only_the_total(
    client: Client, bearer: Bearer, variant: Variant, stocked: Stock
) -> None:
    stranger = SellerFactory().owner
    body = client.get(
        f"/api/v1/inventory/variants/{variant.pk}/stock", headers=bearer(stranger)
    ).json()
    assert body["locations"] is None


def test_unknown_variant_is_not_found(client: Client, db: None) -> None:
    response = client.get("/api/v1/inventory/variants/999999/stock")
    assert (response.status_code, response.json()["code"]) == (404, "variant_not_found")


def test_seller_receives_and_counts_over_the_api(
    client: Client, bearer: Bearer, variant: Variant, farm: Location, owner: User
) -> None:
    headers = bearer(owner)
    received = client.post(
        "/api/v1/inventory/stock/receive",
        {"variant_id": variant.pk, "location_id": farm.pk, "quantity": 9},
        content_type="application/json",
        headers=headers,
    )
    counted = client.post(
        "/api/v1/inventory/stock/adjust",
        {"variant_id": variant.pk, "location_id": farm.pk, "counted": 8},
        content_type="application/json",
        headers=headers,
    )

    assert received.status_code == 200
    assert received.json()["on_hand"] == 9
    assert counted.json() == {
        "variant_id": variant.pk,
        "location_id": farm.pk,
        "on_hand": 8,
        "reserved": 0,
        "available": 8,
    }


@pytest.mark.parametrize(
    ("path", "extra", "status", "code"),
    [
        ("receive", {"quantity": 0}, 400, "invalid_quantity"),
        ("receive", {"quantity": "lots"}, 422, "invalid_input"),
        ("adjust", {"counted": -5}, 400, "invalid_quantity"),
        ("adjust", {"counted": 1}, 409, "stock_below_reserved"),
        ("receive", {"quantity": 1, "location_id": 999999}, 404, "location_not_found"),
        ("receive", {"quantity": 1, "variant_id": 999999}, 404, "variant_not_found"),
    ],
)
def test_bad_stock_writes_answer_a_code(
    client: Client,
    bearer: Bearer,
    variant: Variant,
    farm: Location,
    owner: User,
    stocked: Stock,
    path: str,
    extra: dict,
    status: int,
    code: str,
) -> None:
    payload = {"variant_id": variant.pk, "location_id": farm.pk, **extra}
    response = client.post(
        f"/api/v1/inventory/stock/{path}",
        payload,
        content_type="application/json",
        headers=bearer(owner),
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Stock.objects.get(pk=stocked.pk).on_hand == 7


def test_another_seller_cannot_write_this_stock(
    client: Client, bearer: Bearer, variant: Variant, farm: Location
) -> None:
    response = client.post(
        "/api/v1/inventory/stock/receive",
        {"variant_id": variant.pk, "location_id": farm.pk, "quantity": 1},
        content_type="application/json",
        headers=bearer(SellerFactory().owner),
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not Stock.objects.exists()


def test_stock_writes_need_a_login(client: Client, variant: Variant, farm: Location) -> None:
    response = client.post(
        "/api/v1/inventory/stock/receive",
        {"variant_id": variant.pk, "location_id": farm.pk, "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_offline_stores_are_listed(client: Client, db: None) -> None:
    services.location_create(
        kind="county_shop", code="DZ-SHOP", name="县展销馆", sells_over_counter=True
    )
    services.location_create(kind="warehouse", code="DZ-WH", name="仓库")

    body = client.get("/api/v1/inventory/locations?over_counter=true").json()

    assert [row["code"] for row in body] == ["DZ-SHOP"]


def _seller_with_role() -> User:
    """The owner of another shop, holding the seller role (whose group may view stock)."""
    user = SellerFactory().owner
    role_grant(user=user, role=Role.SELLER)
    return User.objects.get(pk=user.pk)


def test_a_seller_never_sees_another_shops_stock_by_place(
    client: Client, bearer: Bearer, variant: Variant, stocked: Stock, owner: User
) -> None:
    role_grant(user=owner, role=Role.SELLER)
    stranger = _seller_with_role()
    url = f"/api/v1/inventory/variants/{variant.pk}/stock"

    public = client.get(url, headers=bearer(stranger)).json()
    refused = client.get(f"{url}/locations", headers=bearer(stranger))
    own = client.get(f"{url}/locations", headers=bearer(owner))

    assert public == {"variant_id": variant.pk, "available": 5, "locations": None}
    assert refused.status_code == 403
    assert refused.json()["code"] == "stock_view_denied"
    assert refused.json()["message"]
    assert own.status_code == 200
    assert [(row["on_hand"], row["reserved"]) for row in own.json()] == [(7, 2)]


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.PACKER, Role.ADMIN])
def test_stock_staff_see_stock_by_place(
    client: Client, bearer: Bearer, variant: Variant, stocked: Stock, role: Role
) -> None:
    staff = UserFactory()
    role_grant(user=staff, role=role)

    response = client.get(
        f"/api/v1/inventory/variants/{variant.pk}/stock/locations", headers=bearer(staff)
    )

    assert response.status_code == 200
    assert [row["on_hand"] for row in response.json()] == [7]


@pytest.mark.parametrize("role", [Role.BUYER, Role.BRAND_MANAGER, Role.DRIVER])
def test_other_roles_are_refused_stock_by_place(
    client: Client, bearer: Bearer, variant: Variant, stocked: Stock, role: Role
) -> None:
    user = UserFactory()
    role_grant(user=user, role=role)
    url = f"/api/v1/inventory/variants/{variant.pk}/stock/locations"

    refused = client.get(url, headers=bearer(user))
    anonymous = client.get(url)

    assert (refused.status_code, refused.json()["code"]) == (403, "stock_view_denied")
    assert anonymous.status_code == 401


def test_stock_by_place_of_an_unknown_variant_is_not_found(
    client: Client, bearer: Bearer, owner: User
) -> None:
    response = client.get(
        "/api/v1/inventory/variants/999999/stock/locations", headers=bearer(owner)
    )
    assert (response.status_code, response.json()["code"]) == (404, "variant_not_found")


def test_stock_view_is_decided_by_the_selector_on_the_shop(
    variant: Variant, stocked: Stock, owner: User
) -> None:
    stranger = _seller_with_role()

    assert selectors.stock_can_view(user=owner, variant_id=variant.pk)
    assert not selectors.stock_can_view(user=stranger, variant_id=variant.pk)
    with pytest.raises(StockViewDeniedError):
        selectors.stock_by_location(user=stranger, variant_id=variant.pk)
