"""Logistics in a real browser at phone size (360 x 740): the driver opens today's route and
sees the stops; the station agent hands a parcel over by its pickup code; the buyer opens the
order and sees the parcel's timeline."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, htmx_idle, log_in
from tests.logistics.conftest import PASSWORD, marketplace_load
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel
from xiangcun.logistics.types import LogisticsDemoResult


@pytest.fixture
def demo(transactional_db: Any, settings: Any, working_morning: None) -> LogisticsDemoResult:
    settings.LOGISTICS_PLANNER_SECONDS = 0.5
    marketplace_load()
    return services.logistics_demo_load(password=PASSWORD)


def test_driver_route_station_hand_over_and_buyer_timeline(
    phone_page: Any, live_server: Any, demo: LogisticsDemoResult
) -> None:
    page, base = phone_page, live_server.url

    # The driver opens today's route from the nav.
    log_in(page, base, "13800000007", PASSWORD)
    page.locator('a[data-nav="logistics"]').click()
    expect(page).to_have_url(f"{base}/logistics/route/")
    # (English until the lead adds the zh-Hans translations of the new strings.)
    expect(page.locator('[data-testid="route-summary"]')).to_contain_text("贵H·D1001")
    stops = page.locator('[data-testid="stop"]')
    expect(stops.first).to_be_visible()
    assert stops.count() >= 2
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-driver-route-360.png", full_page=True)

    # The station agent hands a parcel over by its pickup code.
    item = demo.codes[0]
    parcel = Parcel.objects.get(task__order__number=item.order_number)
    log_in(page, base, "13800000004", PASSWORD)
    page.goto(f"{base}/logistics/handover/")
    code_box = page.locator('input[name="code"]')
    assert code_box.get_attribute("inputmode") == "numeric"
    code_box.fill(item.code)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-handover-360.png", full_page=True)
    page.locator('[data-testid="find-parcel"]').click()
    expect(page.locator('[data-testid="found-parcel"]')).to_contain_text(parcel.recipient)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-handover-found-360.png", full_page=True)
    page.locator('[data-testid="confirm-handover"]').click()
    expect(page.locator('[data-testid="handover-done"]')).to_be_visible()
    parcel.refresh_from_db()
    assert parcel.status == "collected"

    # The buyer sees the parcel's timeline on the order page.
    log_in(page, base, "13800000001", PASSWORD)
    page.goto(f"{base}/orders/{parcel.order_id}/")
    timeline = page.locator('[data-testid="parcel-timeline"]')
    expect(timeline).to_be_visible()
    expect(timeline.locator(".timeline-event")).to_have_count(3)
    expect(timeline.locator('.timeline-event[data-status="collected"]')).to_be_visible()
    fits_the_phone(page)
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "logistics-buyer-timeline-360.png", full_page=True)


def test_a_tap_on_the_route_updates_that_stop_in_place(
    phone_page: Any, live_server: Any, demo: LogisticsDemoResult
) -> None:
    """Issue 17: the route page jumped back to the top after every tap. Now the stop tapped is
    updated in place (htmx) and the page stays where the driver's thumb was."""
    page, base = phone_page, live_server.url
    log_in(page, base, "13800000007", PASSWORD)
    page.goto(f"{base}/logistics/route/")
    stops = page.locator('[data-testid="stop"]')
    target = stops.filter(has=page.locator('[data-testid="arrive"]')).last
    target.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 40)")
    htmx_idle(page)
    before = page.evaluate("window.scrollY")
    assert before > 200  # a stop down the list, not the top of the page
    stop_id = target.get_attribute("id")
    page.evaluate("window.keptPage = true")  # gone if the page were loaded again
    target.locator('[data-testid="arrive"]').click()
    expect(page.locator(f"#{stop_id}")).to_have_attribute("data-status", "arrived")
    htmx_idle(page)
    assert page.evaluate("window.keptPage") is True
    assert abs(page.evaluate("window.scrollY") - before) < 80
    expect(page.locator("#messages .message")).to_have_count(1)
    fits_the_phone(page)
