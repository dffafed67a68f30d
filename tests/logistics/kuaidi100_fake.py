"""A local fake Kuaidi100 (快递100) server that speaks its protocol, for tests.

A real HTTP server on 127.0.0.1 in a thread. It checks our signatures as Kuaidi100 does
(label API: MD5(param + t + key + secret); real-time query: MD5(param + key + customer); a
subscription must carry our key), issues tracking numbers (the same one again for the same
orderId, as the real service does), answers queries from the steps a test adds, accepts
subscriptions, and builds pushes signed with the subscription's salt (MD5(param + salt)),
good or bad, that a test posts to our callback with the exact form body Kuaidi100 sends.
Nothing here calls the internet.
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

CHINA_TIME = ZoneInfo("Asia/Shanghai")
PREFIX = {"shunfeng": "SF", "ems": "EMS", "zhongtong": "ZTO", "yuantong": "YT", "jd": "JD"}


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest().upper()


def china_time(moment: datetime | None = None) -> str:
    return (moment or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Received:
    path: str
    fields: dict[str, str]


@dataclass
class FakeKuaidi100:
    """The fake; `start()` it, point KUAIDI100_BASE and KUAIDI100_POLL_BASE at `url`."""

    key: str = "fakeKey123"
    customer: str = "FAKECUSTOMER0001"
    secret: str = "fakeSecret456"
    salt: str = "fakeSalt789"
    # orderId -> the waybill made for it.
    waybills: dict[str, dict[str, Any]] = field(default_factory=dict)
    # tracking number -> steps, newest first, as Kuaidi100 sends them.
    steps: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Answer the next this many requests with HTTP 503 (the carrier is down).
    down_for: int = 0
    # Make the waybill, then answer HTTP 503 anyway (the answer is lost on the way).
    lose_next_answer: bool = False
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: int = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeKuaidi100:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
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
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self) -> dict[str, str]:
        return {
            "KUAIDI100_KEY": self.key,
            "KUAIDI100_CUSTOMER": self.customer,
            "KUAIDI100_SECRET": self.secret,
            "KUAIDI100_SALT": self.salt,
            "KUAIDI100_BASE": self.url,
            "KUAIDI100_POLL_BASE": self.url,
            "KUAIDI100_TIMEOUT": "5",
        }

    # -- the protocol ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode()
        fields = {key: values[0] for key, values in urllib.parse.parse_qs(body).items()}
        path = handler.path.split("?")[0]
        with self._lock:
            self.received.append(Received(path=path, fields=fields))
            if self.down_for > 0:
                self.down_for -= 1
                self._answer(handler, 503, {"message": "service unavailable"})
                return
            if path == "/label/order":
                status, answer = self._label(fields)
            elif path == "/poll/query.do":
                status, answer = self._query(fields)
            elif path == "/poll":
                status, answer = self._subscribe(fields)
            else:
                status, answer = 404, {"message": "not found"}
        self._answer(handler, status, answer)

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json;charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _label(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        param, t = fields.get("param", ""), fields.get("t", "")
        if fields.get("key") != self.key or fields.get("sign") != md5_upper(
            param + t + self.key + self.secret
        ):
            return 200, {"success": False, "code": 30002, "message": "签名验证失败"}
        request = json.loads(param)
        if fields.get("method") == "cancel":
            for waybill in self.waybills.values():
                if waybill["kuaidinum"] == request.get("kuaidinum"):
                    waybill["cancelled"] = True
                    return 200, {"success": True, "code": 200, "message": "success"}
            return 200, {"success": False, "code": 30010, "message": "运单不存在"}
        order_id = request.get("orderId", "")
        waybill = self.waybills.get(order_id)
        if waybill is None:
            self._serial += 1
            prefix = PREFIX.get(request.get("kuaidicom", ""), "KD")
            waybill = {
                "kuaidinum": f"{prefix}{1400000000 + self._serial}",
                "taskId": f"TASK{self._serial:08d}",
                "request": request,
                "cancelled": False,
            }
            self.waybills[order_id] = waybill
        if self.lose_next_answer:
            self.lose_next_answer = False
            return 503, {"message": "gateway timeout"}
        return 200, {
            "success": True,
            "code": 200,
            "message": "success",
            "data": {
                "kuaidinum": waybill["kuaidinum"],
                "taskId": waybill["taskId"],
                "bulkpen": "755W-12",
                "label": "",
            },
        }

    def _query(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        param = fields.get("param", "")
        if fields.get("customer") != self.customer or fields.get("sign") != md5_upper(
            param + self.key + self.customer
        ):
            return 200, {"result": False, "returnCode": "601", "message": "key已过期或签名错误"}
        request = json.loads(param)
        number = request.get("num", "")
        if not self.steps.get(number):
            return 200, {"result": False, "returnCode": "500", "message": "查询无结果"}
        return 200, self.last_result(number) | {"status": "200", "condition": "F00"}

    def _subscribe(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        request = json.loads(fields.get("param", "{}"))
        if fields.get("schema") != "json" or request.get("key") != self.key:
            return 200, {"result": False, "returnCode": "600", "message": "您不是合法的订阅者"}
        number = request.get("number", "")
        if number in self.subscriptions:
            return 200, {"result": False, "returnCode": "501", "message": "重复订阅"}
        self.subscriptions[number] = {
            "company": request.get("company", ""),
            **request.get("parameters", {}),
        }
        return 200, {"result": True, "returnCode": "200", "message": "提交成功"}

    # -- what a test drives ------------------------------------------------------------------

    def company_of(self, number: str) -> str:
        for waybill in self.waybills.values():
            if waybill["kuaidinum"] == number:
                return str(waybill["request"].get("kuaidicom", ""))
        return str(self.subscriptions.get(number, {}).get("company", "shunfeng"))

    def add_step(
        self,
        number: str,
        *,
        state: str,
        context: str,
        at: datetime | None = None,
        area: str = "",
        status_code: str | None = None,
    ) -> None:
        """The carrier scans the parcel: a new newest step (with resultv2's statusCode)."""
        stamp = china_time(at)
        step = {
            "time": stamp,
            "ftime": stamp,
            "context": context,
            "areaName": area,
            "status": state,
            "statusCode": status_code or state,
        }
        with self._lock:
            self.steps.setdefault(number, []).insert(0, step)
            self.states[number] = state

    def last_result(self, number: str) -> dict[str, Any]:
        state = self.states.get(number, "0")
        return {
            "message": "ok",
            "state": state,
            "ischeck": "1" if state == "3" else "0",
            "com": self.company_of(number),
            "nu": number,
            "data": list(self.steps.get(number, [])),
        }

    def push_form(self, number: str, *, salt: str | None = None) -> dict[str, str]:
        """The form Kuaidi100 POSTs to the callback: `param` and its `sign`."""
        param = json.dumps(
            {"status": "polling", "message": "", "lastResult": self.last_result(number)},
            ensure_ascii=False,
        )
        return {"param": param, "sign": md5_upper(param + (self.salt if salt is None else salt))}

    def push(self, number: str, *, url: str | None = None) -> tuple[int, str]:
        """POST the push to the subscription's callback (or `url`), as Kuaidi100 would."""
        target = url or str(self.subscriptions[number]["callbackurl"])
        data = urllib.parse.urlencode(self.push_form(number)).encode()
        request = urllib.request.Request(  # noqa: S310 - a test's http URL
            target,
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
