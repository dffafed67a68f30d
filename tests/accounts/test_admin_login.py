"""The admin has no login form of its own: it sends everyone to the site's login page, so its
form cannot skip the SMS code asked for after repeated wrong passwords, nor guess a staff
password uncounted."""

import pytest
from django.conf import settings
from django.test import Client

from tests.accounts.factories import PASSWORD, UserFactory
from xiangcun.accounts.errors import InvalidCredentialsError, SmsCodeRequiredError
from xiangcun.accounts.models import LoginGuard, User
from xiangcun.accounts.services import password_login, role_grant
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse_manager() -> User:
    user: User = UserFactory()
    role_grant(user=user, role=Role.WAREHOUSE)
    user.refresh_from_db()
    assert user.is_staff
    return user


def test_the_admin_login_form_does_not_skip_the_sms_code(
    client: Client, warehouse_manager: User
) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        with pytest.raises((InvalidCredentialsError, SmsCodeRequiredError)):
            password_login(phone=warehouse_manager.phone, password="wrong-password")
    with pytest.raises(SmsCodeRequiredError):
        password_login(phone=warehouse_manager.phone, password=PASSWORD)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": warehouse_manager.phone, "password": PASSWORD, "next": "/admin/"},
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_cannot_be_tried_at_the_admin_login(
    client: Client, warehouse_manager: User
) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES + 3):
        client.post(
            "/admin/login/", {"username": warehouse_manager.phone, "password": "wrong-password"}
        )
    # Not one of them was judged: the admin has no password form.
    assert not LoginGuard.objects.filter(phone=warehouse_manager.phone, failures__gt=0).exists()
    assert "_auth_user_id" not in client.session
    right = client.post(
        "/admin/login/", {"username": warehouse_manager.phone, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert right["Location"].startswith("/accounts/login/")


def test_staff_logged_in_on_the_site_reach_the_admin(
    client: Client, warehouse_manager: User
) -> None:
    login = client.post(
        "/accounts/login/?next=/admin/",
        {"phone": warehouse_manager.phone, "password": PASSWORD, "next": "/admin/"},
    )
    assert login.status_code == 302
    assert login["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"
