"""The sellers API: directory, shop page, applying, and staff review over HTTP."""

from collections.abc import Callable

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.regions.factories import TownshipFactory, VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.sellers import selectors
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

Bearer = Callable[[User], dict[str, str]]


def test_directory_lists_approved_shops_only(client: Client) -> None:
    shown = SellerFactory()
    SellerFactory(status=Seller.Status.SUBMITTED)
    SellerFactory(status=Seller.Status.SUSPENDED)

    body = client.get("/api/v1/sellers").json()

    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [shown.pk]
    assert body["items"][0]["township"]["code"] == shown.township.code


def test_directory_filters_by_township_and_kind(client: Client) -> None:
    township = TownshipFactory()
    farmer = SellerFactory(village=VillageFactory(township=township))
    SellerFactory(village=VillageFactory(township=township), kind=Seller.Kind.CRAFT_MAKER)
    SellerFactory()

    body = client.get(f"/api/v1/sellers?township={township.code}&kind=farmer").json()

    assert [item["id"] for item in body["items"]] == [farmer.pk]


def test_directory_pages_with_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Callable
) -> None:
    sellers = SellerFactory.create_batch(25)

    with django_assert_num_queries(2):  # the page (places joined) and the count
        body = client.get("/api/v1/sellers?page=2&page_size=10").json()

    assert body["count"] == 25
    assert [item["id"] for item in body["items"]] == [s.pk for s in sellers[10:20]]


@pytest.mark.parametrize("query", ["kind=wizard", "page=0", "page_size=1000", "page=abc"])
def test_directory_bad_filters_answer_with_a_code(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/sellers?{query}")

    assert response.status_code in {400, 422}
    assert response.json()["code"] in {"invalid_seller_kind", "invalid_input"}


def test_shop_page_shows_story_places_and_products_count(client: Client) -> None:
    seller = SellerFactory(story="六月摘蓝莓。")

    def count_source(*, seller_ids: list[int]) -> dict[int, int]:
        return dict.fromkeys(seller_ids, 7)

    selectors.register_product_count_source(count_source)
    try:
        body = client.get(f"/api/v1/sellers/{seller.pk}").json()
    finally:
        selectors._product_count_sources.remove(count_source)

    assert body["story"] == "六月摘蓝莓。"
    assert body["village"]["name"] == seller.village.name
    assert body["township"]["name"] == seller.township.name
    assert body["products_count"] == 7


def test_unapproved_shop_is_hidden_except_from_its_owner(client: Client, bearer: Bearer) -> None:
    seller = SellerFactory(status=Seller.Status.SUBMITTED)

    hidden = client.get(f"/api/v1/sellers/{seller.pk}")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "seller_not_found"

    own = client.get(f"/api/v1/sellers/{seller.pk}", headers=bearer(seller.owner))
    assert own.status_code == 200
    assert own.json()["status"] == "submitted"


def test_unknown_shop_is_seller_not_found(client: Client) -> None:
    response = client.get("/api/v1/sellers/999999")
    assert (response.status_code, response.json()["code"]) == (404, "seller_not_found")


def test_applying_needs_a_login(client: Client) -> None:
    response = client.post(
        "/api/v1/sellers", {"kind": "farmer", "name": "Shop"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not Seller.objects.exists()


def test_applying_opens_a_submitted_shop(client: Client, bearer: Bearer) -> None:
    owner = UserFactory()
    village = VillageFactory()

    response = client.post(
        "/api/v1/sellers",
        {"kind": "craft_maker", "name": "蜡染坊", "village_id": village.pk},
        content_type="application/json",
        headers=bearer(owner),
    )

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert Seller.objects.get().owner == owner


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"kind": "wizard", "name": "Shop"}, "invalid_seller_kind"),
        ({"kind": "farmer", "name": ""}, "invalid_name"),
        ({"kind": "farmer", "name": "Shop", "village_id": 999999}, "unknown_village"),
        ({"kind": "farmer", "name": "Shop", "phone": "12345"}, "invalid_phone"),
        ({"name": "Shop"}, "invalid_input"),
    ],
)
def test_bad_application_answers_a_code(
    client: Client, bearer: Bearer, payload: dict, code: str
) -> None:
    response = client.post(
        "/api/v1/sellers", payload, content_type="application/json", headers=bearer(UserFactory())
    )
    assert response.status_code in {400, 422}
    assert response.json()["code"] == code


def test_review_over_the_api_is_for_staff_only(
    client: Client, bearer: Bearer, reviewer: User
) -> None:
    seller = SellerFactory(status=Seller.Status.SUBMITTED)
    url = f"/api/v1/sellers/{seller.pk}/review"

    refused = client.post(
        url, {"approve": True}, content_type="application/json", headers=bearer(seller.owner)
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")

    done = client.post(
        url, {"approve": True}, content_type="application/json", headers=bearer(reviewer)
    )
    assert done.status_code == 200
    assert done.json()["status"] == "approved"

    again = client.post(
        url, {"approve": True}, content_type="application/json", headers=bearer(reviewer)
    )
    assert (again.status_code, again.json()["code"]) == (409, "invalid_seller_status")
