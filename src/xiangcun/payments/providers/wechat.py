"""WeChat Pay API v3 through the `wechatpayv3` SDK: order creation (Native, JSAPI, H5), query,
close and refund, and the verification and decryption of WeChat's payment notifications.

The provider only talks to WeChat and reports what it said; statuses, ledger postings and
idempotency are the business of `payments.services`.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core
from wechatpayv3.utils import aes_decrypt, rsa_verify

from xiangcun.payments.errors import (
    InvalidAmountError,
    InvalidChannelError,
    InvalidNotificationError,
    InvalidPaymentDataError,
    ProviderError,
    ProviderNotConfiguredError,
)
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers.base import (
    Prepared,
    RefundResult,
    RemoteStatus,
    VerifiedNotification,
)

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY = "https://api.mch.weixin.qq.com"
DEFAULT_TIMEOUT = 10.0
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
# WeChat's own limit for accepting a signed message; older or newer ones are replays or forgeries.
NOTIFICATION_MAX_SKEW_SECONDS = 5 * 60
# In certificate mode an unknown serial makes us download WeChat's certificates again (they
# rotate them); at most this often, so forged serials cannot make us hammer WeChat.
CERTIFICATE_REFRESH_INTERVAL_SECONDS = 60
CHINA_TIME = ZoneInfo("Asia/Shanghai")
CHANNELS = {
    "native": WeChatPayType.NATIVE,
    "jsapi": WeChatPayType.JSAPI,
    "h5": WeChatPayType.H5,
}
# trade_state values that mean the buyer paid (REFUND: paid, then (partly) refunded).
PAID_STATES = {"SUCCESS", "REFUND"}
CLOSED_STATES = {"CLOSED", "REVOKED"}
# A refund's status: SUCCESS, PROCESSING, or failed for good (CLOSED: closed by WeChat;
# ABNORMAL: the buyer's account could not take it, staff must act).
REFUND_FAILED_STATES = {"CLOSED", "ABNORMAL"}
FEN = Decimal(100)


def amount_to_fen(amount: Decimal) -> int:
    """Yuan as WeChat's integer fen, exactly; a fraction of a fen is refused, never rounded."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise InvalidAmountError(field="amount")
    value = Decimal(amount)
    if not value.is_finite() or value <= 0:
        raise InvalidAmountError(field="amount")
    fen = value * FEN
    if fen != fen.to_integral_value():
        raise InvalidAmountError(field="amount")
    return int(fen)


def fen_to_amount(fen: int) -> Decimal:
    """WeChat's integer fen as yuan with two places (exact: no rounding happens)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"fen must be an integer, not {fen!r}")
    return Decimal(fen).scaleb(-2)


def rfc3339_china(moment: datetime) -> str:
    """An aware datetime as WeChat wants it: RFC 3339 in Beijing time, e.g. ...T10:34:56+08:00."""
    return moment.astimezone(CHINA_TIME).isoformat(timespec="seconds")


def _pem_or_path(value: str) -> str:
    """Settings hold either the PEM text itself or the path of a PEM file."""
    value = value.strip()
    if not value or "-----BEGIN" in value:
        return value
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        return path.read_text(encoding="utf-8")
    # Bare base64 key material: the SDK adds the PEM armour itself.
    return value


@dataclass(frozen=True)
class WechatPayConfig:
    """The WECHATPAY_* settings; hashable, so a client is built once per distinct set."""

    mchid: str
    appid: str
    private_key: str
    cert_serial_no: str
    apiv3_key: str
    public_key: str
    public_key_id: str
    cert_dir: str
    notify_url: str
    gateway: str
    timeout: float

    @classmethod
    def from_settings(cls) -> WechatPayConfig:
        return cls(
            mchid=str(getattr(settings, "WECHATPAY_MCHID", "") or ""),
            appid=str(getattr(settings, "WECHATPAY_APPID", "") or ""),
            private_key=str(getattr(settings, "WECHATPAY_PRIVATE_KEY", "") or ""),
            cert_serial_no=str(getattr(settings, "WECHATPAY_CERT_SERIAL_NO", "") or ""),
            apiv3_key=str(getattr(settings, "WECHATPAY_APIV3_KEY", "") or ""),
            public_key=str(getattr(settings, "WECHATPAY_PUBLIC_KEY", "") or ""),
            public_key_id=str(getattr(settings, "WECHATPAY_PUBLIC_KEY_ID", "") or ""),
            cert_dir=str(getattr(settings, "WECHATPAY_CERT_DIR", "") or ""),
            notify_url=str(getattr(settings, "WECHATPAY_NOTIFY_URL", "") or ""),
            gateway=str(getattr(settings, "WECHATPAY_GATEWAY", "") or DEFAULT_GATEWAY).rstrip("/"),
            timeout=float(getattr(settings, "WECHATPAY_TIMEOUT", DEFAULT_TIMEOUT)),
        )

    @property
    def public_key_mode(self) -> bool:
        return bool(self.public_key and self.public_key_id)


class _GatewayCore(Core):  # type: ignore[misc]  # wechatpayv3 ships no types
    """The SDK's Core, pointed at WECHATPAY_GATEWAY before it sends its first request.

    wechatpayv3 hard-codes `_gate_way = 'https://api.mch.weixin.qq.com'` in `Core.__init__`
    and offers no parameter for it, yet tests (a local fake WeChat Pay) and proxies need another
    base URL. In platform-certificate mode `Core.__init__` downloads the certificates from the
    gateway before it returns, so setting the attribute afterwards would be too late: we set
    it in `_init_certificates`, which `__init__` calls right after hard-coding the default.
    """

    def __init__(self, *, gateway: str, **kwargs: Any) -> None:
        self._xiangcun_gateway = gateway
        self._certificates_refreshed_at = 0.0
        self._refresh_lock = threading.Lock()
        super().__init__(**kwargs)
        self._gate_way = gateway

    def _init_certificates(self) -> None:
        self._gate_way = self._xiangcun_gateway
        super()._init_certificates()

    def _update_certificates(self) -> None:
        # The SDK empties its list before downloading; keep the known certificates if the
        # download fails, or every notification would fail until the next success.
        known = list(self._certificates)
        self._certificates_refreshed_at = time.monotonic()
        try:
            super()._update_certificates()
        except Exception as exc:
            # Unreachable gateway: judge notifications with the certificates we had.
            logger.warning("WeChat Pay certificates could not be downloaded: %s", exc)
        if not self._certificates:
            self._certificates.extend(known)

    def refresh_certificates_if_due(self) -> None:
        with self._refresh_lock:
            since = time.monotonic() - self._certificates_refreshed_at
            if since >= CERTIFICATE_REFRESH_INTERVAL_SECONDS:
                self._update_certificates()


class _Client(WeChatPay):  # type: ignore[misc]  # wechatpayv3 ships no types
    """WeChatPay around our `_GatewayCore`.

    `WeChatPay.__init__` builds its own Core (with the hard-coded gateway); this sets the same
    attributes the SDK's __init__ sets (wechatpayv3 2.x) and hands it our Core instead.
    """

    def __init__(self, *, config: WechatPayConfig) -> None:
        self._type = WeChatPayType.NATIVE
        self._mchid = config.mchid
        self._appid = config.appid
        self._notify_url = config.notify_url or None
        self._partner_mode = False
        self._core = _GatewayCore(
            gateway=config.gateway,
            mchid=config.mchid,
            cert_serial_no=config.cert_serial_no,
            private_key=_pem_or_path(config.private_key),
            apiv3_key=config.apiv3_key,
            cert_dir=config.cert_dir or None,
            logger=None,
            proxy=None,
            timeout=config.timeout,
            public_key=_pem_or_path(config.public_key) if config.public_key_mode else None,
            public_key_id=config.public_key_id if config.public_key_mode else None,
        )


@functools.lru_cache(maxsize=8)
def _client_for(config: WechatPayConfig) -> _Client:
    try:
        return _Client(config=config)
    except Exception as exc:
        # The SDK raises bare Exceptions for an unreadable key or missing certificates.
        logger.warning("WeChat Pay client could not be built: %s", exc)
        raise ProviderError() from exc


class _Headers:
    """Case-insensitive view of notification headers, as sent or as Django's META keys."""

    def __init__(self, headers: Mapping[str, Any]) -> None:
        self._values: dict[str, str] = {}
        for key, value in headers.items():
            name = str(key).lower().replace("_", "-")
            if name.startswith("http-"):
                name = name[len("http-") :]
            self._values[name] = str(value)

    def get(self, name: str) -> str:
        return self._values.get(name.lower(), "").strip()


class WechatPayProvider:
    """WeChat Pay API v3 (direct merchant mode)."""

    name = "wechat"

    def __init__(self, config: WechatPayConfig | None = None) -> None:
        # None: read the settings at each use, so a settings change takes effect.
        self._config = config

    # -- plumbing -----------------------------------------------------------------------------

    @property
    def config(self) -> WechatPayConfig:
        return self._config or WechatPayConfig.from_settings()

    def _client(self) -> _Client:
        config = self.config
        if not config.mchid:
            raise ProviderNotConfiguredError()
        return _client_for(config)

    def _request(self, call: Callable[..., tuple[int, Any]], **kwargs: Any) -> dict[str, Any]:
        """Run one SDK call; WeChat's refusals and transport failures become ProviderError."""
        try:
            status, content = call(**kwargs)
        except ProviderError:
            raise
        except Exception as exc:
            # requests' connection errors and the SDK's bare Exception (e.g. a response whose
            # signature does not verify) alike: the payment service did not answer properly.
            # The reason goes to the log only: it may name hosts and keys, not for buyers' eyes.
            logger.warning("WeChat Pay request failed: %s", exc)
            raise ProviderError() from exc
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        data: Any = {}
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = {}
        if not 200 <= status < 300:
            code = str(data.get("code", "")) if isinstance(data, dict) else ""
            message = str(data.get("message", "")) if isinstance(data, dict) else ""
            logger.warning("WeChat Pay answered %s %s: %s", status, code, message)
            raise ProviderError(message or None, http_status=status, wechat_code=code)
        return data if isinstance(data, dict) else {}

    # -- PaymentProvider ----------------------------------------------------------------------

    def prepare(
        self, intent: PaymentIntent, *, payer_openid: str = "", client_ip: str = ""
    ) -> Prepared:
        channel = intent.channel or "native"
        if channel not in CHANNELS:
            raise InvalidChannelError(field="channel")
        if channel == "jsapi" and not payer_openid:
            raise InvalidPaymentDataError(field="payer_openid")
        if channel == "h5" and not client_ip:
            raise InvalidPaymentDataError(field="client_ip")
        client = self._client()
        if not self.config.notify_url:
            raise ProviderNotConfiguredError()
        params: dict[str, Any] = {
            "description": intent.description,
            "out_trade_no": intent.number,
            "amount": {"total": amount_to_fen(intent.amount), "currency": "CNY"},
            "pay_type": CHANNELS[channel],
        }
        if intent.expires_at is not None:
            params["time_expire"] = rfc3339_china(intent.expires_at)
        if channel == "jsapi":
            params["payer"] = {"openid": payer_openid}
        if channel == "h5":
            params["scene_info"] = {"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}}
        elif client_ip:
            params["scene_info"] = {"payer_client_ip": client_ip}
        data = self._request(client.pay, **params)

        if channel == "native":
            return Prepared(client_data={"code_url": str(data.get("code_url", ""))})
        if channel == "h5":
            return Prepared(client_data={"h5_url": str(data.get("h5_url", ""))})
        prepay_id = str(data.get("prepay_id", ""))
        return Prepared(
            client_data={"prepay_id": prepay_id, "jsapi_params": self._jsapi_params(prepay_id)}
        )

    def _jsapi_params(self, prepay_id: str) -> dict[str, str]:
        """What WeixinJSBridge.invoke('getBrandWCPayRequest', ...) takes, signed by us."""
        appid = self.config.appid
        timestamp = str(int(time.time()))
        nonce = get_random_string(32)
        package = f"prepay_id={prepay_id}"
        # The SDK's sign(): RSA-SHA256 over "appId\ntimeStamp\nnonceStr\npackage\n".
        signature = self._client().sign([appid, timestamp, nonce, package])
        return {
            "appId": appid,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signature,
        }

    def query(self, intent: PaymentIntent) -> RemoteStatus:
        client = self._client()
        data = self._request(client.query, out_trade_no=intent.number)
        state = str(data.get("trade_state", ""))
        amount = None
        total = (data.get("amount") or {}).get("total")
        if total is not None:
            try:
                amount = fen_to_amount(total)
            except ValueError as exc:
                logger.warning("WeChat Pay query: amount is not fen: %r", total)
                raise ProviderError() from exc
        return RemoteStatus(
            paid=state in PAID_STATES,
            closed=state in CLOSED_STATES,
            transaction_id=str(data.get("transaction_id", "") or ""),
            amount=amount,
            raw_state=state,
        )

    def close(self, intent: PaymentIntent) -> None:
        client = self._client()
        self._request(client.close, out_trade_no=intent.number)

    def refund(self, refund: Refund) -> RefundResult:
        client = self._client()
        intent = refund.intent
        data = self._request(
            client.refund,
            out_refund_no=refund.number,
            out_trade_no=intent.number,
            amount={
                "refund": amount_to_fen(refund.amount),
                "total": amount_to_fen(intent.amount),
                "currency": "CNY",
            },
            reason=refund.reason or None,
        )
        status = str(data.get("status", ""))
        return RefundResult(
            succeeded=status == "SUCCESS",
            pending=status == "PROCESSING",
            provider_refund_id=str(data.get("refund_id", "") or ""),
            raw_state=status,
        )

    def refund_query(self, refund: Refund) -> RefundResult:
        """GET /v3/refund/domestic/refunds/{out_refund_no} (the SDK's `query_refund`). A status
        we do not know is reported as still pending: only SUCCESS or a failed state settles."""
        client = self._client()
        data = self._request(client.query_refund, out_refund_no=refund.number)
        status = str(data.get("status", ""))
        if status not in REFUND_FAILED_STATES | {"SUCCESS", "PROCESSING"}:
            logger.warning("WeChat Pay refund %s has unknown status %r", refund.number, status)
        return RefundResult(
            succeeded=status == "SUCCESS",
            pending=status not in REFUND_FAILED_STATES and status != "SUCCESS",
            provider_refund_id=str(data.get("refund_id", "") or ""),
            raw_state=status,
        )

    def verify_notification(self, headers: dict[str, str], body: str) -> VerifiedNotification:
        """Check WeChat's signature and freshness, decrypt the resource; else raise."""
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        core = self._client()._core
        sent = _Headers(headers)
        signature = sent.get("Wechatpay-Signature")
        timestamp = sent.get("Wechatpay-Timestamp")
        nonce = sent.get("Wechatpay-Nonce")
        serial = sent.get("Wechatpay-Serial")
        if not (signature and timestamp and nonce and serial):
            raise _invalid("signature headers missing")
        signature_type = sent.get("Wechatpay-Signature-Type")
        if signature_type and signature_type != SIGNATURE_TYPE:
            raise _invalid(f"unsupported signature type {signature_type}")
        try:
            signed_at = int(timestamp)
        except ValueError:
            raise _invalid("timestamp is not a number") from None
        if abs(timezone.now().timestamp() - signed_at) > NOTIFICATION_MAX_SKEW_SECONDS:
            raise _invalid("timestamp outside five minutes (replayed or stale)")

        public_key = self._platform_key(core, serial)
        if public_key is None:
            raise _invalid(f"unknown platform key serial {serial}")
        if not rsa_verify(timestamp, nonce, body, signature, public_key):
            raise _invalid("bad signature")

        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
            if resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise _invalid("unsupported resource algorithm")
            plaintext = aes_decrypt(
                nonce=resource["nonce"],
                ciphertext=resource["ciphertext"],
                associated_data=resource.get("associated_data") or "",
                apiv3_key=core._apiv3_key,
            )
            if plaintext is None:
                raise _invalid("resource does not decrypt with the APIv3 key")
            content = json.loads(plaintext)
            if not isinstance(content, dict):
                raise _invalid("resource is not an object")
            notification_id = str(envelope["id"])
            event_type = str(envelope["event_type"])
        except InvalidNotificationError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # Malformed JSON, missing fields, bad base64 or a nonce of the wrong length.
            raise _invalid(f"unreadable notification: {exc!r}") from exc

        mchid = str(content.get("mchid") or content.get("sp_mchid") or "")
        if mchid and mchid != core._mchid:
            raise _invalid(f"notification for another merchant {mchid}")
        return _notification_from(notification_id, event_type, content)

    def _platform_key(self, core: _GatewayCore, serial: str) -> Any:
        """WeChat's public key for this serial: the platform public key or a certificate's."""
        if core._public_key_id:
            # Public-key mode: one key, one id.
            return core._public_key if serial == core._public_key_id else None
        try:
            wanted = int(serial, 16)
        except ValueError:
            return None
        for attempt in range(2):
            for certificate in core._certificates:
                if certificate.serial_number == wanted:
                    return certificate.public_key()
            if attempt == 0:
                core.refresh_certificates_if_due()
        return None


def _invalid(reason: str) -> InvalidNotificationError:
    logger.warning("WeChat Pay notification rejected: %s", reason)
    return InvalidNotificationError(reason=reason)


def _notification_from(
    notification_id: str, event_type: str, content: dict[str, Any]
) -> VerifiedNotification:
    amount_data = content.get("amount") or {}
    try:
        if event_type.startswith("REFUND."):
            fen = amount_data.get("refund")
        else:
            fen = amount_data.get("total")
        amount = fen_to_amount(fen) if fen is not None else None
    except (ValueError, AttributeError):
        raise _invalid("amount is not an integer of fen") from None
    return VerifiedNotification(
        notification_id=notification_id,
        event_type=event_type,
        out_trade_no=str(content.get("out_trade_no", "") or ""),
        transaction_id=str(content.get("transaction_id", "") or ""),
        paid=event_type == "TRANSACTION.SUCCESS" and content.get("trade_state") == "SUCCESS",
        amount=amount,
        out_refund_no=str(content.get("out_refund_no", "") or ""),
        refund_succeeded=(
            event_type == "REFUND.SUCCESS" and content.get("refund_status") == "SUCCESS"
        ),
        resource=content,
    )
