"""WeChat's web sign-in (snsapi_base), which gives the buyer's openid for paying inside WeChat,
against a local fake that speaks WeChat's OAuth protocol."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from tests.payments.wechat_fake import FakeWechatPay, WechatKeys
from tests.payments.wechat_signin_fake import OPENID, FakeWechatSignin, use_fakes
from xiangcun.payments.selectors import wechat_openid

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
START = "/pay/wechat/signin/"
RETURN = "/pay/wechat/signin/return/"


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
def configured(settings: Any, wechat_pay: FakeWechatPay, signin: FakeWechatSignin) -> Any:
    return use_fakes(settings, wechat_pay, signin)


def start(client: Client, next_url: str = "/cart/checkout/") -> str:
    response = client.get(START, {"next": next_url})
    assert response.status_code == 302
    return str(response["Location"])


def back_path(url: str) -> str:
    """The path and query of the URL WeChat sends the browser back to (on our test server)."""
    parts = urlsplit(url)
    assert parts.netloc == "testserver"
    return f"{parts.path}?{parts.query}"


def test_signin_sends_the_browser_to_wechat_with_the_parameters_in_wechats_order(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    location = start(client)

    assert location.startswith(signin.authorize_url + "?")
    assert location.endswith("#wechat_redirect")
    query = parse_qsl(urlsplit(location.split("#")[0]).query)
    assert [name for name, _value in query] == [
        "appid",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
    ]
    values = dict(query)
    assert values["appid"] == signin.appid
    assert values["redirect_uri"] == "http://testserver" + RETURN
    assert values["scope"] == "snsapi_base"
    assert len(values["state"]) >= 32


def test_coming_back_keeps_the_openid_in_the_session_and_goes_on(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    back = signin.come_back_from(start(client, "/orders/7/"))
    response = client.get(back_path(back))

    assert response.status_code == 302
    assert response["Location"] == "/orders/7/"
    assert wechat_openid(session=client.session) == OPENID
    exchange = signin.exchanges[-1]
    assert exchange["secret"] == signin.secret
    assert exchange["grant_type"] == "authorization_code"


def test_a_wrong_state_is_refused_and_the_code_is_never_exchanged(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    back = signin.come_back_from(start(client))
    forged = back_path(back).replace("state=", "state=x")

    response = client.get(forged, **EN)

    assert response.status_code == 400
    assert "This WeChat sign-in link is not valid any more." in response.content.decode()
    assert signin.exchanges == []
    assert wechat_openid(session=client.session) == ""
    # The buyer's own sign-in still works after the forged one was turned away.
    assert client.get(back_path(back)).status_code == 302
    assert wechat_openid(session=client.session) == OPENID


def test_a_return_without_a_signin_started_in_this_browser_is_refused(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    # Someone else's code and state, planted in this browser (login CSRF).
    code = signin.issue_code("oAttacker")
    response = client.get(RETURN, {"code": code, "state": "their-state"}, **EN)

    assert response.status_code == 400
    assert signin.exchanges == []
    assert wechat_openid(session=client.session) == ""


def test_the_same_return_link_works_once(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    back = back_path(signin.come_back_from(start(client)))
    assert client.get(back).status_code == 302

    assert client.get(back, **EN).status_code == 400
    assert len(signin.exchanges) == 1


def test_a_refused_code_is_said_plainly_on_the_page_it_came_from(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    signin.refuse_all = (40029, "invalid code")
    back = signin.come_back_from(start(client, "/cart/"))

    response = client.get(back_path(back), follow=True, **EN)

    assert response.status_code == 200
    assert response.redirect_chain[0] == ("/cart/", 302)
    html = response.content.decode()
    assert "WeChat could not confirm your WeChat account (WeChat error 40029)." in html
    assert wechat_openid(session=client.session) == ""


def test_wechat_not_answering_is_said_plainly(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin, settings: Any
) -> None:
    back = signin.come_back_from(start(client, "/cart/"))
    signin.stop()

    response = client.get(back_path(back), follow=True, **EN)

    assert response.status_code == 200
    assert "WeChat could not confirm your WeChat account just now." in response.content.decode()
    assert wechat_openid(session=client.session) == ""


def test_without_the_app_secret_signin_says_paying_inside_wechat_is_off(
    client: Client, db: None, configured: Any, settings: Any
) -> None:
    settings.WECHAT_OAUTH_SECRET = ""

    response = client.get(START, {"next": "/cart/"}, follow=True, **EN)

    assert response.redirect_chain[0] == ("/cart/", 302)
    assert "Paying inside WeChat is not switched on." in response.content.decode()


def test_signin_goes_back_only_to_our_own_pages(
    client: Client, db: None, configured: Any, signin: FakeWechatSignin
) -> None:
    back = signin.come_back_from(start(client, "https://evil.example/steal"))

    assert client.get(back_path(back))["Location"] == "/"
