"""The chart of accounts as codes, and the plain values the ledger hands to other apps.

Build account codes with the helpers here rather than by hand, so a typo cannot open a new
account: `seller_payable_account(12)` is "seller_payable:12".
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class EntryKind(StrEnum):
    """Kinds of journal entry (the same values as JournalEntry.Kind, for other apps)."""

    PAYMENT = "payment"
    COMMISSION = "commission"
    REFUND = "refund"
    CASH_COLLECTED = "cash_collected"
    CASH_HANDOVER = "cash_handover"
    PAYOUT = "payout"
    CORRECTION = "correction"


BUYER_PAYMENTS_CLEARING = "buyer_payments_clearing"
COMMISSION_INCOME = "commission_income"
DELIVERY_INCOME = "delivery_income"
CASH_COUNTY = "cash:county"


def provider_receivable_account(provider: str) -> str:
    """Money a payment provider (wechat, sandbox) holds for us."""
    return f"provider_receivable:{provider}"


def station_cash_account(station_id: int) -> str:
    """Cash taken at a station, or by a courier for that station."""
    return f"cash:station:{station_id}"


def seller_payable_account(seller_id: int) -> str:
    """What the platform owes a seller."""
    return f"seller_payable:{seller_id}"


@dataclass(frozen=True)
class AccountSpec:
    """What an account code means: its kind (asset, liability, income, expense), readable
    name and the record it belongs to (by id only)."""

    code: str
    kind: str
    name: str
    owner_type: str = ""
    owner_id: int | None = None


@dataclass(frozen=True)
class StatementLine:
    """One line of a seller's statement; `amount` is positive when we owe the seller more."""

    date: datetime.datetime
    kind: str
    reference: str
    memo: str
    amount: Decimal
    balance: Decimal
