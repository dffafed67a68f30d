"""Payout providers: how money leaves for a seller (simulated, bank batch file, WeChat Pay
merchant transfer). Each takes a `PayoutOrder` and answers a `PayoutOutcome`; a failure that
may pass (timeout, WeChat busy) raises `PayoutTransientError` and the payout is tried again
with the same idempotency key."""

from xiangcun.finance.providers.bank import BankFileProvider, bank_file_csv
from xiangcun.finance.providers.base import (
    PayoutOrder,
    PayoutOutcome,
    PayoutProvider,
    PayoutTransientError,
)
from xiangcun.finance.providers.simulated import SimulatedProvider
from xiangcun.finance.providers.wechat import WechatTransferProvider

__all__ = [
    "BankFileProvider",
    "PayoutOrder",
    "PayoutOutcome",
    "PayoutProvider",
    "PayoutTransientError",
    "SimulatedProvider",
    "WechatTransferProvider",
    "bank_file_csv",
    "provider_for",
]


def provider_for(name: str) -> PayoutProvider:
    """The provider a payout account's method names."""
    providers: dict[str, type[PayoutProvider]] = {
        "simulated": SimulatedProvider,
        "bank": BankFileProvider,
        "wechat": WechatTransferProvider,
    }
    return providers[name]()
