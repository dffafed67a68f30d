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
    PAYOUT_SETTLED = "payout_settled"
    SETTLEMENT = "settlement"
    DISBURSEMENT = "disbursement"
    REPAYMENT = "repayment"
    LOAN_CHARGE = "loan_charge"
    WRITE_OFF = "write_off"
    CARRIER_CHARGE = "carrier_charge"
    ADJUSTMENT = "adjustment"
    AGENT_COMMISSION = "agent_commission"
    CORRECTION = "correction"


BUYER_PAYMENTS_CLEARING = "buyer_payments_clearing"
COMMISSION_INCOME = "commission_income"
DELIVERY_INCOME = "delivery_income"
CASH_COUNTY = "cash:county"
# The programme's bank account, that payouts leave from.
BANK_OPERATING = "bank:operating"
# What national carriers charge us for the parcels they carry.
SHIPPING_EXPENSE = "shipping_expense"
INTEREST_INCOME = "interest_income"
LOAN_FEE_INCOME = "loan_fee_income"
PENALTY_INCOME = "penalty_income"
LOAN_LOSS_EXPENSE = "loan_loss_expense"
# Cash counted at a station's shift close that differs from what the drawer should hold.
CASH_VARIANCE = "cash_variance"
# What service-centre agents earn for assisted sales, parcels handed over, applicants registered.
AGENT_COMMISSION_EXPENSE = "agent_commission_expense"


def provider_receivable_account(provider: str) -> str:
    """Money a payment provider (wechat, sandbox) holds for us."""
    return f"provider_receivable:{provider}"


def station_cash_account(station_id: int) -> str:
    """Cash taken at a station, or by a courier for that station."""
    return f"cash:station:{station_id}"


def seller_payable_account(seller_id: int) -> str:
    """What the platform owes a seller for sales still inside the settlement window."""
    return f"seller_payable:{seller_id}"


def seller_available_account(seller_id: int) -> str:
    """What the platform owes a seller and may pay out now (settled sales, loan money)."""
    return f"seller_available:{seller_id}"


def agent_commission_account(agent_id: int) -> str:
    """Commission earned by a service-centre agent (a user) and not yet paid."""
    return f"agent_commission_payable:{agent_id}"


def carrier_payable_account(carrier: str) -> str:
    """What we owe a national carrier (sf, ems, kuaidi100 ...) for parcels it carried."""
    return f"carrier_payable:{carrier}"


def payout_clearing_account(provider: str) -> str:
    """Payouts sent through a provider (bank, wechat, simulated) and not yet confirmed."""
    return f"payout_clearing:{provider}"


def loan_receivable_account(loan_id: int) -> str:
    """Principal a borrower still owes on one loan."""
    return f"loan_receivable:{loan_id}"


def loan_credit_account(loan_id: int) -> str:
    """Money paid on a loan beyond what it owes (an overpayment, held as credit)."""
    return f"loan_credit:{loan_id}"


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
