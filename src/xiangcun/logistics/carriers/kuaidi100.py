"""Kuaidi100 (快递100), the aggregator that speaks for SF, EMS, ZTO and the rest: electronic
waybills (`/label/order`, methods order and cancel), the real-time query
(`/poll/query.do`), tracking subscriptions (`/poll`) and the pushes it then sends us.

Signatures as Kuaidi100's published demos compute them (kuaidi100-api/python-demo,
php-demo): label API sign = MD5(param + t + key + secret), the query's sign =
MD5(param + key + customer), a push's sign = MD5(param + salt); all upper-case hex over the
exact `param` text. Keys come from the environment (KUAIDI100_KEY, KUAIDI100_CUSTOMER,
KUAIDI100_SECRET, KUAIDI100_SALT) and are never logged; without them the carrier says it is
not configured and waybills are typed by staff instead.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from xiangcun.logistics.carriers.base import (
    CarrierError,
    CarrierNotConfiguredError,
    InvalidPushError,
    LabelData,
    PushReceived,
    TrackingUpdate,
    WaybillMade,
    WaybillRequest,
)

logger = logging.getLogger(__name__)

CHINA_TIME = ZoneInfo("Asia/Shanghai")
DEFAULT_BASE = "https://api.kuaidi100.com"
DEFAULT_POLL_BASE = "https://poll.kuaidi100.com"
DEFAULT_TIMEOUT = 10.0
MAX_ANSWER_BYTES = 1_000_000

# Our carrier codes (shipping's) and Kuaidi100's company codes.
COMPANY = {
    "sf": "shunfeng",
    "ems": "ems",
    "jd": "jd",
    "zto": "zhongtong",
    "yto": "yuantong",
    "sto": "shentong",
    "yunda": "yunda",
}
CARRIER_OF_COMPANY = {company: carrier for carrier, company in COMPANY.items()}

# Kuaidi100's state (and, with resultv2, its sub-state) to (TrackingCode, ExceptionKind).
_STATES: dict[str, tuple[str, str]] = {
    "0": ("in_transit", ""),  # 在途
    "1": ("collected", ""),  # 揽收
    "2": ("exception", "other"),  # 疑难
    "3": ("delivered", ""),  # 签收
    "4": ("exception", "returned"),  # 退签
    "5": ("out_for_delivery", ""),  # 派件
    "6": ("exception", "returned"),  # 退回
    "7": ("in_transit", ""),  # 转投
    "8": ("in_transit", ""),  # 清关
    "10": ("in_transit", ""),  # 待清关
    "11": ("in_transit", ""),  # 清关中
    "12": ("in_transit", ""),  # 已清关
    "13": ("exception", "other"),  # 清关异常
    "14": ("exception", "refused"),  # 拒签
    "101": ("waybill_created", ""),  # 已下单
    "102": ("waybill_created", ""),  # 待揽收
    "103": ("collected", ""),  # 已揽收
    "1001": ("in_transit", ""),  # 到达派件城市
    "1002": ("in_transit", ""),  # 干线
    "1003": ("in_transit", ""),  # 转递
    "501": ("out_for_delivery", ""),  # 投柜或驿站
    "301": ("delivered", ""),  # 本人签收
    "302": ("delivered", ""),  # 派件异常后签收
    "303": ("delivered", ""),  # 代签
    "304": ("delivered", ""),  # 投柜或站签收
    "201": ("exception", "other"),  # 超时未签收
    "202": ("exception", "other"),  # 超时未更新
    "203": ("exception", "refused"),  # 拒收
    "204": ("exception", "address_problem"),  # 派件异常
    "205": ("exception", "other"),  # 柜或驿站超时未取
    "206": ("exception", "address_problem"),  # 无法联系
    "207": ("exception", "address_problem"),  # 超区
    "208": ("exception", "other"),  # 滞留
    "209": ("exception", "damaged"),  # 破损
    "210": ("exception", "other"),  # 销单
    "401": ("exception", "returned"),  # 已销单
}
# Answers to a push: what Kuaidi100 documents for "received" and "not accepted".
PUSH_ACCEPTED = {"result": True, "returnCode": "200", "message": "成功"}
PUSH_REFUSED = {"result": False, "returnCode": "500", "message": "签名错误"}


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest().upper()


def normalize_state(state: object) -> tuple[str, str]:
    """Kuaidi100's state or sub-state as (TrackingCode, ExceptionKind); unknown is in transit."""
    return _STATES.get(str(state).strip(), ("in_transit", ""))


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value or default)


@dataclass(frozen=True)
class Kuaidi100Config:
    key: str
    customer: str
    secret: str
    salt: str
    base: str
    poll_base: str
    partner_id: str
    template_id: str
    timeout: float

    @classmethod
    def from_settings(cls) -> Kuaidi100Config:
        return cls(
            key=_setting("KUAIDI100_KEY"),
            customer=_setting("KUAIDI100_CUSTOMER"),
            secret=_setting("KUAIDI100_SECRET"),
            salt=_setting("KUAIDI100_SALT"),
            base=_setting("KUAIDI100_BASE", DEFAULT_BASE).rstrip("/"),
            poll_base=_setting("KUAIDI100_POLL_BASE", DEFAULT_POLL_BASE).rstrip("/"),
            partner_id=_setting("KUAIDI100_PARTNER_ID"),
            template_id=_setting("KUAIDI100_TEMPLATE_ID"),
            timeout=float(_setting("KUAIDI100_TIMEOUT", str(DEFAULT_TIMEOUT))),
        )

    def __repr__(self) -> str:
        # Keys stay out of tracebacks and logs.
        return f"Kuaidi100Config(base={self.base!r}, poll_base={self.poll_base!r})"


def _local_time(text: object) -> datetime.datetime:
    """Kuaidi100's "2026-12-03 10:00:00", Beijing time."""
    try:
        return datetime.datetime.strptime(f"{str(text).strip()} +0800", "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return timezone.now()


def _text(value: object, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


class Kuaidi100:
    """The Kuaidi100 carrier; `config` defaults to the settings at each call."""

    name = "kuaidi100"

    def __init__(self, config: Kuaidi100Config | None = None) -> None:
        self._config = config

    @property
    def config(self) -> Kuaidi100Config:
        return self._config or Kuaidi100Config.from_settings()

    def configured(self) -> bool:
        config = self.config
        return bool(config.key and config.customer and config.secret)

    def handles(self, carrier: str) -> bool:
        return carrier in COMPANY

    # --- HTTP -------------------------------------------------------------------------------

    def _post(self, url: str, fields: Mapping[str, str]) -> Any:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(  # noqa: S310 - a configured https (or test) URL
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310
                raw = response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            raise CarrierError(
                "kuaidi100_http_error", retry=error.code >= 500, detail=f"HTTP {error.code}"
            ) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise CarrierError(
                "kuaidi100_unreachable", retry=True, detail=type(error).__name__
            ) from error
        try:
            return json.loads(raw.decode())
        except (UnicodeDecodeError, ValueError) as error:
            raise CarrierError("kuaidi100_bad_answer", retry=True) from error

    def _label_call(self, method: str, param: Mapping[str, Any]) -> dict[str, Any]:
        config = self.config
        if not self.configured():
            raise CarrierNotConfiguredError
        text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
        t = str(int(time.time() * 1000))
        answer = self._post(
            f"{config.base}/label/order",
            {
                "method": method,
                "key": config.key,
                "t": t,
                "param": text,
                "sign": md5_upper(text + t + config.key + config.secret),
            },
        )
        if not isinstance(answer, dict):
            raise CarrierError("kuaidi100_bad_answer", retry=True)
        if answer.get("success") is not True:
            code = str(answer.get("code", ""))[:12]
            retry = code in {"500", "502", "503", "504"}
            raise CarrierError(
                f"kuaidi100_refused_{code}" if code else "kuaidi100_refused",
                retry=retry,
                detail=_text(answer.get("message"), 120),
            )
        return answer

    # --- The carrier interface --------------------------------------------------------------

    def create_waybill(self, request: WaybillRequest) -> WaybillMade:
        if request.carrier not in COMPANY:
            raise CarrierError("kuaidi100_unknown_carrier", retry=False)
        config = self.config
        param: dict[str, Any] = {
            "kuaidicom": COMPANY[request.carrier],
            "recMan": {
                "name": request.recipient.name,
                "mobile": request.recipient.mobile,
                "printAddr": request.recipient.address,
            },
            "sendMan": {
                "name": request.sender.name,
                "mobile": request.sender.mobile,
                "printAddr": request.sender.address,
            },
            "cargo": request.cargo,
            "weight": f"{request.weight_g / 1000:.2f}",
            "count": str(request.count),
            "partnerId": config.partner_id,
            "tempId": config.template_id,
            "expType": request.service,
            # We print the label ourselves (labels.waybill_label_pdf): no cloud printing.
            "printType": "NON",
            # The same on every attempt: Kuaidi100 answers the waybill it made for it already.
            "orderId": request.reference,
        }
        answer = self._label_call("order", param)
        data = answer.get("data")
        if not isinstance(data, dict) or not _text(data.get("kuaidinum"), 32):
            raise CarrierError("kuaidi100_bad_answer", retry=True)
        label = {
            key: _text(data.get(key), 64)
            for key in ("bulkpen", "orgCode", "destCode", "destSortingCode")
            if data.get(key)
        }
        return WaybillMade(
            tracking_number=_text(data.get("kuaidinum"), 32),
            carrier_task_id=_text(data.get("taskId"), 64),
            label=label,
        )

    def cancel(self, *, carrier: str, tracking_number: str, carrier_task_id: str) -> None:
        self._label_call(
            "cancel",
            {
                "partnerId": self.config.partner_id,
                "kuaidicom": COMPANY.get(carrier, carrier),
                "kuaidinum": tracking_number,
                "taskId": carrier_task_id,
                "reason": "订单取消",
            },
        )

    def label_data(
        self, *, carrier: str, tracking_number: str, label: Mapping[str, str]
    ) -> LabelData:
        return LabelData(
            carrier_name=carrier,
            tracking_number=tracking_number,
            sort_code=str(label.get("bulkpen") or label.get("destSortingCode") or ""),
        )

    def track(self, *, carrier: str, tracking_number: str, phone: str) -> list[TrackingUpdate]:
        config = self.config
        if not self.configured():
            raise CarrierNotConfiguredError
        param = json.dumps(
            {
                "com": COMPANY.get(carrier, carrier),
                "num": tracking_number,
                "phone": phone,
                "resultv2": "1",
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        answer = self._post(
            f"{config.poll_base}/poll/query.do",
            {
                "customer": config.customer,
                "param": param,
                "sign": md5_upper(param + config.key + config.customer),
            },
        )
        if not isinstance(answer, dict):
            raise CarrierError("kuaidi100_bad_answer", retry=True)
        if "returnCode" in answer and answer.get("result") is False:
            code = _text(answer.get("returnCode"), 8)
            if code == "500":  # 查询无结果: nothing scanned yet
                return []
            raise CarrierError(f"kuaidi100_query_{code}", retry=code in {"502", "503"})
        return self._updates(answer, carrier=carrier, tracking_number=tracking_number)

    def subscribe(
        self, *, carrier: str, tracking_number: str, phone: str, callback_url: str
    ) -> None:
        config = self.config
        if not self.configured() or not config.salt:
            raise CarrierNotConfiguredError
        param = json.dumps(
            {
                "company": COMPANY.get(carrier, carrier),
                "number": tracking_number,
                "key": config.key,
                "parameters": {
                    "callbackurl": callback_url,
                    "salt": config.salt,
                    "resultv2": "1",
                    "phone": phone,
                },
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        answer = self._post(f"{config.poll_base}/poll", {"schema": "json", "param": param})
        if not isinstance(answer, dict):
            raise CarrierError("kuaidi100_bad_answer", retry=True)
        code = _text(answer.get("returnCode"), 8)
        # 501: subscribed already (a retry after a lost answer): as good as done.
        if answer.get("result") is True or code == "501":
            return
        raise CarrierError(f"kuaidi100_subscribe_{code}", retry=code in {"500", "502", "503"})

    def parse_push(self, form: Mapping[str, str]) -> PushReceived:
        salt = self.config.salt
        param = form.get("param") or ""
        sign = form.get("sign") or ""
        if not salt:
            raise InvalidPushError("kuaidi100_not_configured")
        if not param or not sign:
            raise InvalidPushError("push_unsigned")
        if not hmac.compare_digest(md5_upper(param + salt), sign.strip().upper()):
            raise InvalidPushError("push_bad_signature")
        try:
            body = json.loads(param)
        except ValueError as error:
            raise InvalidPushError("push_unreadable") from error
        result = body.get("lastResult") if isinstance(body, dict) else None
        if not isinstance(result, dict):
            raise InvalidPushError("push_unreadable")
        company = _text(result.get("com"), 32)
        carrier = CARRIER_OF_COMPANY.get(company, company)
        updates = self._updates(
            result, carrier=carrier, tracking_number=_text(result.get("nu"), 32)
        )
        return PushReceived(updates=updates, answer=dict(PUSH_ACCEPTED))

    @staticmethod
    def _updates(
        result: Mapping[str, Any], *, carrier: str, tracking_number: str
    ) -> list[TrackingUpdate]:
        """Kuaidi100's steps (newest first, as it sends them) oldest first, normalized. A step
        without its own state takes the parcel's state when it is the newest, else "in
        transit"."""
        steps = result.get("data")
        if not isinstance(steps, list):
            return []
        updates = []
        for index, step in enumerate(steps[:200]):
            if not isinstance(step, dict):
                continue
            state = step.get("statusCode") or step.get("status_code")
            if state in (None, ""):
                state = result.get("state") if index == 0 else "0"
            code, exception = normalize_state(state)
            updates.append(
                TrackingUpdate(
                    carrier=carrier,
                    tracking_number=tracking_number,
                    code=code,
                    exception=exception,
                    occurred_at=_local_time(step.get("ftime") or step.get("time")),
                    text=_text(step.get("context"), 300),
                    place=_text(step.get("areaName") or step.get("location"), 80),
                    raw_status=_text(state, 8),
                )
            )
        updates.reverse()
        return updates
