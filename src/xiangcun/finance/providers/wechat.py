"""WeChat Pay merchant transfer to a user's change (商家转账到零钱) through the `wechatpayv3`
SDK: one batch per payout, `out_batch_no` = the payout's idempotency key, so a repeated call is
the same transfer (WeChat takes an out_batch_no once).

Configured by the same WECHATPAY_* settings as the payments app (WECHATPAY_GATEWAY points the
SDK at a test server). Answers are signed; the SDK checks the signature.
"""

import json
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core

from xiangcun.finance.providers.base import PayoutOrder, PayoutOutcome, PayoutTransientError

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY = "https://api.mch.weixin.qq.com"
# WeChat's answers that mean "not now": try the same batch again later.
TRANSIENT_CODES = {"SYSTEM_ERROR", "FREQUENCY_LIMITED", "NOT_ENOUGH", "FREQUENCY_LIMIT_EXCEED"}
FEN = Decimal(100)


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or default)


def _pem(value: str) -> str:
    value = value.strip()
    if value and "-----BEGIN" not in value and len(value) < 4096:
        try:
            with open(value, encoding="utf-8") as handle:
                return handle.read()
        except OSError:
            return value
    return value


class _Core(Core):  # type: ignore[misc]  # wechatpayv3 ships no types
    """The SDK's Core pointed at WECHATPAY_GATEWAY (it hard-codes WeChat's host), also while
    it downloads platform certificates in its __init__."""

    def __init__(self, *, gateway: str, **kwargs: Any) -> None:
        self._xiangcun_gateway = gateway
        super().__init__(**kwargs)
        self._gate_way = gateway

    def _init_certificates(self) -> None:
        self._gate_way = self._xiangcun_gateway
        super()._init_certificates()


class _Client(WeChatPay):  # type: ignore[misc]  # wechatpayv3 ships no types
    def __init__(self) -> None:
        public_key = _setting("WECHATPAY_PUBLIC_KEY")
        public_key_id = _setting("WECHATPAY_PUBLIC_KEY_ID")
        key_mode = bool(public_key and public_key_id)
        self._type = WeChatPayType.NATIVE
        self._mchid = _setting("WECHATPAY_MCHID")
        self._appid = _setting("WECHATPAY_APPID")
        self._notify_url = None
        self._partner_mode = False
        self._core = _Core(
            gateway=_setting("WECHATPAY_GATEWAY", DEFAULT_GATEWAY).rstrip("/"),
            mchid=self._mchid,
            cert_serial_no=_setting("WECHATPAY_CERT_SERIAL_NO"),
            private_key=_pem(_setting("WECHATPAY_PRIVATE_KEY")),
            apiv3_key=_setting("WECHATPAY_APIV3_KEY"),
            cert_dir=_setting("WECHATPAY_CERT_DIR") or None,
            logger=None,
            proxy=None,
            timeout=float(getattr(settings, "WECHATPAY_TIMEOUT", 10)),
            public_key=_pem(public_key) if key_mode else None,
            public_key_id=public_key_id if key_mode else None,
        )


def _answer(call: Any, *args: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    try:
        status, content = call(*args, **kwargs)
    except Exception as exc:
        # Connection errors and the SDK's bare Exception (an answer whose signature does not
        # verify) alike: we do not know what happened, so ask again later with the same key.
        logger.warning("WeChat transfer request failed: %s", exc)
        raise PayoutTransientError("unreachable") from exc
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    return int(status), data if isinstance(data, dict) else {}


class WechatTransferProvider:
    name = "wechat"

    def _client(self) -> _Client:
        if not _setting("WECHATPAY_MCHID"):
            raise PayoutTransientError("not_configured")
        try:
            return _Client()
        except Exception as exc:
            logger.warning("WeChat transfer client could not be built: %s", exc)
            raise PayoutTransientError("not_configured") from exc

    def send(self, order: PayoutOrder) -> PayoutOutcome:
        client = self._client()
        fen = int((order.amount * FEN).to_integral_value())
        status, data = _answer(
            client.transfer_batch,
            out_batch_no=order.key,
            batch_name=order.memo[:32],
            batch_remark=order.memo[:32],
            total_amount=fen,
            total_num=1,
            transfer_detail_list=[
                {
                    "out_detail_no": order.key,
                    "transfer_amount": fen,
                    "transfer_remark": order.memo[:32],
                    "openid": order.openid,
                }
            ],
        )
        if 200 <= status < 300:
            return self._query(client, order, batch_id=str(data.get("batch_id", "")))
        code = str(data.get("code", ""))
        if status >= 500 or code in TRANSIENT_CODES:
            raise PayoutTransientError(code.lower() or "unreachable")
        # Refused: but a batch with this out_batch_no may exist from an earlier attempt whose
        # answer we lost; if so it is the truth.
        found = self._query(client, order, batch_id="")
        if found.status != "unknown":
            return found
        return PayoutOutcome(status="failed", code=(code.lower() or "refused")[:40])

    def query(self, order: PayoutOrder) -> PayoutOutcome:
        outcome = self._query(self._client(), order, batch_id="")
        if outcome.status == "unknown":
            # Never created: send it (the same key makes a repeat harmless).
            return self.send(order)
        return outcome

    def _query(self, client: _Client, order: PayoutOrder, *, batch_id: str) -> PayoutOutcome:
        status, data = _answer(
            client.transfer_query_out_batch_no, order.key, need_query_detail=True
        )
        if status == 404:
            return PayoutOutcome(status="unknown")
        if not 200 <= status < 300:
            raise PayoutTransientError(str(data.get("code", "")).lower() or "unreachable")
        batch = data.get("transfer_batch") or {}
        batch_id = str(batch.get("batch_id") or batch_id)[:64]
        details = data.get("transfer_detail_list") or []
        detail = details[0] if details and isinstance(details[0], dict) else {}
        detail_status = str(detail.get("detail_status", ""))
        batch_status = str(batch.get("batch_status", ""))
        if detail_status == "SUCCESS":
            return PayoutOutcome(status="paid", reference=batch_id, batch=order.key)
        if detail_status == "FAIL" or batch_status == "CLOSED":
            reason = str(detail.get("fail_reason") or batch.get("close_reason") or "refused")
            return PayoutOutcome(
                status="failed", reference=batch_id, batch=order.key, code=reason.lower()[:40]
            )
        return PayoutOutcome(status="sent", reference=batch_id, batch=order.key)
