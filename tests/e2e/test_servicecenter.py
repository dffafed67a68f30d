"""A day at a station in a real browser, at phone size (360 px) and on the counter screen
(1024 px): the agent opens the desk from the nav, finds a resident who has no phone, opens the
drawer with a float, an order is placed for the resident with cash (through the service, as the
counter console would), the receipt shows it in large type, the agent closes the shift one yuan
short with the reason, and sees the commission page."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.regions.factories import StationFactory, VillageFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import Drawer

from .conftest import PASSWORD


@pytest.fixture
def phone(phone_page: Any) -> Any:
    """The phone page, patient: the live server shares a busy machine in CI (60 s)."""
    phone_page.set_default_timeout(60_000)
    phone_page.set_default_navigation_timeout(60_000)
    return phone_page


@pytest.fixture
def counter_screen(browser: Any) -> Any:
    """The counter's screen: 1024 px wide, in English."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()


def fits_the_screen(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_agent_finds_resident_without_phone_takes_cash_closes_short_sees_commission(
    live_server: Any, phone: Any, counter_screen: Any, make_user: Any
) -> None:
    page, base = phone, live_server.url
    station = StationFactory(village=VillageFactory(), name="排调站")
    agent = agent_at(station, name="Li Na")
    resident = consented_resident(station, agent, name="杨奶奶")
    assert resident.phone == ""
    variant = goods_in_stock()  # ¥12.50

    # The desk opens from the nav.
    log_in(page, base, agent.phone, PASSWORD)
    page.locator('a[data-nav="service_desk"]').click()
    expect(page).to_have_url(f"{base}/servicecenter/")
    expect(page.locator('[data-testid="station"]')).to_contain_text("排调站")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-desk-360.png", full_page=True)

    # Find the resident by name: no phone, found all the same.
    page.locator('[data-testid="find-resident"]').click()
    page.locator('input[name="q"]').fill("杨奶奶")
    page.locator('main form button[type="submit"]').click()
    found = page.locator('[data-testid="found"] a')
    expect(found).to_have_count(1)
    found.click()
    expect(page.locator("main h1")).to_have_text("杨奶奶")
    expect(page.locator('[data-testid="order-for"]')).to_be_visible()
    fits_the_phone(page)

    # Open the drawer with a float of ¥100.
    page.goto(f"{base}/servicecenter/drawer/")
    page.locator('input[name="float_amount"]').fill("100")
    page.locator('[data-testid="open-form"] button[type="submit"]').click()
    expect(page.locator('[data-testid="expected"]')).to_contain_text("100.00")
    fits_the_phone(page)

    # The order, cash now (as the counter console sends it): two at ¥12.50.
    placed = services.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(variant.pk, 2)],
        payment_method="cash",
        idempotency_key="e2e-desk-1",
        station_id=station.pk,
    )
    order = placed.order
    page.goto(f"{base}/servicecenter/orders/{order.pk}/receipt/")
    expect(page.locator('[data-testid="number"]')).to_have_text(order.number)
    expect(page.locator('[data-testid="total"]')).to_contain_text("25.00")
    fits_the_phone(page)
    # The order number stays on one line, even on the phone.
    number_box = page.locator('[data-testid="number"]').bounding_box()
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=number]')).lineHeight)"
    )
    assert number_box is not None
    assert number_box["height"] <= line_height * 1.5
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-receipt-360.png", full_page=True)

    # The drawer should now hold ¥125; the agent counts ¥124 and says why.
    page.goto(f"{base}/servicecenter/drawer/")
    expect(page.locator('[data-testid="expected"]')).to_contain_text("125.00")
    close = page.locator('[data-testid="close-form"]')
    close.locator('input[name="n_100"]').fill("1")
    close.locator('input[name="n_20"]').fill("1")
    close.locator('input[name="n_1"]').fill("4")
    close.locator('input[name="reason"]').fill("少了一元，找错零钱")
    fits_the_phone(page)
    close.locator('button[type="submit"]').click()
    expect(page.locator('[data-testid="variance"]')).to_contain_text("1.00")
    drawer = Drawer.objects.get(agent=agent)
    assert drawer.status == Drawer.Status.CLOSED
    assert drawer.counted == Decimal("124.00")
    assert drawer.variance == Decimal("-1.00")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-drawer-closed-360.png", full_page=True)

    # The commission page.
    page.goto(f"{base}/servicecenter/commission/")
    expect(page.locator('[data-testid="balance"]')).to_be_visible()
    fits_the_phone(page)

    # The counter screen: the desk in two columns and the receipt, nothing wider than 1024 px.
    screen = counter_screen
    log_in(screen, base, agent.phone, PASSWORD)
    screen.goto(f"{base}/servicecenter/")
    expect(screen.locator('[data-testid="orders"]')).to_contain_text(order.number)
    fits_the_screen(screen, 1024)
    screen.screenshot(path=SCREENSHOT_DIR / "servicecenter-desk-1024.png", full_page=True)
    screen.goto(f"{base}/servicecenter/orders/{order.pk}/receipt/")
    expect(screen.locator('[data-testid="number"]')).to_have_text(order.number)
    fits_the_screen(screen, 1024)
