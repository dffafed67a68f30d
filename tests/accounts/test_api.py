"""The accounts API end to end: tokens by password and by code, /me, revoking."""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.accounts.factories import PASSWORD, UserFactory
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
    assert set(body) == {"token", "expires_at", "failed_logins_since_last_login"}
    assert body["failed_logins_since_last_login"] == 0

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


@override_settings(LOGIN_MAX_FAILURES=2)
def test_after_repeated_failures_the_owner_logs_in_with_password_and_texted_code(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    UserFactory(phone="13800138000")
    for _attempt in range(3):
        client.post(
            TOKEN_URL, {"phone": "13800138000", "password": "nope"}, content_type="application/json"
        )

    alone = client.post(
        TOKEN_URL, {"phone": "13800138000", "password": PASSWORD}, content_type="application/json"
    )
    assert alone.status_code == 401
    assert alone.json()["code"] == "sms_code_required"

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/api/v1/auth/otp", {"phone": "13800138000"}, content_type="application/json"
        )
    assert sent.status_code == 202
    code = re.findall(r"\b\d{6}\b", sms_outbox[-1].message)[0]

    response = client.post(
        TOKEN_URL,
        {"phone": "13800138000", "password": PASSWORD, "code": code},
        content_type="application/json",
    )
    assert response.status_code == 200
    # Three wrong passwords and the refused one without a code: the owner is told.
    assert response.json()["failed_logins_since_last_login"] == 4


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=2)
def test_one_client_cannot_text_many_phones(client: Client, sms_outbox: list[SmsMessage]) -> None:
    def ask(phone: str, address: str = "203.0.113.7") -> Any:
        return client.post(
            "/api/v1/auth/otp",
            {"phone": phone},
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    assert ask("13800138001").status_code == 202
    assert ask("13800138002").status_code == 202
    refused = ask("13800138003")

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert body["message"]
    assert 0 < body["details"]["retry_after"] <= 3600
    assert int(refused["Retry-After"]) == body["details"]["retry_after"]
    # Another client is not held back by this one.
    assert ask("13800138003", address="198.51.100.9").status_code == 202


def _ask_code(client: Client, phone: str, address: str, forwarded: str | None = None) -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(
        "/api/v1/auth/otp",
        {"phone": phone},
        content_type="application/json",
        REMOTE_ADDR=address,
        **extra,
    )


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=1)
def test_ipv4_clients_seen_on_an_ipv6_socket_are_counted_apart(client: Client) -> None:
    # A dual-stack listener gives IPv4 clients as ::ffff:a.b.c.d; all of them share one /64.
    assert _ask_code(client, "13800138001", "::ffff:203.0.113.7").status_code == 202
    assert _ask_code(client, "13800138002", "::ffff:198.51.100.9").status_code == 202
    assert _ask_code(client, "13800138003", "203.0.113.7").status_code == 429


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=1, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_is_counted_by_its_own_address(client: Client) -> None:
    nginx = "10.0.0.2"
    assert _ask_code(client, "13800138001", nginx, "203.0.113.7").status_code == 202
    assert _ask_code(client, "13800138002", nginx, "198.51.100.9").status_code == 202
    # An address the client wrote in front of nginx's entry changes nothing.
    forged = _ask_code(client, "13800138003", nginx, "192.0.2.55, 203.0.113.7")
    assert forged.status_code == 429


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=1, OTP_MAX_PER_MINUTE=1)
def test_the_limits_hold_across_app_processes(client: Client) -> None:
    assert _ask_code(client, "13800138001", "203.0.113.7").status_code == 202
    # The next request reaches another gunicorn worker, with an in-process cache of its own.
    cache.clear()
    assert _ask_code(client, "13800138002", "203.0.113.7").status_code == 429
    cache.clear()
    assert _ask_code(client, "13800138003", "198.51.100.9").status_code == 429


@override_settings(OTP_MAX_PER_MINUTE=3, OTP_MAX_PER_CLIENT_PER_HOUR=100)
def test_the_whole_site_texts_at_most_so_many_codes_a_minute(client: Client) -> None:
    answers = [
        client.post(
            "/api/v1/auth/otp",
            {"phone": f"1380013800{n}"},
            content_type="application/json",
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        for n in range(5)
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 202, 429, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 0 < int(answers[3]["Retry-After"]) <= 60


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
