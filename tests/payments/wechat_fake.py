"""A local fake WeChat Pay API v3 server that speaks the real protocol, for tests.

It checks the merchant's `Authorization: WECHATPAY2-SHA256-RSA2048 ...` signature with the
merchant public key, signs every answer with the platform private key (so the SDK's response
verification really runs), keeps orders and refunds in memory, and builds real signed,
AES-256-GCM-encrypted notifications, good and bad. Keys are generated per test session.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

CHINA_TIME = ZoneInfo("Asia/Shanghai")
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
MAX_SKEW_SECONDS = 300


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def aes_encrypt(apiv3_key: str, plaintext: str, *, associated_data: str, nonce: str) -> str:
    sealed = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), plaintext.encode(), associated_data.encode()
    )
    return base64.b64encode(sealed).decode()


def china_now() -> str:
    return datetime.now(CHINA_TIME).isoformat(timespec="seconds")


@dataclass
class WechatKeys:
    """A merchant and a WeChat platform, with real keys made for this test run."""

    mchid: str
    appid: str
    merchant_key: rsa.RSAPrivateKey
    merchant_serial: str
    platform_key: rsa.RSAPrivateKey
    platform_public_key_id: str
    platform_certificate: x509.Certificate
    apiv3_key: str

    @classmethod
    def generate(cls) -> WechatKeys:
        platform_key = new_rsa_key()
        now = datetime.now(UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (fake)")])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(platform_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .sign(platform_key, hashes.SHA256())
        )
        return cls(
            mchid="1900000109",
            appid="wxd678efh567hg6787",
            merchant_key=new_rsa_key(),
            merchant_serial=secrets.token_hex(20).upper(),
            platform_key=platform_key,
            platform_public_key_id="PUB_KEY_ID_" + secrets.token_hex(12).upper(),
            platform_certificate=certificate,
            # The APIv3 key is 32 characters; the SDK uses its UTF-8 bytes as the AES-256 key.
            apiv3_key=secrets.token_hex(16),
        )

    @property
    def certificate_serial(self) -> str:
        return format(self.platform_certificate.serial_number, "X")

    @property
    def certificate_pem(self) -> str:
        return self.platform_certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class Notification:
    """A notification as WeChat POSTs it: headers and the exact body text."""

    headers: dict[str, str]
    body: str
    id: str = ""

    def post(self, url: str) -> tuple[int, str]:
        """POST it to a live URL (e.g. Django's live_server); returns (status, body)."""
        request = urllib.request.Request(  # noqa: S310 - a test-supplied http URL
            url,
            data=self.body.encode(),
            method="POST",
            headers={**self.headers, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_with(self, client: Any, path: str) -> Any:
        """POST it through Django's test Client; returns the response."""
        return client.post(
            path, data=self.body, content_type="application/json", headers=self.headers
        )


@dataclass
class FakeOrder:
    out_trade_no: str
    trade_type: str
    request: dict[str, Any]
    prepay_id: str
    trade_state: str = "NOTPAY"
    transaction_id: str = ""
    success_time: str = ""
    payer_openid: str = ""
    refunded: int = 0

    @property
    def total(self) -> int:
        return int(self.request["amount"]["total"])

    def as_wechat(self, keys: WechatKeys) -> dict[str, Any]:
        view: dict[str, Any] = {
            "appid": self.request["appid"],
            "mchid": keys.mchid,
            "out_trade_no": self.out_trade_no,
            "trade_type": self.trade_type,
            "trade_state": self.trade_state,
            "trade_state_desc": {
                "NOTPAY": "订单未支付",
                "SUCCESS": "支付成功",
                "CLOSED": "订单已关闭",
                "REFUND": "转入退款",
            }.get(self.trade_state, ""),
            "amount": {"total": self.total, "currency": "CNY"},
        }
        if self.transaction_id:
            view.update(
                transaction_id=self.transaction_id,
                bank_type="OTHERS",
                success_time=self.success_time,
                payer={"openid": self.payer_openid},
                attach="",
            )
            view["amount"].update(payer_total=self.total, payer_currency="CNY")
        return view


class _ProtocolError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Received:
    method: str
    path: str
    body: str
    json: Any = None


@dataclass
class FakeWechatPay:
    """The fake server; `start()` it, point WECHATPAY_GATEWAY at `url`, `stop()` it."""

    keys: WechatKeys
    # "public_key": answers signed with the platform public key id (WECHATPAY_PUBLIC_KEY_ID);
    # "certificate": signed with the platform certificate, served at /v3/certificates.
    mode: str = "public_key"
    # What a refund answers: real WeChat mostly says PROCESSING and notifies later.
    refund_status: str = "SUCCESS"
    orders: dict[str, FakeOrder] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Answer the next requests with these (status, code, message) instead of serving them.
    failures: list[tuple[int, str, str]] = field(default_factory=list)
    # Sign answers with this key instead of the platform key (to test response verification).
    answer_key: rsa.RSAPrivateKey | None = None
    # Merchant transfers (商家转账到零钱), by out_batch_no; what a new batch ends as
    # ("FINISHED", or "PROCESSING" to leave it in flight); openids whose transfer fails.
    transfers: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfer_batch_status: str = "FINISHED"
    transfer_fail_openids: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeWechatPay:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

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
    def serial(self) -> str:
        if self.mode == "certificate":
            return self.keys.certificate_serial
        return self.keys.platform_public_key_id

    # -- test helpers ------------------------------------------------------------------------

    def pay(self, out_trade_no: str, *, openid: str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o") -> FakeOrder:
        """The buyer pays: the order becomes SUCCESS with a WeChat transaction id."""
        with self._lock:
            order = self.orders[out_trade_no]
            order.trade_state = "SUCCESS"
            order.transaction_id = "42000" + secrets.token_hex(12)[:23]
            order.success_time = china_now()
            order.payer_openid = openid
            return order

    def transaction_notification(
        self,
        out_trade_no: str,
        *,
        notification_id: str | None = None,
        sign_key: rsa.RSAPrivateKey | None = None,
        serial: str | None = None,
        timestamp: int | None = None,
        apiv3_key: str | None = None,
        tamper: bool = False,
        amount_total: int | None = None,
    ) -> Notification:
        """TRANSACTION.SUCCESS for a paid order, signed and encrypted as WeChat does.

        Bad ones: `sign_key` another key (forged), `serial` an unknown one, `timestamp` an old
        one (replayed), `apiv3_key` another key (undecryptable), `tamper` edits the body after
        signing.
        """
        order = self.orders[out_trade_no]
        resource = order.as_wechat(self.keys)
        if amount_total is not None:
            resource["amount"]["total"] = amount_total
            resource["amount"]["payer_total"] = amount_total
        return self.notification(
            "TRANSACTION.SUCCESS",
            resource,
            original_type="transaction",
            summary="支付成功",
            notification_id=notification_id,
            sign_key=sign_key,
            serial=serial,
            timestamp=timestamp,
            apiv3_key=apiv3_key,
            tamper=tamper,
        )

    def refund_settle(self, out_refund_no: str, *, status: str = "SUCCESS") -> dict[str, Any]:
        """WeChat finishes a PROCESSING refund: SUCCESS, or CLOSED / ABNORMAL (failed)."""
        with self._lock:
            refund = self.refunds[out_refund_no]
            refund["status"] = status
            if status == "SUCCESS":
                refund["success_time"] = china_now()
            return refund

    def refund_notification(self, out_refund_no: str, **options: Any) -> Notification:
        refund = self.refunds[out_refund_no]
        resource = {
            "mchid": self.keys.mchid,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": "SUCCESS",
            "success_time": china_now(),
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund["amount"]["total"],
                "refund": refund["amount"]["refund"],
                "payer_total": refund["amount"]["total"],
                "payer_refund": refund["amount"]["refund"],
            },
        }
        return self.notification(
            "REFUND.SUCCESS", resource, original_type="refund", summary="退款成功", **options
        )

    def notification(
        self,
        event_type: str,
        resource: dict[str, Any],
        *,
        original_type: str,
        summary: str,
        notification_id: str | None = None,
        sign_key: rsa.RSAPrivateKey | None = None,
        serial: str | None = None,
        timestamp: int | None = None,
        apiv3_key: str | None = None,
        tamper: bool = False,
    ) -> Notification:
        nonce = secrets.token_hex(6)  # 12 characters, the GCM nonce WeChat uses
        associated_data = original_type
        ciphertext = aes_encrypt(
            apiv3_key or self.keys.apiv3_key,
            json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
            associated_data=associated_data,
            nonce=nonce,
        )
        notification_id = notification_id or "EV-" + secrets.token_hex(10)
        envelope = {
            "id": notification_id,
            "create_time": china_now(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": associated_data,
                "nonce": nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        headers = self._signature_headers(body, key=sign_key, serial=serial, timestamp=timestamp)
        if tamper:
            body = body.replace(summary, summary + "!", 1)
        return Notification(headers=headers, body=body, id=notification_id)

    # -- protocol ----------------------------------------------------------------------------

    def _signature_headers(
        self,
        body: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        serial: str | None = None,
        timestamp: int | None = None,
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        signature = rsa_sign(key or self.keys.platform_key, f"{stamp}\n{nonce}\n{body}\n")
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": serial or self.serial,
            "Wechatpay-Signature-Type": SIGNATURE_TYPE,
        }

    def _check_authorization(self, method: str, target: str, header: str, body: str) -> None:
        scheme, _, rest = header.partition(" ")
        if scheme != SIGNATURE_TYPE:
            raise _ProtocolError(401, "SIGN_ERROR", "Authorization 认证类型错误")
        parts: dict[str, str] = {}
        for item in rest.split(","):
            name, _, value = item.strip().partition("=")
            parts[name] = value.strip('"')
        required = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")
        if any(not parts.get(name) for name in required):
            raise _ProtocolError(401, "SIGN_ERROR", "Authorization 缺少字段")
        if parts["mchid"] != self.keys.mchid:
            raise _ProtocolError(401, "SIGN_ERROR", "商户号错误")
        if parts["serial_no"] != self.keys.merchant_serial:
            raise _ProtocolError(401, "SIGN_ERROR", "商户证书序列号有误")
        if abs(time.time() - int(parts["timestamp"])) > MAX_SKEW_SECONDS:
            raise _ProtocolError(401, "SIGN_ERROR", "请求时间戳过期")
        message = f"{method}\n{target}\n{parts['timestamp']}\n{parts['nonce_str']}\n{body}\n"
        try:
            self.keys.merchant_key.public_key().verify(
                base64.b64decode(parts["signature"]),
                message.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            raise _ProtocolError(401, "SIGN_ERROR", "签名错误") from None

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        target = handler.path
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        with self._lock:
            self.received.append(Received(method, target, body, payload))
        try:
            self._check_authorization(
                method, target, handler.headers.get("Authorization", ""), body
            )
            if self.failures:
                status, code, message = self.failures.pop(0)
                raise _ProtocolError(status, code, message)
            with self._lock:
                status, answer = self._route(method, target, payload)
        except _ProtocolError as error:
            status, answer = error.status, {"code": error.code, "message": error.message}
        self._answer(handler, status, answer)

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, answer: Any) -> None:
        text = "" if answer is None else json.dumps(answer, ensure_ascii=False)
        data = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-ID", secrets.token_hex(16))
        if 200 <= status < 300:
            for name, value in self._signature_headers(text, key=self.answer_key).items():
                handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, target: str, payload: Any) -> tuple[int, Any]:
        url = urlsplit(target)
        path, query = url.path, parse_qs(url.query)
        segments = path.strip("/").split("/")
        if method == "POST" and path in {
            "/v3/pay/transactions/native",
            "/v3/pay/transactions/jsapi",
            "/v3/pay/transactions/h5",
        }:
            return self._create(segments[-1], payload)
        if path.startswith("/v3/pay/transactions/out-trade-no/"):
            out_trade_no = segments[4]
            if method == "GET" and len(segments) == 5:
                if query.get("mchid") != [self.keys.mchid]:
                    raise _ProtocolError(400, "PARAM_ERROR", "mchid 与请求不一致")
                return 200, self._order(out_trade_no).as_wechat(self.keys)
            if method == "POST" and segments[5:] == ["close"]:
                return self._close(out_trade_no, payload)
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return self._refund(payload)
        if method == "GET" and path.startswith("/v3/refund/domestic/refunds/"):
            # 查询单笔退款（按商户退款单号）: the same object the refund request answered.
            refund = self.refunds.get(segments[4]) if len(segments) == 5 else None
            if refund is None:
                raise _ProtocolError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return 200, refund
        if method == "GET" and path == "/v3/certificates" and self.mode == "certificate":
            return 200, self._certificates()
        if method == "POST" and path == "/v3/transfer/batches":
            return self._transfer(payload)
        if method == "GET" and path.startswith("/v3/transfer/batches/out-batch-no/"):
            return self._transfer_query(segments[4] if len(segments) == 5 else "", query)
        raise _ProtocolError(404, "NOT_FOUND", "无此接口")

    # -- merchant transfers (商家转账到零钱) -----------------------------------------------

    def transfers_paid(self) -> int:
        """How many transfers reached a user's change (a repeated batch is counted once)."""
        return sum(
            1
            for batch in self.transfers.values()
            for detail in batch["details"]
            if detail["detail_status"] == "SUCCESS"
        )

    def transfer_finish(self, out_batch_no: str) -> None:
        """A batch left PROCESSING finishes now (its transfers succeed or fail as set)."""
        batch = self.transfers[out_batch_no]
        batch["batch"]["batch_status"] = "FINISHED"
        for detail in batch["details"]:
            detail["detail_status"] = (
                "FAIL" if detail["openid"] in self.transfer_fail_openids else "SUCCESS"
            )
            if detail["detail_status"] == "FAIL":
                detail["fail_reason"] = "OPENID_INVALID"

    def _transfer(self, payload: Any) -> tuple[int, Any]:
        if not isinstance(payload, dict):
            raise _ProtocolError(400, "PARAM_ERROR", "请求体格式错误")
        out_batch_no = str(payload.get("out_batch_no", ""))
        details = payload.get("transfer_detail_list")
        if not (5 <= len(out_batch_no) <= 32 and out_batch_no.isalnum()):
            raise _ProtocolError(400, "PARAM_ERROR", "out_batch_no 格式错误")
        if payload.get("appid") != self.keys.appid:
            raise _ProtocolError(400, "PARAM_ERROR", "appid 与商户号不匹配")
        if not isinstance(details, list) or not details:
            raise _ProtocolError(400, "PARAM_ERROR", "缺少转账明细")
        amounts = [detail.get("transfer_amount") for detail in details]
        if not all(isinstance(amount, int) and amount > 0 for amount in amounts):
            raise _ProtocolError(400, "PARAM_ERROR", "transfer_amount 格式错误")
        if payload.get("total_amount") != sum(amounts) or payload.get("total_num") != len(details):
            raise _ProtocolError(400, "PARAM_ERROR", "总金额或总笔数与明细不一致")
        existing = self.transfers.get(out_batch_no)
        if existing is not None:
            # WeChat takes an out_batch_no once: the same batch again answers the first batch,
            # and pays nothing more; other contents under the same number are refused.
            if existing["request"] != payload:
                raise _ProtocolError(400, "INVALID_REQUEST", "商家批次单号已存在，请求参数不一致")
            return 200, existing["answer"]
        batch_id = "1030000" + secrets.token_hex(16)[:32]
        batch = {
            "mchid": self.keys.mchid,
            "out_batch_no": out_batch_no,
            "batch_id": batch_id,
            "appid": payload["appid"],
            "batch_status": "PROCESSING",
            "batch_type": "API",
            "batch_name": payload.get("batch_name", ""),
            "batch_remark": payload.get("batch_remark", ""),
            "total_amount": payload["total_amount"],
            "total_num": payload["total_num"],
            "create_time": china_now(),
        }
        rows = [
            {
                "detail_id": "1040000" + secrets.token_hex(16)[:32],
                "out_detail_no": str(detail.get("out_detail_no", "")),
                "detail_status": "PROCESSING",
                "openid": str(detail.get("openid", "")),
            }
            for detail in details
        ]
        answer = {
            "out_batch_no": out_batch_no,
            "batch_id": batch_id,
            "create_time": batch["create_time"],
            "batch_status": "ACCEPTED",
        }
        self.transfers[out_batch_no] = {
            "request": payload,
            "answer": answer,
            "batch": batch,
            "details": rows,
        }
        if self.transfer_batch_status == "FINISHED":
            self.transfer_finish(out_batch_no)
        return 200, answer

    def _transfer_query(self, out_batch_no: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        found = self.transfers.get(out_batch_no)
        if found is None:
            raise _ProtocolError(404, "NOT_FOUND", "记录不存在")
        answer: dict[str, Any] = {"transfer_batch": dict(found["batch"])}
        if query.get("need_query_detail") == ["true"]:
            answer["transfer_detail_list"] = [
                {key: row[key] for key in ("detail_id", "out_detail_no", "detail_status")}
                | ({"fail_reason": row["fail_reason"]} if "fail_reason" in row else {})
                for row in found["details"]
            ]
        return 200, answer

    def _order(self, out_trade_no: str) -> FakeOrder:
        order = self.orders.get(out_trade_no)
        if order is None:
            raise _ProtocolError(404, "ORDER_NOT_EXIST", "订单不存在")
        return order

    def _create(self, trade_type: str, payload: Any) -> tuple[int, Any]:
        self._create_request_check(trade_type, payload)
        order = self._order_for(trade_type, payload)
        if trade_type == "native":
            return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={order.prepay_id[2:12]}"}
        if trade_type == "jsapi":
            return 200, {"prepay_id": order.prepay_id}
        return 200, {
            "h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb"
            f"?prepay_id={order.prepay_id}&package=2150917749"
        }

    def _create_request_check(self, trade_type: str, payload: Any) -> None:
        """WeChat's PARAM_ERROR refusals of a prepay request."""
        if not isinstance(payload, dict):
            raise _ProtocolError(400, "PARAM_ERROR", "请求体不是 JSON 对象")
        for name in ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount"):
            if not payload.get(name):
                raise _ProtocolError(400, "PARAM_ERROR", f"缺少参数 {name}")
        if payload["mchid"] != self.keys.mchid or payload["appid"] != self.keys.appid:
            raise _ProtocolError(400, "PARAM_ERROR", "appid 和 mch_id 不匹配")
        total = payload["amount"].get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total < 1:
            raise _ProtocolError(400, "PARAM_ERROR", "amount.total 必须是正整数（分）")
        if not 6 <= len(payload["out_trade_no"]) <= 32:
            raise _ProtocolError(400, "PARAM_ERROR", "out_trade_no 长度应为 6-32")
        if trade_type == "jsapi" and not (payload.get("payer") or {}).get("openid"):
            raise _ProtocolError(400, "PARAM_ERROR", "缺少参数 payer.openid")
        if trade_type == "h5":
            scene = payload.get("scene_info") or {}
            if not scene.get("payer_client_ip") or not (scene.get("h5_info") or {}).get("type"):
                raise _ProtocolError(400, "PARAM_ERROR", "缺少参数 scene_info")

    def _order_for(self, trade_type: str, payload: dict[str, Any]) -> FakeOrder:
        """The order this out_trade_no names: the one taken before (asked again with the same
        amount), else a new one."""
        existing = self.orders.get(payload["out_trade_no"])
        if existing is None:
            order = FakeOrder(
                out_trade_no=payload["out_trade_no"],
                trade_type=trade_type.upper() if trade_type != "h5" else "MWEB",
                request=payload,
                prepay_id="wx" + secrets.token_hex(16),
            )
            self.orders[order.out_trade_no] = order
            return order
        if existing.trade_state in {"SUCCESS", "REFUND"}:
            raise _ProtocolError(400, "ORDERPAID", "该订单已支付")
        if existing.trade_state == "CLOSED":
            raise _ProtocolError(400, "ORDER_CLOSED", "订单已关闭")
        if existing.request["amount"] != payload["amount"]:
            raise _ProtocolError(400, "INVALID_REQUEST", "201 商户订单号重复")
        return existing

    def _close(self, out_trade_no: str, payload: Any) -> tuple[int, Any]:
        if not isinstance(payload, dict) or payload.get("mchid") != self.keys.mchid:
            raise _ProtocolError(400, "PARAM_ERROR", "缺少参数 mchid")
        order = self._order(out_trade_no)
        if order.trade_state in {"SUCCESS", "REFUND"}:
            raise _ProtocolError(400, "ORDERPAID", "订单已支付，不能关闭")
        order.trade_state = "CLOSED"
        return 204, None

    def _refund(self, payload: Any) -> tuple[int, Any]:
        if not isinstance(payload, dict) or not payload.get("out_refund_no"):
            raise _ProtocolError(400, "PARAM_ERROR", "缺少参数 out_refund_no")
        amount = payload.get("amount") or {}
        if amount.get("currency") != "CNY" or not all(
            isinstance(amount.get(name), int) for name in ("refund", "total")
        ):
            raise _ProtocolError(400, "PARAM_ERROR", "amount 格式错误")
        if payload["out_refund_no"] in self.refunds:
            return 200, self.refunds[payload["out_refund_no"]]
        order = self._order(str(payload.get("out_trade_no", "")))
        if order.trade_state not in {"SUCCESS", "REFUND"}:
            raise _ProtocolError(400, "INVALID_REQUEST", "订单未支付，不能退款")
        if amount["total"] != order.total:
            raise _ProtocolError(400, "INVALID_REQUEST", "订单金额或退款金额与之前请求不一致")
        if not 1 <= amount["refund"] <= order.total - order.refunded:
            raise _ProtocolError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        order.refunded += amount["refund"]
        order.trade_state = "REFUND"
        refund = {
            "refund_id": "50000" + secrets.token_hex(12)[:24],
            "out_refund_no": payload["out_refund_no"],
            "transaction_id": order.transaction_id,
            "out_trade_no": order.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": china_now(),
            "status": self.refund_status,
            "amount": {
                "total": order.total,
                "refund": amount["refund"],
                "payer_total": order.total,
                "payer_refund": amount["refund"],
                "settlement_refund": amount["refund"],
                "settlement_total": order.total,
                "discount_refund": 0,
                "currency": "CNY",
            },
            "reason": payload.get("reason", ""),
        }
        if refund["status"] == "SUCCESS":
            refund["success_time"] = china_now()
        self.refunds[payload["out_refund_no"]] = refund
        return 200, refund

    def _certificates(self) -> dict[str, Any]:
        nonce = secrets.token_hex(6)
        certificate = self.keys.platform_certificate
        return {
            "data": [
                {
                    "serial_no": self.keys.certificate_serial,
                    "effective_time": certificate.not_valid_before_utc.astimezone(
                        CHINA_TIME
                    ).isoformat(),
                    "expire_time": certificate.not_valid_after_utc.astimezone(
                        CHINA_TIME
                    ).isoformat(),
                    "encrypt_certificate": {
                        "algorithm": "AEAD_AES_256_GCM",
                        "nonce": nonce,
                        "associated_data": "certificate",
                        "ciphertext": aes_encrypt(
                            self.keys.apiv3_key,
                            self.keys.certificate_pem,
                            associated_data="certificate",
                            nonce=nonce,
                        ),
                    },
                }
            ]
        }


def wechat_settings_apply(settings: Any, fake: FakeWechatPay, keys: WechatKeys) -> Any:
    """Point Django's settings at `fake` in platform-public-key mode (pytest-django's
    `settings` fixture restores them after the test)."""
    settings.WECHATPAY_MCHID = keys.mchid
    settings.WECHATPAY_APPID = keys.appid
    settings.WECHATPAY_PRIVATE_KEY = private_pem(keys.merchant_key)
    settings.WECHATPAY_CERT_SERIAL_NO = keys.merchant_serial
    settings.WECHATPAY_APIV3_KEY = keys.apiv3_key
    settings.WECHATPAY_PUBLIC_KEY = public_pem(keys.platform_key)
    settings.WECHATPAY_PUBLIC_KEY_ID = keys.platform_public_key_id
    settings.WECHATPAY_CERT_DIR = ""
    settings.WECHATPAY_NOTIFY_URL = "https://xiangcun.example/pay/wechat/notify/"
    settings.WECHATPAY_GATEWAY = fake.url
    settings.WECHATPAY_TIMEOUT = 5
    return settings
