"""Login guards and code requests under concurrent requests, as several app servers send them."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from queue import SimpleQueue
from threading import Barrier
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from tests.accounts.factories import UserFactory
from xiangcun.accounts.models import LoginGuard, OneTimeCode
from xiangcun.accounts.services import otp_request, password_login
from xiangcun.core.errors import XiangcunError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def _all_at_once(action: Callable[[], Any]) -> list[str]:
    """Run `action` in WORKERS threads released together; return each outcome's code."""
    barrier = Barrier(WORKERS)

    def run() -> str:
        barrier.wait()
        try:
            action()
        except XiangcunError as error:
            return error.code
        finally:
            connection.close()
        return "ok"

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda _n: run(), range(WORKERS)))


@override_settings(LOGIN_MAX_FAILURES=100)
def test_concurrent_failures_are_all_counted() -> None:
    UserFactory(phone="13800138000")

    outcomes = _all_at_once(lambda: password_login(phone="13800138000", password="wrong"))

    assert outcomes == ["invalid_credentials"] * WORKERS
    assert LoginGuard.objects.get(phone="13800138000").failures == WORKERS


@override_settings(LOGIN_MAX_FAILURES=3)
def test_concurrent_guesses_get_no_more_tries_than_allowed() -> None:
    UserFactory(phone="13800138000")

    outcomes = _all_at_once(lambda: password_login(phone="13800138000", password="wrong"))

    assert outcomes.count("invalid_credentials") == 2
    assert outcomes.count("sms_code_required") == WORKERS - 2


def test_concurrent_code_requests_send_one_code() -> None:
    # An existing guard row: a first insert would serialise the requests on its unique index.
    LoginGuard.objects.create(phone="13800138000")

    outcomes = _all_at_once(lambda: otp_request(phone="13800138000"))

    assert outcomes.count("ok") == 1
    assert OneTimeCode.objects.filter(phone="13800138000").count() == 1


@override_settings(OTP_MAX_PER_CLIENT_PER_HOUR=3)
def test_concurrent_code_requests_from_one_address_stop_at_its_limit() -> None:
    phones: SimpleQueue[str] = SimpleQueue()  # a different phone for each thread
    for n in range(WORKERS):
        LoginGuard.objects.create(phone=f"1380013800{n}")
        phones.put(f"1380013800{n}")

    outcomes = _all_at_once(lambda: otp_request(phone=phones.get(), client_ip="203.0.113.7"))

    assert outcomes.count("ok") == 3
    assert outcomes.count("rate_limited") == WORKERS - 3
    assert OneTimeCode.objects.count() == 3
