"""What the browser tests share: logging in through the real form, the 360 px check, and where
screenshots go."""

import os
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def log_in(page: Any, base: str, phone: str, password: str) -> None:
    """Log in as `phone` from a clean session, by the password form of the login page."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="phone"]').fill(phone)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()
    expect(page.locator(".account-bar")).to_be_visible()


def fits_the_phone(page: Any) -> None:
    """Nothing on the page is wider than a 360 px phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def htmx_idle(page: Any) -> None:
    """Wait until htmx has no request in flight and has finished settling the last swap.

    htmx binds the triggers of swapped-in elements only when the swap settles (20 ms later, and
    later still on a busy machine): a select changed in between sends nothing, where a person
    would have waited for the page anyway."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
