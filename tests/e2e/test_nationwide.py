"""Selling to the rest of China in a real browser at phone size: a buyer pastes a Guangzhou
address, sees the fields filled, the carrier's fee and the delivery days before paying, pays
in the sandbox and sees the order with its promised days; chilled pork to Urumqi is refused
with the reason, before any payment."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, htmx_idle, log_in
from tests.e2e.test_checkout import honey_into_cart
from tests.orders.nationwide import TIANHE, URUMQI
from tests.shipping.factories import sf_standard_build
from tests.storefront.market import Market, market_build
from xiangcun.inventory import services as inventory
from xiangcun.orders import services as orders
from xiangcun.orders.models import Order
from xiangcun.regions import services as regions

from .conftest import PASSWORD

PASTED = "广东省广州市天河区体育西路 123 号 张三 13912345678"


@pytest.fixture
def market(transactional_db: Any) -> Market:
    # A transactional test empties every table after it, the divisions its migration loaded
    # among them: load them again from the file (idempotent).
    regions.divisions_load()
    market = market_build()
    sf_standard_build()
    return market


@pytest.fixture
def phone(phone_page: Any) -> Any:
    """The phone page, patient: the live server shares a busy machine in CI (60 s)."""
    phone_page.set_default_timeout(60_000)
    phone_page.set_default_navigation_timeout(60_000)
    return phone_page


def test_buyer_pastes_a_guangzhou_address_sees_fee_and_days_pays_and_sees_the_promise(
    live_server: Any, phone: Any, market: Market, make_user: Any
) -> None:
    page = phone
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    buyer = make_user(name="张三")
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)
    honey_into_cart(page, base)

    page.goto(f"{base}/cart/checkout/")
    page.locator('label.choice:has(input[value="home"])').click()
    page.locator('textarea[name="paste"]').fill(PASTED)
    htmx_idle(page)
    page.locator('[data-testid="paste-fill"]').click()

    # htmx swapped the form: the divisions, the street, the name and the phone are filled.
    expect(page.locator('[data-testid="paste-note"]')).to_be_visible(timeout=60_000)
    expect(page.locator('select[name="county_code"]')).to_have_value(TIANHE, timeout=60_000)
    expect(page.locator('select[name="prefecture_code"]')).to_have_value("440100", timeout=60_000)
    expect(page.locator('input[name="detail"]')).to_have_value("体育西路123号", timeout=60_000)
    expect(page.locator('input[name="recipient"]')).to_have_value("张三", timeout=60_000)
    expect(page.locator('input[name="phone"]')).to_have_value("13912345678", timeout=60_000)
    options = page.locator('[data-testid="shipping-options"]')
    expect(options).to_contain_text("¥18.00", timeout=60_000)
    expect(options).to_contain_text("2", timeout=60_000)
    expect(page.locator('[data-testid="home-fee"]')).to_contain_text("¥18.00", timeout=60_000)
    expect(page.locator('[data-testid="promised-days"]')).to_be_visible(timeout=60_000)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "nationwide-checkout-360.png", full_page=True)

    htmx_idle(page)
    page.locator('label.choice:has(input[value="sandbox"])').click()
    htmx_idle(page)
    page.locator('[data-testid="place-order"]').click()
    order = Order.objects.get(buyer=buyer)
    expect(page).to_have_url(
        f"{base}/pay/sandbox/{order.payment_number}/?next=%2Forders%2F{order.pk}%2F"
    )
    page.locator('button[value="approve"]').click()

    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "paid")
    expect(page.locator('[data-testid="order-promised-days"]')).to_contain_text("2", timeout=60_000)
    expect(page.locator('[data-testid="order-promised-days"]')).to_contain_text("3", timeout=60_000)
    expect(page.locator(".address")).to_contain_text("广东省广州市天河区", timeout=60_000)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "nationwide-order-360.png", full_page=True)
    order.refresh_from_db()
    assert (order.county_code, order.delivery_fee, order.total) == (
        TIANHE,
        Decimal("18.00"),
        Decimal("86.00"),
    )
    assert problems == []


def test_chilled_pork_to_urumqi_is_refused_with_the_reason(
    live_server: Any, phone: Any, market: Market, make_user: Any
) -> None:
    page = phone
    buyer = make_user(name="李四")
    pork = VariantFactory(
        product=ProductFactory(
            seller=market.honey_shop,
            name="丹寨黑毛猪鲜肉",
            is_fresh=True,
            needs_cold_chain=True,
            keeps_days=3,
        ),
        price=Decimal("42.00"),
        net_weight_g=500,
    )
    farm = inventory.location_for_seller(seller_id=market.honey_shop.pk)
    inventory.stock_receive(
        actor=UserFactory(is_superuser=True), variant_id=pork.pk, location_id=farm.pk, quantity=5
    )
    orders.cart_add(cart=orders.cart_for(user=buyer), variant_id=pork.pk, quantity=1)
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)

    page.goto(f"{base}/cart/checkout/")
    page.locator('label.choice:has(input[value="home"])').click()
    # The divisions one after another, each narrowing the next (htmx swaps the form).
    htmx_idle(page)
    page.locator('select[name="province_code"]').select_option("650000")
    expect(page.locator('select[name="prefecture_code"] option[value="650100"]')).to_be_attached(
        timeout=60_000
    )
    htmx_idle(page)
    page.locator('select[name="prefecture_code"]').select_option("650100")
    expect(page.locator(f'select[name="county_code"] option[value="{URUMQI}"]')).to_be_attached(
        timeout=60_000
    )
    htmx_idle(page)
    page.locator('select[name="county_code"]').select_option(URUMQI)

    refusal = page.locator('[data-testid="shipping-refusal"]')
    expect(refusal).to_be_visible(timeout=60_000)
    expect(refusal).to_contain_text("丹寨黑毛猪鲜肉", timeout=60_000)
    expect(page.locator('input[name="service"]')).to_have_count(0)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "nationwide-fresh-refused-360.png", full_page=True)

    page.locator('input[name="detail"]').fill("人民路1号")
    htmx_idle(page)
    page.locator('label.choice:has(input[value="sandbox"])').click()
    htmx_idle(page)
    page.locator('[data-testid="place-order"]').click()
    expect(page.locator(".form-errors")).to_contain_text("丹寨黑毛猪鲜肉", timeout=60_000)
    assert not Order.objects.filter(buyer=buyer).exists()
