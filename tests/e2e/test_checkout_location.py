"""Sharing the house's location at checkout, in a real browser at phone size: the buyer lets
the page use the phone's location, presses the button, sees how exact it is, and the order
placed for home delivery carries the point (so the van goes to the house, not the village)."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, htmx_idle, log_in
from tests.storefront.market import Market, market_build
from xiangcun.orders.models import Order
from xiangcun.regions.models import County

from .conftest import PASSWORD
from .test_checkout import honey_into_cart


@pytest.fixture
def market(transactional_db: Any) -> Market:
    built = market_build()
    # Danzhai's seat: the shared point must be near it.
    County.objects.update(latitude=Decimal("26.198"), longitude=Decimal("107.794"))
    return built


def test_buyer_shares_the_house_location_and_the_order_gets_it(
    live_server: Any, browser: Any, market: Market, make_user: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 26.2, "longitude": 107.8, "accuracy": 25},
    )
    context.grant_permissions(["geolocation"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    buyer = make_user(name="杨阿婆")
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)
    honey_into_cart(page, base)
    page.locator('[data-testid="checkout"]').click()

    page.locator('label.choice:has(input[value="home"])').click()
    button = page.locator('[data-testid="locate-button"]')
    expect(button).to_be_visible()
    button.click()
    # "Location added ±25 m", in the page's language.
    expect(page.locator('[data-testid="locate-status"]')).to_contain_text("±25")
    expect(page.locator('input[name="latitude"]')).to_have_value("26.200000")
    expect(page.locator('input[name="longitude"]')).to_have_value("107.800000")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-location-360.png", full_page=True)

    page.locator('select[name="township"]').select_option(str(market.village.township_id))
    htmx_idle(page)
    page.locator('select[name="village"]').select_option(str(market.village.pk))
    htmx_idle(page)
    page.locator('input[name="detail"]').fill("三组12号")
    page.locator('label.choice:has(input[value="cash"])').click()
    htmx_idle(page)
    page.locator('[data-testid="place-order"]').click()

    expect(page.locator(".order-status")).to_have_attribute("data-status", "awaiting_cash")
    order = Order.objects.get(buyer=buyer)
    assert order.delivery_method == Order.Delivery.HOME
    assert (order.latitude, order.longitude) == (Decimal("26.2"), Decimal("107.8"))
    assert problems == []
    context.close()
