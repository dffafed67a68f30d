"""Logistics back office in a real browser at phone size (360 x 740): a seller asks for a farm
pickup and sees it listed; the warehouse manager adds a van to the fleet."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.logistics.conftest import PASSWORD, marketplace_load
from xiangcun.logistics.models import FarmPickup, Vehicle


@pytest.fixture
def market(transactional_db: Any, working_morning: None) -> None:
    marketplace_load()


def test_seller_asks_for_a_farm_pickup_and_warehouse_adds_a_van(
    phone_page: Any, live_server: Any, market: None
) -> None:
    page, base = phone_page, live_server.url

    # The seller asks for a pickup from the phone: only what the form cannot guess is typed.
    log_in(page, base, "13800000003", PASSWORD)
    page.goto(f"{base}/logistics/pickups/")
    expect(page.locator(".empty")).to_be_visible()
    page.locator('[data-testid="new-pickup"]').click()
    form = page.locator('[data-testid="pickup-form"]')
    expect(form).to_be_visible()
    assert form.locator('input[name="contact_phone"]').get_attribute("inputmode") == "tel"
    form.locator('input[name="window_start"]').fill("10:00")
    form.locator('input[name="window_end"]').fill("12:30")
    form.locator('input[name="expected_kg"]').fill("180")
    form.locator('input[name="crates"]').fill("12")
    form.locator('input[name="place"]').fill("蓝莓基地大门口")
    form.locator('input[name="contact_phone"]').fill("13912345678")
    form.locator('input[name="needs_cold_chain"]').check()
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-pickup-form-360.png", full_page=True)
    form.locator('[data-testid="request-pickup"]').click()

    expect(page).to_have_url(f"{base}/logistics/pickups/")
    pickup = page.locator('[data-testid="pickup"]')
    expect(pickup).to_have_count(1)
    expect(pickup).to_contain_text("蓝莓基地大门口")
    expect(pickup).to_contain_text("10:00\u201312:30")
    expect(pickup.locator('[data-testid="cancel-pickup"]')).to_be_visible()
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-pickups-360.png", full_page=True)
    stored = FarmPickup.objects.get()
    assert (stored.expected_kg, stored.crates, stored.needs_cold_chain) == (180, 12, True)
    assert stored.latitude is not None  # placed at the farm's village

    # The warehouse manager opens Logistics from the tab bar, then the fleet, and adds a van.
    log_in(page, base, "13800000005", PASSWORD)
    page.locator('a[data-nav="logistics"]').click()
    expect(page).to_have_url(f"{base}/logistics/")
    page.locator('a.cell[href="/logistics/fleet/"]').click()
    expect(page).to_have_url(f"{base}/logistics/fleet/")
    add = page.locator('[data-testid="add-van"]')
    add.locator('input[name="plate"]').fill("贵H·E2E01")
    add.locator('input[name="name"]').fill("小型冷藏车")
    add.locator('input[name="capacity_kg"]').fill("700")
    add.locator('input[name="capacity_crates"]').fill("35")
    add.locator('input[name="cost_per_km"]').fill("1.90")
    add.locator('input[name="cold_chain"]').check()
    fits_the_phone(page)
    add.locator('button[type="submit"]').click()

    van = page.locator('[data-testid="van"][data-plate="贵H·E2E01"]')
    expect(van).to_be_visible()
    expect(van).to_contain_text("700")
    expect(van).to_contain_text("¥1.90")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "logistics-fleet-360.png", full_page=True)
    vehicle = Vehicle.objects.get(plate="贵H·E2E01")
    assert (vehicle.capacity_kg, vehicle.cold_chain) == (700, True)
