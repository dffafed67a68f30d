"""The accounts API end to end: tokens by password and by code, /me, revoking."""

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.factories import PASSWORD, UserFactory
from xiangcun.accounts.models import ApiToken
from xiangcun.accounts.services import role_grant, roles_sync
from xiangcun.accounts.sms import SmsMessage
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def _token(client: Client, phone: str = "13800138000", password: str = PASSWORD) -> str:
    response = client.post(
        TOKEN_URL, {"phone": phone, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def test_token_by_password_opens_me_with_roles(client: Client) -> None:
    roles_sync()
    user = UserFactory(phone="13800138000", name="王德富")
    role_grant(user=user, role=Role.SELLER)
    role_grant(user=user, role=Role.BUYER)

    response = client.post(
        TOKEN_URL,
        {"phone": "+86 138 0013 8000", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}

    me = client.get(ME_URL, headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": user.pk,
        "phone": "13800138000",
        "name": "王德富",
        "roles": ["buyer", "seller"],
    }


def test_only_the_tokens_hash_is_stored(client: Client) -> None:
    UserFactory(phone="13800138000")
    token = _token(client)

    assert not ApiToken.objects.filter(key_hash__contains=token).exists()
    assert ApiToken.objects.get().key_hash != token


def test_wrong_password_answers_401_with_a_code(client: Client) -> None:
    UserFactory(phone="13800138000")

    response = client.post(
        TOKEN_URL, {"phone": "13800138000", "password": "nope"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


@override_settings(LOGIN_MAX_FAILURES=1)
def test_locked_phone_answers_429_account_locked(client: Client) -> None:
    UserFactory(phone="13800138000")
    client.post(
        TOKEN_URL, {"phone": "13800138000", "password": "nope"}, content_type="application/json"
    )

    response = client.post(
        TOKEN_URL, {"phone": "13800138000", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "account_locked"
    assert body["details"]["retry_after"] > 0
    assert int(response["Retry-After"]) == body["details"]["retry_after"]


@pytest.mark.parametrize("phone", ["12345", "", "+1 415 555 0100"])
def test_invalid_phone_answers_400_invalid_phone(client: Client, phone: str) -> None:
    response = client.post(
        TOKEN_URL, {"phone": phone, "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"


def test_missing_field_answers_422(client: Client) -> None:
    response = client.post(TOKEN_URL, {"phone": "13800138000"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_me_without_a_valid_token_answers_401(client: Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}

    response = client.get(ME_URL, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_token_no_longer_works(client: Client) -> None:
    UserFactory(phone="13800138000")
    token = _token(client)
    auth = {"Authorization": f"Bearer {token}"}

    assert client.delete(TOKEN_URL, headers=auth).status_code == 204
    assert client.get(ME_URL, headers=auth).status_code == 401


@override_settings(API_TOKEN_TTL_DAYS=1)
def test_expired_token_no_longer_works(client: Client, clock: Any) -> None:
    UserFactory(phone="13800138000")
    auth = {"Authorization": f"Bearer {_token(client)}"}
    assert client.get(ME_URL, headers=auth).status_code == 200

    clock.advance(days=1, seconds=1)

    assert client.get(ME_URL, headers=auth).status_code == 401


def test_token_records_its_last_use_at_most_once_a_minute(client: Client, clock: Any) -> None:
    UserFactory(phone="13800138000")
    auth = {"Authorization": f"Bearer {_token(client)}"}

    client.get(ME_URL, headers=auth)
    first_use = ApiToken.objects.get().last_used_at
    clock.advance(seconds=30)
    client.get(ME_URL, headers=auth)
    assert ApiToken.objects.get().last_used_at == first_use
    clock.advance(seconds=31)
    client.get(ME_URL, headers=auth)
    assert ApiToken.objects.get().last_used_at == clock.now


def test_token_by_sms_code(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/api/v1/auth/otp", {"phone": "13800138000"}, content_type="application/json"
        )
    assert sent.status_code == 202
    assert sent.json() == {"expires_in": 300, "resend_after": 60}
    match = re.search(r"\b(\d{6})\b", sms_outbox[-1].message)
    assert match

    again = client.post(
        "/api/v1/auth/otp", {"phone": "13800138000"}, content_type="application/json"
    )
    assert again.status_code == 429
    assert again.json()["code"] == "rate_limited"

    response = client.post(
        "/api/v1/auth/otp/token",
        {"phone": "13800138000", "code": match.group(1)},
        content_type="application/json",
    )
    assert response.status_code == 200
    me = client.get(ME_URL, headers={"Authorization": f"Bearer {response.json()['token']}"})
    assert me.json()["roles"] == ["buyer"]


def test_wrong_sms_code_answers_401_invalid_code(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/auth/otp", {"phone": "13800138000"}, content_type="application/json")
    code = re.findall(r"\b\d{6}\b", sms_outbox[-1].message)[0]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(
        "/api/v1/auth/otp/token",
        {"phone": "13800138000", "code": wrong},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_code"


def test_openapi_documents_the_error_answers(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    token_answers = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"200", "400", "401", "429"} <= set(token_answers)
    me = schema["paths"]["/api/v1/auth/me"]["get"]
    assert "401" in me["responses"]
    assert me["security"]
