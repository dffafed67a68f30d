"""Ordinary bad input gets a 4xx with `{"code", "message"}` on every endpoint, never a 500:
integers past 64 bits, lone surrogates and NUL, bodies that are not a JSON object, a multipart
upload without its boundary; and pages answer 400 rather than 500 too."""

import json
from typing import Any

import pytest
from django.test import Client
from pydantic import TypeAdapter, ValidationError

from tests.accounts.factories import UserFactory
from xiangcun.accounts.services import api_token_issue, role_grant
from xiangcun.accounts.types import Role
from xiangcun.core.api import Id, PageNumber, Text

HUGE = "99999999999999999999999"  # past 64 bits: SQLite overflows, PostgreSQL has no such bigint

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    # A 500 must come back as a response to assert on, not as the exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def token() -> str:
    return api_token_issue(user=UserFactory()).token


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post_raw(client: Client, path: str, body: str | bytes, **extra: Any) -> Any:
    return client.post(path, data=body, content_type="application/json", **extra)


def _assert_error(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"]
    assert body["message"]
    return body


def test_integer_past_64_bits_in_a_body_is_invalid_input(client, token):
    body = f'{{"variant_id": {HUGE}, "location_id": 1, "quantity": 1}}'

    response = _post_raw(client, "/api/v1/inventory/stock/receive", body, **_auth(token))

    assert _assert_error(response, 400)["code"] == "invalid_input"


def test_integer_past_64_bits_in_a_path_is_a_client_error(client, token):
    for path in (
        f"/api/v1/inventory/variants/{HUGE}/stock",
        f"/api/v1/regions/stations/{HUGE}",
        f"/api/v1/catalog/products/{HUGE}",
        f"/api/v1/orders/{HUGE}",
        f"/api/v1/logistics/parcels/{HUGE}",
    ):
        _assert_error(client.get(path, **_auth(token)), 400, 404, 422)


def test_page_past_64_bits_is_a_client_error(client, token):
    _assert_error(client.get(f"/api/v1/orders?page={HUGE}", **_auth(token)), 400, 422)
    _assert_error(client.get(f"/api/v1/catalog/products?page={HUGE}"), 400, 422)
    _assert_error(client.get(f"/api/v1/sellers?page={HUGE}"), 400, 422)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/token", {"phone": "\ud800", "password": "secret"}),
        ("/api/v1/auth/token", {"phone": "13912340001", "password": "a\udfffb"}),
        ("/api/v1/auth/otp", {"phone": "\ud800"}),
        ("/api/v1/auth/otp/token", {"phone": "13912340001", "code": "\ud800"}),
        ("/api/v1/auth/otp", {"phone": "138\u00000000001"}),
    ],
)
def test_lone_surrogate_or_nul_in_a_login_body_is_invalid_input(client, path, body):
    # json.dumps writes "\ud800" as the JSON escape, as any client library would.
    response = _post_raw(client, path, json.dumps(body))

    assert _assert_error(response, 400)["code"] == "invalid_input"


def test_body_that_is_not_utf8_is_invalid_input(client):
    response = _post_raw(client, "/api/v1/auth/otp", b'{"phone": "\xff\xfe"}')

    assert _assert_error(response, 400)["code"] == "invalid_input"


@pytest.mark.parametrize("body", ["[null, null]", "42", '"cancel"', "true"])
def test_a_body_that_is_not_an_object_is_invalid_input(client, token, body):
    # ninja's Schema reads fields off any object, so [null, null] passed for a cancel.
    for path in ("/api/v1/orders/1/cancel", "/api/v1/orders/1/pay", "/api/v1/sellers/1/suspend"):
        response = _post_raw(client, path, body, **_auth(token))

        assert _assert_error(response, 422)["code"] == "invalid_input"


@pytest.mark.parametrize("kind", [["ObjectEvent"], {"ObjectEvent": True}])
def test_epcis_type_as_a_list_or_object_is_a_client_error(client, kind):
    warehouse = UserFactory()
    role_grant(user=warehouse, role=Role.WAREHOUSE)  # may capture events for any lot
    token = api_token_issue(user=warehouse).token
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-28T08:00:00Z",
        "epcisBody": {"eventList": [{"type": kind, "eventTime": "2026-11-28T08:00:00Z"}]},
    }
    for sent in (document, {**document, "type": kind}):
        response = client.post(
            "/api/v1/epcis/capture",
            data=json.dumps(sent),
            content_type="application/ld+json",
            **_auth(token),
        )

        _assert_error(response, 400, 422)


def test_multipart_upload_without_a_boundary_is_invalid_input(client, token):
    response = client.post(
        "/api/v1/catalog/products/1/photos",
        data=b"--x\r\nContent-Disposition: form-data; name=alt\r\n\r\nhi\r\n--x--\r\n",
        content_type="multipart/form-data",
        **_auth(token),
    )

    assert _assert_error(response, 400)["code"] == "invalid_input"


def test_nul_in_a_path_or_query_is_invalid_input(client):
    _assert_error(client.get("/api/v1/catalog/brands/a%00b"), 400)
    _assert_error(client.get("/api/v1/catalog/products?q=%00"), 400)


def test_unknown_api_address_answers_json_404(client, token):
    body = _assert_error(client.get("/api/v1/logistics/parcels/not-a-number", **_auth(token)), 404)

    assert body["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        f"/shop/?page={HUGE}",
        f"/shop/search/?q=rice&page={HUGE}",
        f"/shop/p/{HUGE}/",
        f"/shop/s/{HUGE}/",
        f"/orders/{HUGE}/",
        f"/orders/?page={HUGE}",
        f"/orders/?page={2**62}",
        "/shop/search/?q=%00",
    ],
)
def test_pages_answer_a_client_error_for_bad_input(client, path):
    client.force_login(UserFactory())

    response = client.get(path)

    assert response.status_code < 500, (path, response.status_code)


def test_shared_types_refuse_what_the_database_cannot_hold():
    for value in ("\ud800", "a\x00b"):
        with pytest.raises(ValidationError):
            TypeAdapter(Text).validate_python(value)
    assert TypeAdapter(Text).validate_python("稻花鱼 🐟") == "稻花鱼 🐟"
    with pytest.raises(ValidationError):
        TypeAdapter(Id).validate_python(2**63)
    with pytest.raises(ValidationError):
        TypeAdapter(PageNumber).validate_python(10**7)


def test_a_method_an_api_address_does_not_take_answers_json_405(client):
    response = client.delete("/api/v1/regions/townships")

    assert _assert_error(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
