"""Buying in a real browser at phone size: a buyer finds honey by typing `fm`, puts it in the
cart, checks out with pickup at the village station, pays in the sandbox and sees the order
paid with its timeline; a second buyer orders for home delivery with cash, with JavaScript
off, and sees the order awaiting cash with what to do."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, htmx_idle, log_in
from tests.storefront.market import Market, market_build
from xiangcun.orders.models import Order
from xiangcun.regions.models import Station
from xiangcun.regions.services import station_create

from .conftest import PASSWORD


@pytest.fixture
def market(transactional_db: Any) -> Market:
    return market_build()


@pytest.fixture
def station(market: Market) -> Station:
    station_create(
        kind="service_centre",
        code="SC-DANZHAI",
        name="丹寨县电商服务中心",
        township_id=market.village.township_id,
        address_detail="龙泉镇东湖路1号",
        opening_hours="9:00-17:00",
    )
    return station_create(
        kind="village_station",
        code="ST-KALA",
        name="卡拉村服务站",
        township_id=market.village.township_id,
        village_id=market.village.pk,
        address_detail="村委会一楼",
        opening_hours="8:00-18:00",
    )


def honey_into_cart(page: Any, base: str, quantity: int = 1) -> None:
    page.goto(f"{base}/")
    box = page.locator('main form[role="search"] input[name="q"]').first
    box.fill("fm")
    box.press("Enter")
    page.locator(".card-name", has_text="丹寨土蜂蜜").click()
    expect(page.locator("h1.product-name")).to_have_text("丹寨土蜂蜜")
    form = page.locator("form.add-to-cart").first
    form.locator('input[name="quantity"]').fill(str(quantity))
    form.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "checkout-product-360.png")
    form.locator('[data-testid="add-to-cart"]').click()
    expect(page).to_have_url(f"{base}/cart/")
    expect(page.locator(".cart-line")).to_have_count(1)


def test_buyer_searches_adds_to_cart_picks_up_at_the_station_and_pays_in_the_sandbox(
    live_server: Any, phone_page: Any, market: Market, station: Station, make_user: Any
) -> None:
    page = phone_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    buyer = make_user(name="张大姐")
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)

    honey_into_cart(page, base, quantity=2)
    expect(page.locator(".cart-line")).to_contain_text("丹寨土蜂蜜")
    expect(page.locator(".seller-name")).to_contain_text("王家蜂场")
    expect(page.locator('[data-testid="goods-total"]')).to_have_text("¥136.00")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-cart-360.png", full_page=True)

    page.locator('[data-testid="checkout"]').click()
    expect(page).to_have_url(f"{base}/cart/checkout/")
    page.locator('label.choice:has(input[value="station_pickup"])').click()
    # The station list shows once pickup at a station is chosen; the home address does not.
    expect(page.locator('select[name="station"]')).to_be_visible()
    expect(page.locator('select[name="township"]')).to_be_hidden()
    page.locator('select[name="station"]').select_option(str(station.pk))
    page.locator('label.choice:has(input[value="sandbox"])').click()
    expect(page.locator('[data-testid="total-pickup"]')).to_have_text("¥136.00")
    expect(page.locator('input[name="phone"]')).to_have_attribute("inputmode", "tel")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-form-360.png", full_page=True)
    htmx_idle(page)
    page.locator('[data-testid="place-order"]').click()

    order = Order.objects.get(buyer=buyer)
    expect(page).to_have_url(
        f"{base}/pay/sandbox/{order.payment_number}/?next=%2Forders%2F{order.pk}%2F"
    )
    expect(page.locator('[data-testid="amount"]')).to_contain_text("136.00")
    page.locator('button[value="approve"]').click()

    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "paid")
    events = page.locator(".timeline-event")
    expect(events.first).to_have_attribute("data-status", "pending_payment")
    expect(events.last).to_have_attribute("data-status", "paid")
    assert events.count() >= 2
    expect(page.locator(".address")).to_contain_text("卡拉村服务站")
    expect(page.locator('[data-testid="order-total"]')).to_have_text("¥136.00")
    # Times in China time, the way Chinese phones write them: 2026年11月28日 14:05.
    expect(events.first.locator("time")).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")
    )
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-order-paid-360.png", full_page=True)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-order-paid-360-top.png")

    # The order list shows it too.
    page.goto(f"{base}/orders/")
    expect(page.locator(f'[data-order="{order.number}"] [data-status="paid"]')).to_be_visible()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert problems == []


def test_cash_order_for_home_delivery_works_without_javascript_and_awaits_cash(
    live_server: Any, browser: Any, market: Market, station: Station, make_user: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    buyer = make_user(name="李阿公")
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)
    honey_into_cart(page, base)
    page.locator('[data-testid="checkout"]').click()

    page.locator('label.choice:has(input[value="home"])').click()
    expect(page.locator('[data-testid="address-fixed"]')).to_have_text(
        "贵州省 黔东南苗族侗族自治州 丹寨县"
    )
    page.locator('label.choice:has(input[value="cash"])').click()
    # Forgot the house: the page says so beside the box and keeps the rest.
    page.locator('select[name="township"]').select_option(str(market.village.township_id))
    page.locator('[data-testid="place-order"]').click()
    expect(page.locator(".field--error")).to_have_count(1)
    expect(page.locator('select[name="township"]')).to_have_value(str(market.village.township_id))
    expect(page.locator('input[value="home"]')).to_be_checked()
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-form-error-360.png", full_page=True)

    page.locator('select[name="village"]').select_option(str(market.village.pk))
    page.locator('input[name="detail"]').fill("三组12号")
    page.locator('[data-testid="place-order"]').click()

    order = Order.objects.get(buyer=buyer)
    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "awaiting_cash")
    expect(page.locator('[data-testid="cash-instructions"]')).to_contain_text("¥76.00")
    expect(page.locator(".address")).to_contain_text("卡拉村三组12号")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "checkout-order-cash-360.png", full_page=True)
    assert order.status == Order.Status.AWAITING_CASH
    assert order.total == 76  # ¥68 honey + ¥8 home delivery
    context.close()
