"""A local fake of WeChat's web sign-in (OAuth 2.0 for official accounts), for tests, and the
settings that point the site at it and at the fake WeChat Pay (`wechat_fake.FakeWechatPay`).

It speaks WeChat's HTTP protocol: `/connect/oauth2/authorize` sends the browser back to
`redirect_uri` with a one-use `code` and the `state` it was given (the real page does the same
for snsapi_base without asking the user anything), and `/sns/oauth2/access_token` exchanges the
code for `{"openid": ...}`, or answers `{"errcode", "errmsg"}` with HTTP 200 as WeChat does.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.payments.wechat_fake import FakeWechatPay, private_pem, public_pem

OAUTH_SECRET = "fake-official-account-secret-0123"
OPENID = "oXiangcunBuyer_0123456789abcdef"
NOTIFY_URL = "https://xiangcun.example/pay/wechat/notify/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class FakeWechatSignin:
    """`start()` it, point WECHAT_OAUTH_AUTHORIZE_URL / WECHAT_OAUTH_API_URL at it, `stop()`."""

    appid: str
    secret: str = OAUTH_SECRET
    # The openid the next sign-in gives.
    openid: str = OPENID
    # Codes the next exchanges refuse, with WeChat's (errcode, errmsg).
    refusals: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Refuse every code that is exchanged with this (errcode, errmsg).
    refuse_all: tuple[int, str] | None = None
    codes: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeWechatSignin:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/connect/oauth2/authorize"

    def issue_code(self, openid: str | None = None) -> str:
        code = "0" + secrets.token_hex(15)
        with self._lock:
            self.codes[code] = openid or self.openid
        return code

    def come_back_from(self, authorize_url: str) -> str:
        """Open WeChat's authorize page as the buyer's browser would; returns the URL WeChat
        sends the browser back to (our return URL with `code` and `state`)."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(authorize_url.split("#", 1)[0], timeout=5)
        except urllib.error.HTTPError as answer:
            if answer.code == 302:
                return str(answer.headers["Location"])
            raise AssertionError(
                f"authorize page answered {answer.code}: {answer.read()!r}"
            ) from None
        raise AssertionError("the authorize page did not send the browser back")

    # -- protocol ----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if url.path == "/connect/oauth2/authorize":
            self._authorize(handler, query)
        elif url.path == "/sns/oauth2/access_token":
            self._answer(handler, 200, self._exchange(query))
        else:
            self._answer(handler, 404, {"errcode": 404, "errmsg": "not found"})

    def _authorize(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if (
            query.get("appid") != self.appid
            or query.get("response_type") != "code"
            or query.get("scope") not in ("snsapi_base", "snsapi_userinfo")
            or not query.get("redirect_uri")
        ):
            self._answer(handler, 400, {"errcode": 10003, "errmsg": "redirect_uri 参数错误"})
            return
        code = self.issue_code()
        back = urlencode({"code": code, "state": query.get("state", "")})
        separator = "&" if "?" in query["redirect_uri"] else "?"
        handler.send_response(302)
        handler.send_header("Location", f"{query['redirect_uri']}{separator}{back}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _exchange(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self.exchanges.append(query)
            code = query.get("code", "")
            if query.get("appid") != self.appid:
                return {"errcode": 40013, "errmsg": "invalid appid"}
            if query.get("secret") != self.secret:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            if query.get("grant_type") != "authorization_code":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if self.refuse_all is not None:
                errcode, errmsg = self.refuse_all
                return {"errcode": errcode, "errmsg": errmsg}
            if code in self.refusals:
                errcode, errmsg = self.refusals[code]
                return {"errcode": errcode, "errmsg": errmsg}
            if code in self.used:
                return {"errcode": 40163, "errmsg": "code been used"}
            if code not in self.codes:
                return {"errcode": 40029, "errmsg": "invalid code"}
            self.used.add(code)
            return {
                "access_token": "ACCESS_" + secrets.token_hex(8),
                "expires_in": 7200,
                "refresh_token": "REFRESH_" + secrets.token_hex(8),
                "openid": self.codes[code],
                "scope": "snsapi_base",
                "is_snapshotuser": 0,
            }

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, answer: Any) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode()
        handler.send_response(status)
        # WeChat's API answers JSON as text/plain.
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def use_fakes(settings: Any, pay: FakeWechatPay, signin: FakeWechatSignin | None = None) -> Any:
    """Point WeChat Pay (platform-public-key mode) and, if given, WeChat's sign-in at fakes."""
    keys = pay.keys
    settings.WECHATPAY_MCHID = keys.mchid
    settings.WECHATPAY_APPID = keys.appid
    settings.WECHATPAY_PRIVATE_KEY = private_pem(keys.merchant_key)
    settings.WECHATPAY_CERT_SERIAL_NO = keys.merchant_serial
    settings.WECHATPAY_APIV3_KEY = keys.apiv3_key
    settings.WECHATPAY_PUBLIC_KEY = public_pem(keys.platform_key)
    settings.WECHATPAY_PUBLIC_KEY_ID = keys.platform_public_key_id
    settings.WECHATPAY_CERT_DIR = ""
    settings.WECHATPAY_NOTIFY_URL = NOTIFY_URL
    settings.WECHATPAY_GATEWAY = pay.url
    settings.WECHATPAY_TIMEOUT = 5
    if signin is not None:
        settings.WECHAT_OAUTH_SECRET = signin.secret
        settings.WECHAT_OAUTH_AUTHORIZE_URL = signin.authorize_url
        settings.WECHAT_OAUTH_API_URL = signin.url
    return settings
