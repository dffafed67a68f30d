"""Registration and password login; after repeated wrong passwords a password logs in only
with an SMS code as well, so guessing is stopped without locking the owner out."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import Clock
from xiangcun.accounts.errors import (
    InvalidCodeError,
    InvalidCredentialsError,
    OtpExpiredError,
    PhoneTakenError,
    SmsCodeRequiredError,
    WeakPasswordError,
)
from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.services import (
    login_failures_acknowledge,
    login_guard_reset,
    otp_request,
    password_login,
    user_register,
)
from xiangcun.accounts.sms import SmsMessage
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError

pytestmark = pytest.mark.django_db

TextCode = Callable[[str], str]


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


def _fail(phone: str = "13800138000", times: int = 1) -> list[str]:
    """Wrong passwords; the error code each one got."""
    codes = []
    for _attempt in range(times):
        with pytest.raises(XiangcunError) as caught:
            password_login(phone=phone, password="not-it")
        codes.append(caught.value.code)
    return codes


@pytest.fixture
def text_code(django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]) -> TextCode:
    """Ask for a login code for the phone and return it as the phone received it."""

    def send(phone: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            otp_request(phone=phone)
        match = re.search(r"\b(\d{6})\b", sms_outbox[-1].message)
        assert match, sms_outbox[-1].message
        return match.group(1)

    return send


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_after_repeated_failures_a_password_alone_no_longer_logs_in(clock: Clock) -> None:
    UserFactory(phone="13800138000")

    assert _fail(times=3) == ["invalid_credentials", "invalid_credentials", "sms_code_required"]

    # Right or wrong, the answer is the same: the guesser learns nothing about the password.
    with pytest.raises(SmsCodeRequiredError) as right:
        password_login(phone="13800138000", password=PASSWORD)
    with pytest.raises(SmsCodeRequiredError) as wrong:
        password_login(phone="13800138000", password="not-it")
    assert right.value.as_dict() == wrong.value.as_dict()
    assert right.value.status == 401
    assert right.value.field == "code"


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_owner_gets_in_with_password_and_code_while_the_guessing_goes_on(
    clock: Clock, text_code: TextCode
) -> None:
    user = UserFactory(phone="13800138000")
    _fail(times=5)

    code = text_code("13800138000")
    clock.advance(seconds=30)
    _fail(times=3)  # the attacker keeps going while the owner reads the text
    assert password_login(phone="13800138000", password=PASSWORD, code=code) == user

    # The code is spent: it does not open the account a second time.
    with pytest.raises(OtpExpiredError):
        password_login(phone="13800138000", password=PASSWORD, code=code)


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_a_wrong_code_or_password_with_a_code_still_fails(
    clock: Clock, text_code: TextCode
) -> None:
    UserFactory(phone="13800138000")
    _fail(times=3)
    code = text_code("13800138000")
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(InvalidCodeError):
        password_login(phone="13800138000", password=PASSWORD, code=wrong_code)
    with pytest.raises(InvalidCredentialsError):
        password_login(phone="13800138000", password="not-it", code=code)
    # Each try with the code counts against it: it cannot be used to guess passwords for long.
    for _attempt in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(XiangcunError):
            password_login(phone="13800138000", password="not-it", code=code)
    with pytest.raises(OtpExpiredError):
        password_login(phone="13800138000", password=PASSWORD, code=code)


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_a_password_alone_works_again_after_a_quiet_window(clock: Clock) -> None:
    user = UserFactory(phone="13800138000")
    _fail(times=3)

    clock.advance(seconds=599)
    with pytest.raises(SmsCodeRequiredError):
        password_login(phone="13800138000", password=PASSWORD)
    clock.advance(seconds=601)  # that refused attempt counted: the window runs from it
    assert password_login(phone="13800138000", password=PASSWORD) == user


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_success_resets_the_failure_count(clock: Clock) -> None:
    UserFactory(phone="13800138000")
    for _round in range(2):
        assert _fail(times=2) == ["invalid_credentials"] * 2
        password_login(phone="13800138000", password=PASSWORD)


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=600)
def test_unknown_phones_need_a_code_too_so_it_reveals_no_account() -> None:
    UserFactory(phone="13800138000")
    assert _fail("13900139000", times=3) == _fail("13800138000", times=3)


@override_settings(LOGIN_MAX_FAILURES=1, LOGIN_LOCKOUT_SECONDS=600)
def test_agent_can_let_a_password_alone_log_in_again() -> None:
    user = UserFactory(phone="13800138000")
    _fail()

    login_guard_reset(phone="13800138000")

    assert password_login(phone="13800138000", password=PASSWORD) == user


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_owner_is_told_how_many_logins_failed_since_the_last_one(clock: Clock) -> None:
    user = UserFactory(phone="13800138000")
    _fail(times=2)
    password_login(phone="13800138000", password=PASSWORD)
    _fail(times=4)

    assert login_failures_acknowledge(user=user) == 6
    assert login_failures_acknowledge(user=user) == 0


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=60, LOGIN_ALERT_SECONDS=86400)
def test_the_owner_is_texted_when_a_code_becomes_needed_at_most_once_a_day(
    clock: Clock, django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    UserFactory(phone="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        _fail(times=5)
    assert [message.phone for message in sms_outbox] == ["13800138000"]
    assert "13800138000" not in sms_outbox[0].message

    clock.advance(hours=1)  # a new round of guessing the same day: no second text
    with django_capture_on_commit_callbacks(execute=True):
        _fail(times=3)
    assert len(sms_outbox) == 1

    clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        _fail(times=3)
    assert len(sms_outbox) == 2


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=60)
def test_guessing_an_unknown_phone_texts_nobody(
    django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _fail("13900139000", times=3)
    assert sms_outbox == []


def test_inactive_user_cannot_log_in() -> None:
    UserFactory(phone="13800138000", is_active=False)

    with pytest.raises(InvalidCredentialsError):
        password_login(phone="13800138000", password=PASSWORD)
