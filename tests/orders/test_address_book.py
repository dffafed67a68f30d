"""The buyer's address book: addresses checked against the national divisions, one default
held by the database, only the owner reaches an address (others are told it does not exist),
through the services and /api/v1/orders/addresses."""

import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.concurrency import run_together
from tests.orders.factories import SavedAddressFactory
from xiangcun.accounts.models import User
from xiangcun.core.errors import PermissionDeniedError
from xiangcun.orders import services
from xiangcun.orders.errors import SavedAddressNotFoundError, TooManySavedAddressesError
from xiangcun.orders.models import SavedAddress

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/addresses"
TIANHE = {
    "county_code": "440106",
    "detail": "体育西路123号",
    "recipient": "张三",
    "phone": "139 1234 5678",
}


def _json(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_an_address_is_saved_with_its_division_names_and_the_first_is_the_default(
    buyer: User,
) -> None:
    first = services.saved_address_create(actor=buyer, data=TIANHE)
    second = services.saved_address_create(actor=buyer, data={**TIANHE, "detail": "天河路1号"})

    assert (first.province, first.city, first.county) == ("广东省", "广州市", "天河区")
    assert first.phone == "13912345678"
    assert first.text == "广东省广州市天河区体育西路123号"
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (True, False)


def test_making_another_default_leaves_exactly_one(buyer: User) -> None:
    first = services.saved_address_create(actor=buyer, data=TIANHE)
    second = services.saved_address_create(actor=buyer, data=TIANHE, make_default=True)
    third = services.saved_address_create(actor=buyer, data=TIANHE)

    services.saved_address_make_default(actor=buyer, address_id=third.pk)

    defaults = list(SavedAddress.objects.filter(user=buyer, is_default=True))
    assert [row.pk for row in defaults] == [third.pk]
    assert {first.pk, second.pk} & {row.pk for row in defaults} == set()


def test_the_database_refuses_a_second_default() -> None:
    address = SavedAddressFactory(is_default=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        SavedAddressFactory(user=address.user, is_default=True)


def test_deleting_the_default_makes_the_newest_left_the_default(buyer: User) -> None:
    first = services.saved_address_create(actor=buyer, data=TIANHE)
    second = services.saved_address_create(actor=buyer, data=TIANHE)
    third = services.saved_address_create(actor=buyer, data=TIANHE)

    services.saved_address_delete(actor=buyer, address_id=first.pk)

    assert not SavedAddress.objects.filter(pk=first.pk).exists()
    assert list(SavedAddress.objects.filter(is_default=True).values_list("pk", flat=True)) == [
        third.pk
    ]
    assert SavedAddress.objects.get(pk=second.pk).is_default is False


def test_another_person_s_address_does_not_exist_for_them(buyer: User) -> None:
    address = services.saved_address_create(actor=buyer, data=TIANHE)
    stranger = UserFactory()

    for call in (
        lambda: services.saved_address_make_default(actor=stranger, address_id=address.pk),
        lambda: services.saved_address_delete(actor=stranger, address_id=address.pk),
        lambda: services.saved_address_update(actor=stranger, address_id=address.pk, data=TIANHE),
        lambda: services.saved_address_get(user=stranger, address_id=address.pk),
    ):
        with pytest.raises(SavedAddressNotFoundError):
            call()
    assert SavedAddress.objects.get(pk=address.pk).user_id == buyer.pk


def test_nobody_signed_in_keeps_no_book() -> None:
    with pytest.raises(PermissionDeniedError):
        services.saved_address_create(actor=None, data=TIANHE)


def test_the_book_holds_twenty_addresses(buyer: User) -> None:
    SavedAddressFactory.create_batch(services.MAX_SAVED_ADDRESSES, user=buyer)

    with pytest.raises(TooManySavedAddressesError):
        services.saved_address_create(actor=buyer, data=TIANHE)


def test_api_lists_only_my_addresses_the_default_first(api: Client, buyer: User) -> None:
    mine = services.saved_address_create(actor=buyer, data=TIANHE)
    newer = services.saved_address_create(actor=buyer, data={**TIANHE, "detail": "天河路2号"})
    SavedAddressFactory(detail="别人的地址")

    response = api.get(URL)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [item["id"] for item in data["items"]] == [mine.pk, newer.pk]
    assert data["items"][0]["is_default"] is True
    assert "别人的地址" not in response.content.decode()


def test_api_adds_an_address_and_names_a_bad_field(api: Client) -> None:
    created = _json(api, "post", URL, {**TIANHE, "is_default": True})
    bad_county = _json(api, "post", URL, {**TIANHE, "county_code": "449999"})
    bad_phone = _json(api, "post", URL, {**TIANHE, "phone": "02088889999"})
    wrong_province = _json(api, "post", URL, {**TIANHE, "province": "浙江省"})

    assert created.status_code == 201, created.content
    assert created.json()["county"] == "天河区"
    assert created.json()["is_default"] is True
    assert (bad_county.status_code, bad_county.json()["field"]) == (400, "address.county_code")
    assert (bad_phone.status_code, bad_phone.json()["code"]) == (400, "invalid_phone")
    assert (wrong_province.json()["code"], wrong_province.json()["field"]) == (
        "division_mismatch",
        "address.province",
    )
    assert SavedAddress.objects.count() == 1


def test_api_changes_one_field_and_makes_default(api: Client, buyer: User) -> None:
    first = services.saved_address_create(actor=buyer, data=TIANHE)
    second = services.saved_address_create(actor=buyer, data=TIANHE)

    changed = _json(api, "patch", f"{URL}/{second.pk}", {"detail": "天河路9号"})
    made_default = _json(api, "patch", f"{URL}/{second.pk}", {"is_default": True})
    moved = _json(api, "patch", f"{URL}/{first.pk}", {"county_code": "310115"})

    assert changed.status_code == 200, changed.content
    assert changed.json()["detail"] == "天河路9号"
    assert changed.json()["county"] == "天河区"
    assert made_default.json()["is_default"] is True
    assert moved.status_code == 200, moved.content
    assert moved.json()["province"] == "上海市"
    assert SavedAddress.objects.filter(is_default=True).get().pk == second.pk


def test_api_answers_404_for_another_person_s_address(
    api: Client, client_for: Any, buyer: User
) -> None:
    address = services.saved_address_create(actor=buyer, data=TIANHE)
    stranger = client_for(UserFactory())

    patched = _json(stranger, "patch", f"{URL}/{address.pk}", {"detail": "改掉了"})
    deleted = stranger.delete(f"{URL}/{address.pk}")
    huge = stranger.delete(f"{URL}/{2**70}")

    assert (patched.status_code, patched.json()["code"]) == (404, "saved_address_not_found")
    assert deleted.status_code == 404
    assert huge.status_code in (400, 404, 422)
    assert SavedAddress.objects.get(pk=address.pk).detail == "体育西路123号"


def test_api_deletes_my_address(api: Client, buyer: User) -> None:
    address = services.saved_address_create(actor=buyer, data=TIANHE)

    response = api.delete(f"{URL}/{address.pk}")

    assert response.status_code == 204
    assert not SavedAddress.objects.exists()


def test_api_refuses_a_caller_without_a_token() -> None:
    assert Client().get(URL).status_code == 401


@pytest.mark.postgres
def test_many_default_switches_at_once_leave_exactly_one_default(transactional_db: None) -> None:
    owner = UserFactory()
    rows = [services.saved_address_create(actor=owner, data=TIANHE) for _ in range(6)]

    outcomes = run_together(
        6,
        lambda index: services.saved_address_make_default(actor=owner, address_id=rows[index].pk),
    )

    assert outcomes.count("ok") == 6
    assert SavedAddress.objects.filter(user=owner, is_default=True).count() == 1


@pytest.mark.postgres
def test_first_addresses_saved_at_once_make_one_default(transactional_db: None) -> None:
    owner = UserFactory()

    outcomes = run_together(
        5, lambda index: services.saved_address_create(actor=owner, data=TIANHE)
    )

    assert outcomes.count("ok") == 5
    assert SavedAddress.objects.filter(user=owner).count() == 5
    assert SavedAddress.objects.filter(user=owner, is_default=True).count() == 1
