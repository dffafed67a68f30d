"""Login, SMS login, registration and logout pages, without JavaScript."""

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.sms import SmsMessage
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_has_a_phone_keyboard_field_and_a_password_field(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()

    assert re.search(r'<input[^>]*name="phone"[^>]*inputmode="tel"', html) or re.search(
        r'<input[^>]*inputmode="tel"[^>]*name="phone"', html
    )
    assert 'name="password"' in html
    assert 'type="submit"' in html
    assert "<label" in html


def test_login_with_the_right_password_logs_in_and_goes_home(client: Client) -> None:
    user = UserFactory(phone="13800138000")

    response = client.post(
        reverse("accounts:login"), {"phone": "138 0013 8000", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_goes_to_a_safe_next_page_only(client: Client) -> None:
    UserFactory(phone="13800138000")
    url = reverse("accounts:login")

    safe = client.post(url, {"phone": "13800138000", "password": PASSWORD, "next": "/orders/"})
    client.logout()
    unsafe = client.post(
        url, {"phone": "13800138000", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert safe["Location"] == "/orders/"
    assert unsafe["Location"] == reverse("web:home")


def test_failed_login_keeps_the_phone_and_shows_the_error(client: Client) -> None:
    UserFactory(phone="13800138000")

    response = client.post(
        reverse("accounts:login"),
        {"phone": "13800138000", "password": "wrong-one"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    assert 'value="13800138000"' in html
    assert "The mobile number or password is not correct." in html
    assert "wrong-one" not in html


def test_invalid_phone_error_is_shown_next_to_the_phone_field(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"phone": "12345", "password": "whatever"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert "11 digits" in html
    assert 'value="12345"' in html


def test_register_opens_a_buyer_account_and_logs_in(client: Client) -> None:
    response = client.post(
        reverse("accounts:register"),
        {"phone": "13800138000", "name": "陈思雨", "password": PASSWORD},
    )

    assert response.status_code == 302
    user = user_by_phone(phone="13800138000")
    assert user is not None
    assert user.name == "陈思雨"
    assert user_roles(user=user) == {Role.BUYER}
    assert _logged_in_user_id(client) == str(user.pk)


def test_register_with_a_taken_phone_says_so_beside_the_phone(client: Client) -> None:
    UserFactory(phone="13800138000")

    response = client.post(
        reverse("accounts:register"),
        {"phone": "13800138000", "name": "", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert "already exists" in html


def test_sms_login_in_two_steps(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    url = reverse("accounts:login_sms")
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        step_one = client.post(url, {"step": "request", "phone": "13800138000"})
    assert 'name="code"' in step_one.content.decode()
    code = re.findall(r"\b\d{6}\b", sms_outbox[-1].message)[0]

    step_two = client.post(url, {"step": "verify", "phone": "13800138000", "code": code})

    assert step_two.status_code == 302
    user = user_by_phone(phone="13800138000")
    assert user is not None
    assert _logged_in_user_id(client) == str(user.pk)


def test_logout_needs_a_post(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert _logged_in_user_id(client) == str(user.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert _logged_in_user_id(client) is None


def test_asking_again_too_soon_still_offers_the_code_field(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    url = reverse("accounts:login_sms")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"step": "request", "phone": "13800138000"})

    again = client.post(url, {"step": "request", "phone": "13800138000"}, HTTP_ACCEPT_LANGUAGE="en")

    html = again.content.decode()
    assert again.status_code == 200
    assert 'name="code"' in html
    assert "before asking for another code" in html
    assert len(sms_outbox) == 1


def test_sms_login_with_an_invalid_phone_shows_the_error(client: Client) -> None:
    response = client.post(
        reverse("accounts:login_sms"),
        {"step": "request", "phone": "999"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert 'name="code"' not in html


@override_settings(LOGIN_MAX_FAILURES=2)
def test_after_wrong_passwords_the_page_asks_for_a_code_and_the_owner_gets_in(
    client: Client, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    user = UserFactory(phone="13800138000")
    url = reverse("accounts:login")
    for _attempt in range(2):
        client.post(url, {"phone": "13800138000", "password": "not-it"})

    asked = client.post(
        url, {"phone": "13800138000", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = asked.content.decode()
    assert asked.status_code == 200
    assert 'id="id_code_error"' in html
    assert 'value="send_code"' in html
    assert _logged_in_user_id(client) is None

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"action": "send_code", "phone": "13800138000"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "We sent a code" in sent.content.decode()
    assert 'name="code"' in sent.content.decode()
    code = re.findall(r"\b\d{6}\b", sms_outbox[-1].message)[0]

    response = client.post(
        url, {"phone": "13800138000", "password": PASSWORD, "code": code}, follow=True
    )
    assert _logged_in_user_id(client) == str(user.pk)
    # The owner is told: two wrong passwords and the refused attempt without a code.
    shown = [str(message) for message in response.context["messages"]]
    assert any("3" in message for message in shown), shown


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=1)
def test_too_many_codes_from_one_address_get_a_clear_429_page(client: Client) -> None:
    url = reverse("accounts:login_sms")
    client.post(url, {"step": "request", "phone": "13800138001"}, REMOTE_ADDR="203.0.113.7")

    response = client.post(
        url,
        {"step": "request", "phone": "13800138002"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many codes were requested from your network" in html
    assert 'name="code"' not in html
