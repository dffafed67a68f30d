"""The interface every payment provider implements, and the plain results they return.

Services in `payments.services` hold the business rules (statuses, ledger postings,
idempotency); a provider only talks to its payment system and reports what it said.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from xiangcun.payments.models import PaymentIntent, Refund


@dataclass(frozen=True)
class Prepared:
    """What the buyer's device needs to pay (a QR code_url, JSAPI parameters, a page URL)."""

    client_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteStatus:
    """The provider's view of a payment: paid or not, with its own transaction id."""

    paid: bool
    closed: bool = False
    transaction_id: str = ""
    amount: Decimal | None = None
    raw_state: str = ""


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature checked out, with its decrypted content."""

    notification_id: str
    event_type: str
    out_trade_no: str = ""
    transaction_id: str = ""
    paid: bool = False
    amount: Decimal | None = None
    out_refund_no: str = ""
    refund_succeeded: bool = False
    resource: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    """The provider's view of a refund: done, still in progress, or (neither) failed."""

    succeeded: bool
    pending: bool = False
    provider_refund_id: str = ""
    raw_state: str = ""


class PaymentProvider(Protocol):
    name: str

    def prepare(
        self, intent: PaymentIntent, *, payer_openid: str = "", client_ip: str = ""
    ) -> Prepared:
        """Register the payment with the provider; return what the buyer's device needs."""
        ...

    def query(self, intent: PaymentIntent) -> RemoteStatus:
        """Ask the provider whether the payment was made."""
        ...

    def close(self, intent: PaymentIntent) -> None:
        """Tell the provider the payment will not be made (order cancelled or expired)."""
        ...

    def refund(self, refund: Refund) -> RefundResult:
        """Send money back through the provider."""
        ...

    def refund_query(self, refund: Refund) -> RefundResult:
        """Ask the provider what became of a refund it has not settled yet."""
        ...

    def verify_notification(self, headers: dict[str, str], body: str) -> VerifiedNotification:
        """Check a notification's signature and decode it; raise InvalidNotificationError."""
        ...
