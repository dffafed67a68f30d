"""Registration and password login, with the lockout that stops password guessing."""

import pytest
from django.test import override_settings

from tests.conftest import Clock
from tests.factories import PASSWORD, UserFactory
from xiangcun.accounts.errors import (
    AccountLockedError,
    InvalidCredentialsError,
    PhoneTakenError,
    WeakPasswordError,
)
from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.services import login_guard_reset, password_login, user_register
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db


def test_registration_opens_a_buyer_account_with_the_normalised_phone() -> None:
    user = user_register(phone="+86 138-0013-8000", password=PASSWORD, name=" 陈思雨 ")

    assert user.phone == "13800138000"
    assert user.name == "陈思雨"
    assert user.check_password(PASSWORD)
    assert user_roles(user=user) == {Role.BUYER}
    assert user_by_phone(phone="138 0013 8000") == user


def test_registering_a_phone_twice_is_refused() -> None:
    user_register(phone="13800138000", password=PASSWORD)

    with pytest.raises(PhoneTakenError) as caught:
        user_register(phone="+8613800138000", password=PASSWORD)
    assert caught.value.code == "phone_taken"


def test_weak_password_is_refused_with_the_validators_reason() -> None:
    with pytest.raises(WeakPasswordError) as caught:
        user_register(phone="13800138000", password="12345678")
    assert caught.value.field == "password"
    assert user_by_phone(phone="13800138000") is None


def test_right_password_logs_in() -> None:
    user = UserFactory(phone="13800138000")

    assert password_login(phone="138 0013 8000", password=PASSWORD) == user


def test_wrong_password_and_unknown_phone_get_the_same_answer() -> None:
    UserFactory(phone="13800138000")

    with pytest.raises(InvalidCredentialsError) as wrong_password:
        password_login(phone="13800138000", password="not-it")
    with pytest.raises(InvalidCredentialsError) as unknown_phone:
        password_login(phone="13900139000", password=PASSWORD)
    assert wrong_password.value.as_dict() == unknown_phone.value.as_dict()
    assert wrong_password.value.code == "invalid_credentials"


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_phone_is_locked_after_repeated_failures_even_for_the_right_password(
    clock: Clock,
) -> None:
    UserFactory(phone="13800138000")
    for _attempt in range(2):
        with pytest.raises(InvalidCredentialsError):
            password_login(phone="13800138000", password="not-it")
    with pytest.raises(AccountLockedError):
        password_login(phone="13800138000", password="not-it")

    with pytest.raises(AccountLockedError) as caught:
        password_login(phone="13800138000", password=PASSWORD)
    assert caught.value.code == "account_locked"
    assert caught.value.status == 429
    assert caught.value.details["retry_after"] == 600
    assert "10" in str(caught.value.message)


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_lock_lifts_after_the_window(clock: Clock) -> None:
    user = UserFactory(phone="13800138000")
    for _attempt in range(3):
        with pytest.raises((InvalidCredentialsError, AccountLockedError)):
            password_login(phone="13800138000", password="not-it")

    clock.advance(seconds=599)
    with pytest.raises(AccountLockedError):
        password_login(phone="13800138000", password=PASSWORD)
    clock.advance(seconds=2)
    assert password_login(phone="13800138000", password=PASSWORD) == user


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_success_resets_the_failure_count(clock: Clock) -> None:
    UserFactory(phone="13800138000")
    for _round in range(2):
        for _attempt in range(2):
            with pytest.raises(InvalidCredentialsError):
                password_login(phone="13800138000", password="not-it")
        password_login(phone="13800138000", password=PASSWORD)


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=600)
def test_unknown_phones_are_locked_too_so_lockout_reveals_no_account() -> None:
    for _attempt in range(1):
        with pytest.raises(InvalidCredentialsError):
            password_login(phone="13900139000", password="guess")
    with pytest.raises(AccountLockedError):
        password_login(phone="13900139000", password="guess")


@override_settings(LOGIN_MAX_FAILURES=1, LOGIN_LOCKOUT_SECONDS=600)
def test_agent_can_lift_a_lock() -> None:
    user = UserFactory(phone="13800138000")
    with pytest.raises(AccountLockedError):
        password_login(phone="13800138000", password="not-it")

    login_guard_reset(phone="13800138000")

    assert password_login(phone="13800138000", password=PASSWORD) == user


def test_inactive_user_cannot_log_in() -> None:
    UserFactory(phone="13800138000", is_active=False)

    with pytest.raises(InvalidCredentialsError):
        password_login(phone="13800138000", password=PASSWORD)
