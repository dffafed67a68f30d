"""The counter console offline, in real Chromium: an agent with an open drawer loads the counter
once online (the service worker keeps the page, its files and the station's catalogue
snapshot), the network goes, three cash orders are taken by searching the snapshot in pinyin,
the page is closed and opened again still offline (served by the worker), the network comes
back and exactly three orders and three cash postings are made; replaying the same queue
changes nothing.

Offline is Chromium's own network emulation (context.set_offline): the reopened page proves it
came from the worker's copy, since the copy is the page kept without the resident (the live
page for that address names them)."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.e2e.phone import SCREENSHOT_DIR, log_in
from tests.regions.factories import StationFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock
from xiangcun.catalog.models import Product, Variant
from xiangcun.catalog.services import products_reindex
from xiangcun.ledger.models import JournalEntry
from xiangcun.orders.models import Order
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import AssistedOrder, DrawerMovement

GOODS = [("丹寨大米", "12.50", "dami"), ("土蜂蜜", "45.00", "fengmi"), ("蓝莓果酱", "18.00", "lm")]


@pytest.fixture
def shop(transactional_db: Any) -> dict[str, Any]:
    station = StationFactory(name="高要村服务站")
    agent = agent_at(station, name="代办员 王")
    resident = consented_resident(station, agent, name="杨奶奶")
    variants: list[Variant] = []
    for name, price, _typed in GOODS:
        variant = goods_in_stock(price=Decimal(price), on_hand=30)
        Product.objects.filter(pk=variant.product_id).update(name=name)
        Variant.objects.filter(pk=variant.pk).update(name="1袋")
        variants.append(variant)
    products_reindex(product_ids=[variant.product_id for variant in variants])
    services.drawer_open(actor=agent, float_amount=Decimal("200.00"))
    return {"station": station, "agent": agent, "resident": resident, "variants": variants}


def counts(shop: dict[str, Any]) -> tuple[int, int, int, int]:
    agent = shop["agent"]
    return (
        AssistedOrder.objects.filter(agent=agent).count(),
        Order.objects.filter(placed_by=agent).count(),
        DrawerMovement.objects.filter(
            drawer__agent=agent, kind=DrawerMovement.Kind.ORDER_CASH
        ).count(),
        JournalEntry.objects.filter(kind="cash_collected").count(),
    )


def take_order(page: Any, typed: str, variant: Variant) -> None:
    page.locator('[data-testid="goods-q"]').fill(typed)
    add = page.locator(f'[data-testid="add-{variant.pk}"]')
    expect(add).to_be_visible()
    add.click()
    expect(page.locator('[data-testid="cart"] li')).to_have_count(1)
    page.locator('input[name="payment"][value="cash"]').check()
    page.locator('[data-testid="place"]').click()
    expect(page.locator('[data-testid="cart"] li')).to_contain_text(
        page.locator("[data-counter]").get_attribute("data-text-cart-empty")
    )


def test_three_cash_orders_taken_offline_are_placed_once(
    browser: Any, live_server: Any, shop: dict[str, Any]
) -> None:
    assert live_server.url.startswith("http://localhost")  # a secure context: workers allowed
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="zh-CN", service_workers="allow"
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    log_in(page, base, shop["agent"].phone, PASSWORD)
    url = f"{base}/servicecenter/counter/?resident={shop['resident'].pk}"
    page.goto(url)
    root = page.locator("[data-counter]")
    expect(root).to_have_attribute("data-resident-id", str(shop["resident"].pk))
    # Online once: the worker keeps the page, its files and the snapshot with its photos.
    expect(root).to_have_attribute("data-offline-ready", "true", timeout=60_000)
    expect(page.locator('[data-testid="goods-results"] li')).to_have_count(3)
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-counter-1024.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-counter-360.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 768})

    context.set_offline(True)
    for (_name, _price, typed), variant in zip(GOODS, shop["variants"], strict=True):
        take_order(page, typed, variant)
    expect(page.locator('[data-testid="queue-waiting"] li')).to_have_count(3)
    status = page.locator('[data-testid="counter-status"]')
    waiting_text = root.get_attribute("data-text-waiting").replace("{count}", "3")
    expect(status).to_contain_text(waiting_text)
    assert counts(shop) == (0, 0, 0, 0)

    # Closed and opened again, still offline: the worker serves its copy of the page.
    page.close()
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    root = page.locator("[data-counter]")
    expect(page.locator('[data-testid="queue-waiting"] li')).to_have_count(3)
    assert root.get_attribute("data-resident-id") is None  # the kept copy, not the live page
    expect(page.locator('[data-testid="counter-resident"]')).to_contain_text("杨奶奶")
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-counter-offline.png", full_page=True)
    assert counts(shop) == (0, 0, 0, 0)

    # Back online: sent one at a time, each once.
    context.set_offline(False)
    expect(page.locator('[data-testid="queue-sent"] li')).to_have_count(3, timeout=60_000)
    expect(page.locator('[data-testid="queue-waiting"] li')).to_have_count(0)
    expect(status := page.locator('[data-testid="counter-status"]')).to_contain_text(
        root.get_attribute("data-text-all-sent")
    )
    assert counts(shop) == (3, 3, 3, 3)
    totals = sorted(str(order.total) for order in Order.objects.filter(placed_by=shop["agent"]))
    assert totals == ["12.50", "18.00", "45.00"]

    # The same queue again (as after a lost answer): the same keys and bodies, nothing new.
    replayed = page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("xc-counter", 1);
          open.onsuccess = () => {
            const tx = open.result.transaction("orders", "readwrite");
            const store = tx.objectStore("orders");
            const all = store.getAll();
            all.onsuccess = () => {
              all.result.forEach((entry) => {
                entry.state = "waiting";
                entry.result = null;
                store.put(entry);
              });
            };
            tx.oncomplete = () => resolve(all.result.length);
            tx.onerror = () => reject(tx.error);
          };
        })"""
    )
    assert replayed == 3
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator('[data-testid="queue-waiting"] li')).to_have_count(0, timeout=60_000)
    expect(page.locator('[data-testid="queue-sent"] li')).to_have_count(3)
    created = page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("xc-counter", 1);
          open.onsuccess = () => {
            const all = open.result.transaction("orders").objectStore("orders").getAll();
            all.onsuccess = () => resolve(all.result.map((entry) => entry.result.created));
          };
        })"""
    )
    assert created == [False, False, False]
    assert counts(shop) == (3, 3, 3, 3)
    assert not [text for text in problems if "Content Security Policy" in text]
    assert errors == []  # no script error on the live page or the kept copy
    context.close()


def test_prices_changed_while_offline_wait_for_the_agents_decision(
    browser: Any, live_server: Any, shop: dict[str, Any]
) -> None:
    rice, honey = shop["variants"][0], shop["variants"][1]
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, live_server.url, shop["agent"].phone, PASSWORD)
    # The agent finds the resident by name (the residents who consented at this station).
    page.goto(f"{live_server.url}/servicecenter/counter/")
    root = page.locator("[data-counter]")
    form = page.locator("[data-counter-resident-form]")
    form.locator('input[name="q"]').fill("杨奶奶")
    form.locator("button").click()
    page.locator("[data-counter-residents] button", has_text="杨奶奶").click()
    expect(page.locator('[data-testid="counter-resident"]')).to_contain_text("杨奶奶")
    assert f"resident={shop['resident'].pk}" in page.url
    expect(root).to_have_attribute("data-offline-ready", "true", timeout=60_000)

    context.set_offline(True)
    take_order(page, "dami", rice)
    take_order(page, "tfm", honey)
    expect(page.locator('[data-testid="queue-waiting"] li')).to_have_count(2)
    # While the station was offline, both prices went up.
    Variant.objects.filter(pk=rice.pk).update(price=Decimal("13.00"))
    Variant.objects.filter(pk=honey.pk).update(price=Decimal("48.00"))
    context.set_offline(False)

    decide = page.locator('[data-testid="queue-decide"] > li')
    expect(decide).to_have_count(2, timeout=60_000)
    expect(decide.first).to_contain_text("13.00")
    expect(decide.first).to_contain_text("12.50")
    assert counts(shop) == (0, 0, 0, 0)  # nothing placed, nothing repriced on its own
    fits = page.evaluate("document.documentElement.scrollWidth")
    assert fits <= 360
    page.screenshot(path=SCREENSHOT_DIR / "servicecenter-counter-decide-360.png", full_page=True)

    # The resident agrees to the rice at ¥13.00: sent again (a new key), placed at that price.
    decide.first.locator("button", has_text=root.get_attribute("data-text-accept")).click()
    expect(page.locator('[data-testid="queue-sent"] li')).to_have_count(1, timeout=60_000)
    # The honey is dropped: the screen says what to tell the resident.
    decide = page.locator('[data-testid="queue-decide"] > li')
    expect(decide).to_have_count(1)
    decide.first.locator("button", has_text=root.get_attribute("data-text-drop")).click()
    expect(page.locator("[data-counter-tell]")).to_contain_text("杨奶奶")
    expect(page.locator("[data-counter-tell]")).to_contain_text("45.00")
    expect(page.locator('[data-testid="queue-decide"] > li')).to_have_count(0)

    orders = list(Order.objects.filter(placed_by=shop["agent"]))
    assert [str(order.total) for order in orders] == ["13.00"]
    assert counts(shop) == (1, 1, 1, 1)
    context.close()
