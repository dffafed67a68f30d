"""Paying with WeChat from where the buyer is: a QR code on a computer (Native), WeChat's H5 page
in a phone browser, WeChat's payment sheet inside WeChat (JSAPI, after WeChat's sign-in gives
the buyer's openid). Against local fakes of WeChat Pay and of WeChat's sign-in."""

import base64
import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client

from tests.orders_pages.conftest import Shop
from tests.orders_pages.test_order_pages import EN, buyer_with_honey_in_cart, checkout_data
from tests.payments.wechat_fake import FakeWechatPay, WechatKeys
from tests.payments.wechat_signin_fake import OPENID, FakeWechatSignin, use_fakes
from xiangcun.orders.models import Order
from xiangcun.orders.views import wechat_channel_for
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.selectors import payment_get

# Real User-Agent strings, as the phones and computers of our buyers send them.
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
WECHAT_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
    "Language/zh_CN"
)
WECHAT_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) "
    "WindowsWechat(0x63090a13) UnifiedPCWindowsWechat(0xf254101e) XWEB/16389"
)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
HUAWEI_BROWSER = (
    "Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-AN00; HMSCore 6.13.0.302) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 "
    "Mobile Safari/537.36"
)
ANDROID_TABLET_CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
QQ_BROWSER_ANDROID = (
    "Mozilla/5.0 (Linux; U; Android 12; zh-cn; PEHM00 Build/SKQ1.210216.001) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 "
    "MQQBrowser/14.5 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "channel"),
    [
        (WECHAT_ANDROID, "jsapi"),
        (WECHAT_IPHONE, "jsapi"),
        (WECHAT_WINDOWS, "jsapi"),
        (CHROME_WINDOWS, "native"),
        (CHROME_MAC, "native"),
        (FIREFOX_LINUX, "native"),
        (SAFARI_IPHONE, "h5"),
        (HUAWEI_BROWSER, "h5"),
        (ANDROID_TABLET_CHROME, "h5"),
        (QQ_BROWSER_ANDROID, "h5"),
        ("", "native"),
    ],
)
def test_the_wechat_pay_channel_fits_where_the_buyer_is(user_agent: str, channel: str) -> None:
    assert wechat_channel_for(user_agent) == channel


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wechat_keys() -> WechatKeys:
    return WechatKeys.generate()


@pytest.fixture
def wechat_pay(wechat_keys: WechatKeys) -> Iterator[FakeWechatPay]:
    fake = FakeWechatPay(wechat_keys).start()
    yield fake
    fake.stop()


@pytest.fixture
def signin(wechat_keys: WechatKeys) -> Iterator[FakeWechatSignin]:
    fake = FakeWechatSignin(appid=wechat_keys.appid).start()
    yield fake
    fake.stop()


@pytest.fixture
def wechat(settings: Any, wechat_pay: FakeWechatPay, signin: FakeWechatSignin) -> FakeWechatPay:
    use_fakes(settings, wechat_pay, signin)
    return wechat_pay


def browser(user_agent: str) -> Client:
    return Client(headers={"User-Agent": user_agent, "Accept-Language": "en"})


def check_out_with_wechat(client: Client, shop: Shop) -> Any:
    data = checkout_data(client, delivery_method="shop_pickup", payment_method="wechat")
    return client.post("/cart/checkout/", data)


def qr_modules_in(svg: str) -> set[tuple[int, int]]:
    """The dark modules of a segno SVG QR code, from its path (`M x y`, then `h n` for a run
    of n dark modules and `m dx dy` moves), shifted so the symbol's corner is (0, 0)."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg)
    assert path, "the QR code is drawn as segno's one path"
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path.group(1)):
        values = [float(number) for number in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            dark.update((int(x) + step, int(y)) for step in range(int(values[0])))
            x += values[0]
    left = min(column for column, _row in dark)
    top = min(row for _column, row in dark)
    return {(column - left, row - top) for column, row in dark}


def qr_modules_of(data: str) -> set[tuple[int, int]]:
    matrix = segno.make_qr(data, error="m").matrix
    return {(x, y) for y, row in enumerate(matrix) for x, value in enumerate(row) if value}


def the_svg(html: str) -> str:
    match = re.search(r'<figure class="wechat-qr".*?(<svg.*?</svg>)', html, re.S)
    assert match, "the order page shows a QR code"
    return match.group(1)


def jsapi_params_in(html: str) -> dict[str, str]:
    match = re.search(
        r'<script id="wechat-jsapi-params" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "the JSAPI parameters are a JSON data block"
    return json.loads(match.group(1))


def sign_in_through_wechat(client: Client, signin: FakeWechatSignin, page: str) -> Any:
    """Open `page` inside WeChat: our sign-in, WeChat's authorize page, back with the code."""
    first = client.get(page)
    assert first.status_code == 302
    assert first["Location"].startswith("/pay/wechat/signin/?")
    to_wechat = client.get(first["Location"])
    assert to_wechat["Location"].startswith(signin.authorize_url)
    back = urlsplit(signin.come_back_from(to_wechat["Location"]))
    return client.get(f"{back.path}?{back.query}", follow=True)


# --- a computer: Native, a QR code that the page polls ----------------------------------------


def test_desktop_checkout_shows_a_qr_code_of_wechats_code_url_and_flips_to_paid(
    shop: Shop, wechat: FakeWechatPay
) -> None:
    client = browser(CHROME_WINDOWS)
    buyer_with_honey_in_cart(client, shop)

    response = check_out_with_wechat(client, shop)

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert wechat.orders[order.payment_number].trade_type == "NATIVE"
    code_url = payment_get(number=order.payment_number).client_data["code_url"]
    assert code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert qr_modules_in(the_svg(page)) == qr_modules_of(code_url)
    assert "Scan with WeChat to pay ¥68.00." in page
    assert 'data-testid="pay"' not in page
    assert 'hx-trigger="every 3s"' in page

    polled = client.get(f"/orders/{order.pk}/payment/", headers={"HX-Request": "true"})
    assert 'data-state="waiting"' in polled.content.decode()
    assert 'hx-trigger="every 3s"' in polled.content.decode()
    assert "HX-Refresh" not in polled

    wechat.pay(order.payment_number)
    polled = client.get(f"/orders/{order.pk}/payment/", headers={"HX-Request": "true"})

    fragment = polled.content.decode()
    assert 'data-state="paid"' in fragment
    assert "Paid. Thank you!" in fragment
    assert "hx-trigger" not in fragment
    assert polled["HX-Refresh"] == "true"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert (
        "Paid. The shop is getting your order ready."
        in client.get(f"/orders/{order.pk}/").content.decode()
    )


def test_the_order_page_waits_when_wechat_pay_does_not_answer(
    shop: Shop, wechat: FakeWechatPay
) -> None:
    client = browser(CHROME_MAC)
    buyer_with_honey_in_cart(client, shop)
    check_out_with_wechat(client, shop)
    order = Order.objects.get()
    wechat.failures.extend([(500, "SYSTEM_ERROR", "系统错误")] * 2)

    page = client.get(f"/orders/{order.pk}/")
    polled = client.get(f"/orders/{order.pk}/payment/", headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert "Scan with WeChat" in page.content.decode()
    assert 'data-state="waiting"' in polled.content.decode()


def test_another_buyer_cannot_poll_an_order(shop: Shop, wechat: FakeWechatPay) -> None:
    client = browser(CHROME_WINDOWS)
    buyer_with_honey_in_cart(client, shop)
    check_out_with_wechat(client, shop)
    order = Order.objects.get()

    stranger = browser(CHROME_WINDOWS)
    stranger.force_login(shop.market.maker)

    assert stranger.get(f"/orders/{order.pk}/payment/").status_code == 404


# --- a phone browser: H5 ----------------------------------------------------------------------


def test_phone_browser_checkout_goes_to_wechats_h5_page_which_comes_back_to_the_order(
    shop: Shop, wechat: FakeWechatPay
) -> None:
    client = browser(SAFARI_IPHONE)
    buyer_with_honey_in_cart(client, shop)

    response = check_out_with_wechat(client, shop)

    order = Order.objects.get()
    placed = wechat.orders[order.payment_number]
    assert placed.trade_type == "MWEB"
    assert placed.request["scene_info"]["payer_client_ip"] == "127.0.0.1"
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb"
    )
    query = parse_qs(location.query)
    assert query["prepay_id"] == [placed.prepay_id]
    assert query["redirect_url"] == [f"http://testserver/orders/{order.pk}/"]


# --- inside WeChat: sign-in, then JSAPI -------------------------------------------------------


def test_checkout_inside_wechat_signs_in_through_wechat_and_ends_with_signed_jsapi_params(
    shop: Shop, wechat: FakeWechatPay, signin: FakeWechatSignin, wechat_keys: WechatKeys
) -> None:
    client = browser(WECHAT_ANDROID)
    buyer_with_honey_in_cart(client, shop)

    back = sign_in_through_wechat(client, signin, "/cart/checkout/")
    assert back.redirect_chain[-1] == ("/cart/checkout/", 302)
    assert back.status_code == 200
    response = check_out_with_wechat(client, shop)

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/pay/wechat/"
    placed = wechat.orders[order.payment_number]
    assert placed.trade_type == "JSAPI"
    assert placed.request["payer"] == {"openid": OPENID}
    page = client.get(response["Location"])
    html = page.content.decode()
    params = jsapi_params_in(html)
    assert params["appId"] == wechat_keys.appid
    assert params["package"] == f"prepay_id={placed.prepay_id}"
    assert params["signType"] == "RSA"
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    wechat_keys.merchant_key.public_key().verify(
        base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    # No inline script runs: the parameters are data, the code a static file, as the CSP wants.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert any("payments/wechat_jsapi.js" in tag for tag in scripts)
    script_src = re.search(r"script-src ([^;]*)", page["Content-Security-Policy"])
    assert script_src
    assert script_src.group(1).strip() == "'self'"

    # The sheet's callback sends the buyer to the order page, which asks WeChat Pay itself.
    assert 'data-state="waiting"' in client.get(f"/orders/{order.pk}/").content.decode()
    wechat.pay(order.payment_number, openid=OPENID)
    after = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Paid. The shop is getting your order ready." in after
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_wechat_refusing_the_signin_is_said_at_checkout_and_no_order_is_placed(
    shop: Shop, wechat: FakeWechatPay, signin: FakeWechatSignin
) -> None:
    signin.refuse_all = (40029, "invalid code")
    client = browser(WECHAT_IPHONE)
    buyer_with_honey_in_cart(client, shop)

    back = sign_in_through_wechat(client, signin, "/cart/checkout/")

    assert back.status_code == 200
    assert (
        "WeChat could not confirm your WeChat account (WeChat error 40029)."
        in html_lib.unescape(back.content.decode())
    )
    # Not sent round again by itself; the buyer can ask for it.
    again = client.get("/cart/checkout/")
    assert again.status_code == 200
    assert "/pay/wechat/signin/?next=%2Fcart%2Fcheckout%2F" in again.content.decode()
    refused = check_out_with_wechat(client, shop)
    assert refused.status_code == 200
    assert "WeChat has not confirmed your WeChat account yet." in html_lib.unescape(
        refused.content.decode()
    )
    assert not Order.objects.exists()
    assert not wechat.orders


def test_a_wrong_state_coming_back_from_wechat_is_refused(
    shop: Shop, wechat: FakeWechatPay, signin: FakeWechatSignin
) -> None:
    client = browser(WECHAT_ANDROID)
    buyer_with_honey_in_cart(client, shop)
    to_signin = client.get("/cart/checkout/")["Location"]
    to_wechat = client.get(to_signin)["Location"]
    back = urlsplit(signin.come_back_from(to_wechat))
    query = parse_qs(back.query)

    response = client.get(back.path, {"code": query["code"][0], "state": "forged"})

    assert response.status_code == 400
    assert signin.exchanges == []
    refused = check_out_with_wechat(client, shop)
    assert refused.status_code == 200
    assert not Order.objects.exists()


# --- paying again from another device ---------------------------------------------------------


def place_on_a_computer(shop: Shop) -> tuple[Client, Order]:
    client = browser(CHROME_WINDOWS)
    buyer_with_honey_in_cart(client, shop)
    check_out_with_wechat(client, shop)
    return client, Order.objects.get()


def test_paying_again_on_the_same_computer_keeps_the_qr_code(
    shop: Shop, wechat: FakeWechatPay
) -> None:
    client, order = place_on_a_computer(shop)

    response = client.post(f"/orders/{order.pk}/pay/")

    assert response["Location"] == f"/orders/{order.pk}/"
    assert Order.objects.get().payment_number == order.payment_number
    assert len(wechat.orders) == 1


def test_paying_on_a_phone_an_order_placed_on_a_computer_closes_the_qr_payment(
    shop: Shop, wechat: FakeWechatPay, django_capture_on_commit_callbacks: Any
) -> None:
    _computer, order = place_on_a_computer(shop)
    phone = browser(HUAWEI_BROWSER)
    phone.force_login(shop.buyer)

    page = phone.get(f"/orders/{order.pk}/").content.decode()
    assert "<svg" not in page
    assert 'data-testid="pay"' in page
    # The QR payment is closed at WeChat once the renewal has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = phone.post(f"/orders/{order.pk}/pay/")

    renewed = Order.objects.get()
    assert renewed.payment_number != order.payment_number
    assert wechat.orders[order.payment_number].trade_state == "CLOSED"
    assert payment_get(number=order.payment_number).status == PaymentIntent.Status.CANCELLED
    assert wechat.orders[renewed.payment_number].trade_type == "MWEB"
    assert response["Location"].startswith("https://wx.tenpay.com/")


def test_paying_inside_wechat_an_order_placed_on_a_computer_signs_in_then_opens_jsapi(
    shop: Shop,
    wechat: FakeWechatPay,
    signin: FakeWechatSignin,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _computer, order = place_on_a_computer(shop)
    phone = browser(WECHAT_IPHONE)
    phone.force_login(shop.buyer)

    back = sign_in_through_wechat(phone, signin, f"/orders/{order.pk}/")
    assert back.redirect_chain[-1] == (f"/orders/{order.pk}/", 302)
    with django_capture_on_commit_callbacks(execute=True):
        response = phone.post(f"/orders/{order.pk}/pay/")

    renewed = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/pay/wechat/"
    assert wechat.orders[order.payment_number].trade_state == "CLOSED"
    assert wechat.orders[renewed.payment_number].request["payer"] == {"openid": OPENID}
    params = jsapi_params_in(phone.get(response["Location"]).content.decode())
    assert params["package"] == f"prepay_id={wechat.orders[renewed.payment_number].prepay_id}"


def test_paying_again_after_the_money_came_meanwhile_shows_the_order_paid(
    shop: Shop, wechat: FakeWechatPay
) -> None:
    _computer, order = place_on_a_computer(shop)
    wechat.pay(order.payment_number)
    phone = browser(SAFARI_IPHONE)
    phone.force_login(shop.buyer)

    # The phone's page is older than the payment: its Pay button is pressed after it.
    response = phone.post(f"/orders/{order.pk}/pay/", **EN)

    assert response["Location"] == f"/orders/{order.pk}/"
    assert Order.objects.get().status == Order.Status.PAID
    assert Order.objects.get().payment_number == order.payment_number
