"""Fixtures shared by every test folder."""

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from tests.accounts.factories import UserFactory, user_with_role
from tests.payments.wechat_fake import FakeWechatPay, WechatKeys, wechat_settings_apply
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.accounts.sms import MemorySmsSender, SmsMessage
from xiangcun.accounts.types import Role

# Property tests draw the same examples on every run, so the suite passes or fails by the code
# alone, never by a lucky draw; `HYPOTHESIS_RANDOM=1` draws new examples to look further.
hypothesis_settings.register_profile(
    "xiangcun", derandomize=os.environ.get("HYPOTHESIS_RANDOM") != "1"
)
hypothesis_settings.load_profile("xiangcun")


# --- people -----------------------------------------------------------------------------------
# Named fixtures for the people tests need, made with the factories (a folder's conftest may
# give one a particular name or phone). The Danzhai demo's logins are for the demo's own tests.


@pytest.fixture
def buyer(db: None) -> User:
    """Someone who shops: a login with no role."""
    user: User = UserFactory()
    return user


@pytest.fixture
def agent(db: None) -> User:
    """A service-centre agent, who records and sells on behalf of villagers."""
    return user_with_role(Role.AGENT)


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    """Request headers carrying a new API token of the given user."""

    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token_issue(user=user).token}"}

    return headers


@pytest.fixture
def sms_outbox() -> Iterator[list[SmsMessage]]:
    """Texts sent during the test (tests run with SMS_SENDER = MemorySmsSender)."""
    MemorySmsSender.outbox.clear()
    yield MemorySmsSender.outbox
    MemorySmsSender.outbox.clear()


@pytest.fixture(scope="module")
def wechat_keys() -> WechatKeys:
    """A merchant's and a platform's keys for the fake WeChat Pay server (made once a module)."""
    return WechatKeys.generate()


@pytest.fixture
def wechat(settings: Any, wechat_keys: WechatKeys) -> Iterator[FakeWechatPay]:
    """The local fake WeChat Pay server, running, with the settings pointing at it."""
    fake = FakeWechatPay(wechat_keys).start()
    wechat_settings_apply(settings, fake, wechat_keys)
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _local_cache_cleared() -> None:
    """Each test starts with an empty in-process cache (rate-limit counters live there).
    A shared cache (Redis) is left alone: clearing it would reach beyond the test."""
    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        cache.clear()


class Clock:
    """A stopped clock for `django.utils.timezone.now`, moved forward by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def working_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    """A running clock that reads 08:00 in Shanghai today when the test starts.

    Plans for today keep vans in the depot until "now", and the demo's shifts end in the
    evening: without this, a test that plans today's routes would pass in the morning and fail
    after work."""
    real_now = timezone.now
    start = real_now()
    local = timezone.localtime(start)
    offset = local.replace(hour=8, minute=0, second=0, microsecond=0) - local
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Locking tests prove nothing on SQLite (it ignores select_for_update): run them on PG only."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
