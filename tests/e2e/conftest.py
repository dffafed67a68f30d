"""Browser tests: Playwright's sync API driving the system Chromium against pytest-django's
live server. No browser is ever downloaded; without Chromium these tests skip, or fail when
REQUIRE_BROWSER=1 (CI)."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls there (fixtures create users in the same thread).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
PASSWORD = "Danzhai-2016-rice"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    """CHROMIUM_PATH when set, else the Debian/Ubuntu system Chromium."""
    candidates = [
        os.environ.get("CHROMIUM_PATH", ""),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        reason = (
            "no system Chromium (looked at $CHROMIUM_PATH, /usr/bin/chromium, "
            "/usr/bin/chromium-browser); install it with `apt-get install chromium`"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # CI runs these beside the rest of the suite on two cores: a page that answers in 50 ms
    # alone can take seconds there. Waiting is not what these tests measure (bench/ does).
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page the size of a cheap Android phone, asking for Chinese like our users' phones."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def make_user(transactional_db: Any) -> Callable[..., Any]:
    from xiangcun.accounts.services import role_grant, roles_sync, user_register

    roles_sync()
    counter = iter(range(100))

    def make(*roles: Any, name: str = "") -> Any:
        phone = f"1390000{next(counter):04d}"  # outside the demo logins (138…)
        user = user_register(phone=phone, password=PASSWORD, name=name or f"User {phone[-4:]}")
        for role in roles:
            role_grant(user=user, role=role)
        return user

    return make
