"""A buyer scans the QR code on a demo lot's label: in Chromium at phone size the Digital Link
opens the public trace page with the lot's whole journey, from harvest to delivery."""

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR
from xiangcun.accounts.services import demo_users_ensure, roles_sync
from xiangcun.catalog.services import catalog_demo_load
from xiangcun.regions.services import danzhai_demo_load
from xiangcun.sellers.services import sellers_demo_load
from xiangcun.traceability.selectors import lot_digital_link
from xiangcun.traceability.services import traceability_demo_load

from .conftest import PASSWORD


def test_the_qr_link_of_a_demo_lot_opens_its_whole_journey(
    transactional_db: Any, live_server: Any, phone_page: Any
) -> None:
    danzhai_demo_load()
    roles_sync()
    demo_users_ensure(password=PASSWORD)
    sellers = sellers_demo_load()
    catalog_demo_load(sellers=sellers)
    lots = traceability_demo_load()
    blueberries = next(lot for lot in lots if lot.product.name == "丹寨高山蓝莓")
    # The label's QR code holds the Digital Link on our resolver host; here that host is the
    # live server.
    link = urlsplit(lot_digital_link(lot=blueberries))
    phone_page.goto(f"{live_server.url}{link.path}?s=qr")

    expect(phone_page.locator("h1")).to_contain_text("丹寨高山蓝莓")
    steps = phone_page.locator('[data-testid="journey"] li')
    expect(steps).to_have_count(6)
    journey = phone_page.locator('[data-testid="journey"]').inner_text()
    for word in ("县", "仓"):
        assert word in journey
    expect(phone_page.get_by_text(blueberries.code).first).to_be_visible()
    expect(phone_page.get_by_text("农药残留快速检测").first).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(path=str(SCREENSHOT_DIR / "trace-360.png"), full_page=True)
