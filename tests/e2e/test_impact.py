"""The impact dashboard in a real browser at phone size (360 x 740): the programme manager logs
in, opens Impact from the navigation, sees the headline figures against the targets with their
progress bars and every chart drawn (ECharts, from our own static files) beside its table,
drills down from the county to a township and a village, and nothing is wider than the phone.
The public summary opens without logging in."""

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.impact.test_pages import world
from xiangcun.accounts.types import Role

CHARTS = ("ways", "areas", "reach", "sales", "people", "money")


def charts_drawn(page: Any) -> None:
    """Every chart box on the page holds a drawing (ECharts' SVG) and its table is there."""
    for key in CHARTS:
        box = page.locator(f'[data-chart="{key}"]')
        expect(box.locator("svg").first).to_be_attached()
        size = box.bounding_box()
        assert size is not None
        assert size["height"] > 100
        assert size["width"] <= 360
    assert page.locator('[data-testid="table-ways"] tbody tr').count() == 5


@pytest.fixture
def county(transactional_db: Any) -> Any:
    return world()


def test_the_programme_manager_reads_the_dashboard_on_a_phone(
    phone_page: Any, live_server: Any, make_user: Any, county: Any
) -> None:
    page, base = phone_page, live_server.url
    manager = make_user(Role.PROGRAMME_MANAGER, name="Song")
    # Scripts refused by the page's policy would show here.
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, manager.phone, PASSWORD)

    page.locator('.site-nav a[data-nav="impact"]').click()
    expect(page).to_have_url(re.compile(r"/impact/$"))
    page.goto(f"{base}/impact/?from=2026-03-01&to=2026-03-31")
    expect(page.locator('[data-testid="target-residents"] progress')).to_have_attribute(
        "value", "4"
    )
    expect(page.locator('[data-testid="target-jobs"] progress')).to_have_attribute("max", "2000")
    expect(page.locator('[data-figure="residents_reached"]')).to_have_text("3")
    charts_drawn(page)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "impact-dashboard-360.png", full_page=True)

    # Drill down: the county's first township, then its first village.
    page.locator(f'[data-testid="table-areas"] a[data-area="{county.t1.code}"]').click()
    expect(page).to_have_url(re.compile(rf"township={county.t1.code}"))
    expect(page.locator('[data-testid="drill"] a').first).to_be_visible()
    expect(page.locator('[data-figure="residents_reached"]')).to_have_text("2")
    charts_drawn(page)
    page.locator(f'[data-testid="table-areas"] a[data-area="{county.v1.code}"]').click()
    expect(page).to_have_url(re.compile(rf"village={county.v1.code}"))
    expect(page.locator('[data-testid="drill"] [aria-current="page"]')).to_have_text("卡拉村")
    expect(page.locator('[data-figure="residents_reached"]')).to_have_text("1")
    fits_the_phone(page)

    # Back up to the county by the first crumb; the period is kept.
    page.locator('[data-testid="drill"] a').first.click()
    expect(page).to_have_url(re.compile(r"from=2026-03-01"))
    expect(page.locator('[data-figure="residents_reached"]')).to_have_text("3")
    assert errors == []


def test_the_dashboard_fills_a_projector(
    browser: Any, live_server: Any, make_user: Any, county: Any
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    manager = make_user(Role.PROGRAMME_MANAGER, name="Song")
    log_in(page, live_server.url, manager.phone, PASSWORD)
    page.goto(f"{live_server.url}/impact/?from=2026-03-01&to=2026-03-31")
    box = page.locator('[data-chart="sales"]')
    expect(box.locator("svg").first).to_be_attached()
    table = page.locator('[data-testid="table-sales"]')
    chart_box, table_box = box.bounding_box(), table.bounding_box()
    assert chart_box is not None
    assert table_box is not None
    # Side by side: the table beside the chart, not under it.
    assert table_box["x"] > chart_box["x"] + chart_box["width"] - 1
    assert chart_box["width"] > 700
    context.close()


def test_the_public_summary_opens_without_logging_in(
    phone_page: Any, live_server: Any, county: Any
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/impact/public/?from=2026-03-01&to=2026-03-31")
    with translation.override("zh-hans"):
        fewer = gettext("fewer than 5")
    expect(page.locator('[data-figure="residents_reached"]')).to_have_text(fewer)
    expect(page.locator("main")).not_to_contain_text("王大福")
    fits_the_phone(page)
