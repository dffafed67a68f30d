"""Plain values the payments app hands to other apps (orders registers handlers for them)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

PROVIDERS = ("cash", "sandbox", "wechat")
# The channel each provider accepts; the first is the default when none is given.
CHANNELS: dict[str, tuple[str, ...]] = {
    "cash": ("delivery", "station"),
    "sandbox": ("",),
    "wechat": ("native", "jsapi", "h5"),
}


@dataclass(frozen=True)
class PaymentResult:
    """A payment that has just succeeded, given to every `payment_succeeded_register` handler.

    `reference` is what it pays for ("order:42"); `station_id` and `confirmed_by_id` are set
    for cash confirmed by staff.
    """

    number: str
    provider: str
    channel: str
    reference: str
    amount: Decimal
    paid_at: datetime.datetime
    transaction_id: str = ""
    station_id: int | None = None
    confirmed_by_id: int | None = None


@dataclass(frozen=True)
class RefundCompleted:
    """A refund whose money has gone back to the buyer, given to `refund_succeeded_register`
    handlers. `payment_status` is the payment's status after it (refunded or
    partially_refunded)."""

    refund_number: str
    payment_number: str
    provider: str
    reference: str
    amount: Decimal
    reason: str
    completed_at: datetime.datetime
    payment_status: str
    station_id: int | None = None


PaymentHandler = Callable[[PaymentResult], None]
RefundHandler = Callable[[RefundCompleted], None]


@dataclass(frozen=True)
class PaymentFacts:
    """What an audit of another app needs to know about one payment."""

    number: str
    reference: str
    status: str
    amount: Decimal
    paid: bool
    # Refunds asked for (pending) or done (succeeded), in CNY.
    refunds_started: Decimal
