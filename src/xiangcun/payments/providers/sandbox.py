"""The offline sandbox provider for demos and tests: the buyer approves or declines on our own
page (/pay/sandbox/<number>/), refunds succeed at once, and notifications are signed with an
HMAC of the site's secret key the way WeChat Pay signs its own (timestamp, nonce, body)."""

import hmac
import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from xiangcun.payments.errors import InvalidNotificationError
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers.base import (
    Prepared,
    RefundResult,
    RemoteStatus,
    VerifiedNotification,
)

# The same window WeChat Pay asks merchants to enforce against replays.
NOTIFICATION_MAX_AGE_SECONDS = 300
_SALT = "xiangcun.payments.sandbox.notification"


def _signature(timestamp: str, nonce: str, body: str) -> str:
    return salted_hmac(_SALT, f"{timestamp}\n{nonce}\n{body}\n", algorithm="sha256").hexdigest()


def sandbox_notification_headers(
    body: str, *, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    """Headers that make `body` a genuine sandbox notification (for demos and tests)."""
    stamp = str(timestamp if timestamp is not None else int(timezone.now().timestamp()))
    nonce = nonce or secrets.token_hex(16)
    return {
        "Sandbox-Timestamp": stamp,
        "Sandbox-Nonce": nonce,
        "Sandbox-Signature": _signature(stamp, nonce, body),
    }


def sandbox_notification_body(
    *,
    notification_id: str,
    event_type: str = "TRANSACTION.SUCCESS",
    out_trade_no: str = "",
    amount: Decimal | None = None,
    out_refund_no: str = "",
) -> str:
    resource: dict[str, Any] = {"out_trade_no": out_trade_no}
    if amount is not None:
        resource["amount"] = str(amount)
    if out_refund_no:
        resource["out_refund_no"] = out_refund_no
    return json.dumps({"id": notification_id, "event_type": event_type, "resource": resource})


class SandboxProvider:
    name = "sandbox"

    def prepare(
        self, intent: PaymentIntent, *, payer_openid: str = "", client_ip: str = ""
    ) -> Prepared:
        url = reverse("payments:sandbox", kwargs={"number": intent.number})
        return Prepared(client_data={"approve_url": url})

    def query(self, intent: PaymentIntent) -> RemoteStatus:
        # The sandbox's only record is our own: the approval page writes to it directly.
        return RemoteStatus(
            paid=intent.status == PaymentIntent.Status.SUCCEEDED,
            transaction_id=intent.provider_transaction_id,
            raw_state=intent.status,
        )

    def close(self, intent: PaymentIntent) -> None:
        return None

    def refund(self, refund: Refund) -> RefundResult:
        return RefundResult(succeeded=True, provider_refund_id=f"sandbox-refund-{refund.number}")

    def refund_query(self, refund: Refund) -> RefundResult:
        # Sandbox refunds succeed when they are made; one still pending here succeeds now.
        return RefundResult(
            succeeded=True,
            provider_refund_id=f"sandbox-refund-{refund.number}",
            raw_state="SUCCESS",
        )

    def verify_notification(self, headers: dict[str, str], body: str) -> VerifiedNotification:
        lowered = {str(key).lower(): str(value) for key, value in headers.items()}
        stamp = lowered.get("sandbox-timestamp", "")
        nonce = lowered.get("sandbox-nonce", "")
        signature = lowered.get("sandbox-signature", "")
        if not (stamp.isdigit() and nonce and signature):
            raise InvalidNotificationError(reason="missing_headers")
        if not hmac.compare_digest(signature, _signature(stamp, nonce, body)):
            raise InvalidNotificationError(reason="bad_signature")
        age = abs(timezone.now().timestamp() - int(stamp))
        if age > NOTIFICATION_MAX_AGE_SECONDS:
            raise InvalidNotificationError(reason="stale_timestamp")
        try:
            data = json.loads(body)
            resource = data.get("resource") or {}
            amount = Decimal(resource["amount"]) if "amount" in resource else None
            event_type = str(data["event_type"])
            notification_id = str(data["id"])
        except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as error:
            raise InvalidNotificationError(reason="unreadable_body") from error
        return VerifiedNotification(
            notification_id=notification_id,
            event_type=event_type,
            out_trade_no=str(resource.get("out_trade_no", "")),
            transaction_id=f"sandbox-{resource.get('out_trade_no', '')}",
            paid=event_type == "TRANSACTION.SUCCESS",
            amount=amount,
            out_refund_no=str(resource.get("out_refund_no", "")),
            refund_succeeded=event_type == "REFUND.SUCCESS",
            resource=resource,
        )
