"""What every payout provider takes and answers."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PayoutOrder:
    """One payout as a provider sees it. `key` is sent as the provider's idempotency key
    (WeChat's out_batch_no): the same key twice is one transfer."""

    key: str
    amount: Decimal
    memo: str
    account_name: str = ""
    account_number: str = ""
    bank_name: str = ""
    openid: str = ""


@dataclass(frozen=True)
class PayoutOutcome:
    """paid: the money has left; sent: the provider took it and confirms later; failed: it
    will not be paid (`code` says why) and the money goes back to the seller's balance."""

    status: str
    reference: str = ""
    batch: str = ""
    code: str = ""


class PayoutTransientError(Exception):
    """The provider could not be reached or asked us to wait: try again later, same key."""

    def __init__(self, code: str = "unreachable") -> None:
        super().__init__(code)
        self.code = code


class PayoutProvider(Protocol):
    name: str

    def send(self, order: PayoutOrder) -> PayoutOutcome: ...

    def query(self, order: PayoutOrder) -> PayoutOutcome: ...
