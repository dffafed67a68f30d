"""The site shell in a real browser at phone size: log in per role, the nav each role sees,
log out, switch language; and the home page stays usable at 360 px."""

from typing import Any

from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, log_in
from xiangcun.accounts.types import Role

from .conftest import PASSWORD

ALL_WORKSPACE_KEYS = {
    "shop",
    "service_desk",
    "logistics",
    "loans",
    "jobs",
    "training",
    "impact",
    "brands",
}


def nav(page: Any, key: str) -> Any:
    return page.locator(f'.site-nav [data-nav="{key}"]')


def log_out(page: Any) -> None:
    page.locator(".account-bar form button").click()
    expect(page.locator(".account-bar")).to_have_count(0)
    expect(nav(page, "login")).to_be_visible()


def test_each_role_sees_its_own_workspaces_and_no_others(
    live_server: Any, phone_page: Any, make_user: Any
) -> None:
    # (person, their workspaces, whether the first one is still a placeholder page)
    cases = [
        (make_user(Role.SELLER, name="Wang Fang"), {"shop"}, False),
        (make_user(Role.AGENT, name="Li Na"), {"service_desk"}, False),
        (make_user(Role.DRIVER, name="Yang Wei"), {"logistics"}, False),
        (make_user(Role.RECRUITER, name="Huang Li"), {"jobs"}, False),
        (make_user(Role.PROGRAMME_MANAGER, name="Pan Lei"), {"impact"}, False),
        (make_user(Role.BRAND_MANAGER, name="Zhou Ya"), {"brands"}, True),
    ]
    page = phone_page
    for user, keys, placeholder in cases:
        log_in(page, live_server.url, user.phone, PASSWORD)
        expect(page.locator(".account-name")).to_contain_text(user.name)
        expect(nav(page, "home")).to_be_visible()
        for key in keys:
            expect(nav(page, key)).to_be_visible()
        for key in ALL_WORKSPACE_KEYS - keys:
            expect(nav(page, key)).to_have_count(0)
        expect(nav(page, "login")).to_have_count(0)
        # The workspace opens from the tab bar.
        nav(page, next(iter(keys))).click()
        expect(page.locator("main h1")).to_be_visible()
        # A placeholder lists what the workspace will hold; a built one is the app's own page.
        assert ("/workspace/" in page.url) is placeholder, page.url
        if placeholder:
            expect(page.locator(".tasks li").first).to_be_visible()
        log_out(page)


def test_language_switch_goes_to_english_and_back(live_server: Any, phone_page: Any) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator('.language-switch button[value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Danzhai rural e-commerce")
    expect(page.locator('.language-switch button[value="en"]')).to_have_attribute(
        "aria-pressed", "true"
    )

    page.locator('.language-switch button[value="zh-hans"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("丹寨农村电商")


def test_home_fits_a_360_pixel_phone_with_big_targets(live_server: Any, phone_page: Any) -> None:
    page = phone_page
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("load")

    # htmx came from our own origin and ran (no CSP violation, no console error).
    assert page.evaluate("typeof window.htmx") == "object"
    assert problems == []
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Body text of at least 16 px.
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 16
    # Every tab, language button and link cell is at least 44 px tall.
    for selector in (".site-nav a", ".language-switch button", ".cell"):
        items = page.locator(selector).all()
        assert items, selector
        for box in [item.bounding_box() for item in items]:
            assert box is not None
            assert box["height"] >= 44, selector
            assert box["width"] >= 44, selector
    # The tab bar sits at the bottom of the screen.
    tab_bar = page.locator(".site-nav").bounding_box()
    assert tab_bar is not None
    assert tab_bar["y"] + tab_bar["height"] == 740
    # For a person to look at: what the phone shows first, and the whole page.
    page.screenshot(path=SCREENSHOT_DIR / "home-360.png")
    page.screenshot(path=SCREENSHOT_DIR / "home-360-full.png", full_page=True)


def test_wide_screen_shows_the_nav_under_the_header(live_server: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    header = page.locator(".site-header").bounding_box()
    tab_bar = page.locator(".site-nav").bounding_box()
    assert header is not None
    assert tab_bar is not None
    assert tab_bar["y"] == header["y"] + header["height"]
    context.close()
