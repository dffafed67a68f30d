"""Search in a real browser at phone size: a misspelt pinyin word still finds the goods, and
the page says it showed related goods instead of an exact match (in the shopper's language)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import fits_the_phone, htmx_idle
from tests.storefront.market import Market, market_build


@pytest.fixture
def market(transactional_db: Any) -> Market:
    return market_build()


def test_a_misspelt_word_finds_honey_and_says_it_was_not_exact(
    live_server: Any, browser: Any, market: Market
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/shop/search/")
    box = page.locator('main form[role="search"] input[name="q"]').first
    box.fill("fengmu")
    box.press("Enter")
    htmx_idle(page)
    notice = page.locator(".results-relaxed")
    expect(notice).to_have_text("没有完全匹配的结果，为您显示与“fengmi”相关的商品。")
    expect(page.locator(".cards").get_by_text("丹寨蜂蜜").first).to_be_visible()
    # Spelt right, the notice goes.
    box.fill("fengmi")
    box.press("Enter")
    htmx_idle(page)
    expect(page.locator(".results-relaxed")).to_have_count(0)
    expect(page.locator(".cards").get_by_text("丹寨蜂蜜").first).to_be_visible()
    fits_the_phone(page)
    context.close()
