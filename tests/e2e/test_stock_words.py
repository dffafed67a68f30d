"""More than is left, in a real browser at phone size: the product page lets the buyer type
30 jars of honey when 25 are left, and answers with the cart's own sentence (not the browser's
range message); the cart stays empty, and 25 go in."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.storefront.market import Market, market_build

from .conftest import PASSWORD


@pytest.fixture
def market(transactional_db: Any) -> Market:
    return market_build()


def test_product_page_says_how_many_are_left_in_the_carts_words(
    live_server: Any, phone_page: Any, market: Market, make_user: Any
) -> None:
    page = phone_page
    base = live_server.url
    log_in(page, base, make_user(name="张大姐").phone, PASSWORD)
    page.goto(f"{base}/shop/p/{market.honey.pk}/")
    form = page.locator("form.add-to-cart").first

    form.locator('input[name="quantity"]').fill("30")
    form.locator('[data-testid="add-to-cart"]').click()

    expect(page).to_have_url(f"{base}/shop/p/{market.honey.pk}/")
    expect(page.locator(".message-error")).to_have_text("只剩 25 件：请选 1 到 25 件。")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "stock-words-product-360.png", full_page=True)
    page.goto(f"{base}/cart/")
    expect(page.locator('[data-testid="cart-empty"]')).to_be_visible()

    page.goto(f"{base}/shop/p/{market.honey.pk}/")
    form = page.locator("form.add-to-cart").first
    form.locator('input[name="quantity"]').fill("25")
    form.locator('[data-testid="add-to-cart"]').click()
    expect(page).to_have_url(f"{base}/cart/")
    expect(page.locator(".cart-line input[name='quantity']")).to_have_value("25")
