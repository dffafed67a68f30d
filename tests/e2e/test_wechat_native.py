"""WeChat Pay on a computer in a real browser: the buyer checks out with WeChat Pay, the order
page shows the QR code with the amount, and once WeChat Pay (a local fake speaking its API v3)
says the money came, the page's polling turns it to paid by itself."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, log_in
from tests.payments.wechat_fake import FakeWechatPay, WechatKeys
from tests.payments.wechat_signin_fake import FakeWechatSignin, use_fakes
from tests.storefront.market import Market, market_build
from xiangcun.orders.models import Order
from xiangcun.regions.models import Station
from xiangcun.regions.services import station_create

from .conftest import PASSWORD

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


@pytest.fixture
def market(transactional_db: Any) -> Market:
    return market_build()


@pytest.fixture
def county_shop(market: Market) -> Station:
    return station_create(
        kind="service_centre",
        code="SC-DANZHAI",
        name="丹寨县电商服务中心",
        township_id=market.village.township_id,
        address_detail="龙泉镇东湖路1号",
    )


@pytest.fixture
def wechat_pay(settings: Any) -> Iterator[FakeWechatPay]:
    fake = FakeWechatPay(WechatKeys.generate()).start()
    use_fakes(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def desktop_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", user_agent=CHROME_WINDOWS
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_desktop_buyer_scans_the_qr_code_and_the_page_turns_to_paid_by_itself(
    live_server: Any,
    desktop_page: Any,
    market: Market,
    county_shop: Station,
    wechat_pay: FakeWechatPay,
    make_user: Any,
) -> None:
    page = desktop_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # The page's CSP refuses inline scripts: a violation would show up here.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    buyer = make_user(name="张大姐")
    base = live_server.url
    log_in(page, base, buyer.phone, PASSWORD)
    page.goto(f"{base}/shop/p/{market.honey.pk}/")
    page.locator('form.add-to-cart [data-testid="add-to-cart"]').first.click()
    expect(page).to_have_url(f"{base}/cart/")

    page.locator('[data-testid="checkout"]').click()
    page.locator('label.choice:has(input[value="shop_pickup"])').click()
    page.locator('label.choice:has(input[value="wechat"])').click()
    page.locator('[data-testid="place-order"]').click()

    order = Order.objects.get(buyer=buyer)
    expect(page).to_have_url(f"{base}/orders/{order.pk}/")
    qr = page.locator('[data-testid="wechat-qr"]')
    expect(qr.locator("svg")).to_be_visible()
    expect(qr).to_contain_text("¥68.00")
    box = qr.locator("svg").bounding_box()
    assert box is not None
    assert box["width"] >= 150  # big enough to scan off a screen
    status = page.locator('[data-testid="payment-status"]')
    expect(status).to_have_attribute("data-state", "waiting")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "pending_payment")
    page.screenshot(path=SCREENSHOT_DIR / "wechat-native-qr-1280.png", full_page=True)
    assert wechat_pay.orders[order.payment_number].trade_type == "NATIVE"

    # The buyer scans and pays on their phone; WeChat Pay's notification never comes.
    wechat_pay.pay(order.payment_number)

    expect(page.locator(".order-status")).to_have_attribute("data-status", "paid", timeout=15_000)
    expect(qr).to_have_count(0)
    page.screenshot(path=SCREENSHOT_DIR / "wechat-native-paid-1280.png", full_page=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert problems == []


WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
# WeChat's JavaScript bridge as its browser provides it: records what the page asks for and
# answers as if the buyer paid. Playwright injects it before the page's own scripts, outside
# the page's CSP.
FAKE_BRIDGE = """
window.WeixinJSBridge = {
  invoke: function (name, params, callback) {
    window.reportWechatCall(name, params);
    setTimeout(function () { callback({err_msg: "get_brand_wcpay_request:ok"}); }, 200);
  }
};
"""


def test_inside_wechat_the_page_opens_wechats_payment_sheet_then_shows_the_order(
    live_server: Any,
    browser: Any,
    market: Market,
    county_shop: Station,
    wechat_pay: FakeWechatPay,
    settings: Any,
    make_user: Any,
) -> None:
    signin = FakeWechatSignin(appid=wechat_pay.keys.appid).start()
    use_fakes(settings, wechat_pay, signin)
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_ANDROID,
    )
    context.set_default_timeout(10_000)
    calls: list[tuple[str, dict[str, str]]] = []
    context.expose_binding(
        "reportWechatCall", lambda _source, name, params: calls.append((name, params))
    )
    context.add_init_script(FAKE_BRIDGE)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        buyer = make_user(name="张大姐")
        base = live_server.url
        log_in(page, base, buyer.phone, PASSWORD)
        page.goto(f"{base}/shop/p/{market.honey.pk}/")
        page.locator('form.add-to-cart [data-testid="add-to-cart"]').first.click()
        # Checkout goes through WeChat's sign-in (the fake) and comes straight back (the
        # browser keeps the #wechat_redirect fragment through the redirects, as WeChat's does).
        page.locator('[data-testid="checkout"]').click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/cart/checkout/(#.*)?$"))
        assert len(signin.exchanges) == 1
        page.locator('label.choice:has(input[value="shop_pickup"])').click()
        page.locator('label.choice:has(input[value="wechat"])').click()
        page.locator('[data-testid="place-order"]').click()

        order = Order.objects.get(buyer=buyer)
        # The sheet "paid" and the page went on to the order, which asks WeChat Pay itself:
        # the fake has not been paid, so the order still waits.
        expect(page).to_have_url(f"{base}/orders/{order.pk}/")
        assert [name for name, _params in calls] == ["getBrandWCPayRequest"]
        placed = wechat_pay.orders[order.payment_number]
        assert calls[0][1]["package"] == f"prepay_id={placed.prepay_id}"
        assert placed.request["payer"]["openid"] == signin.openid
        expect(page.locator('[data-testid="payment-status"]')).to_have_attribute(
            "data-state", "waiting"
        )
        wechat_pay.pay(order.payment_number)
        expect(page.locator(".order-status")).to_have_attribute(
            "data-status", "paid", timeout=15_000
        )
        assert problems == []
    finally:
        context.close()
        signin.stop()
