"""Plain records the finance app hands to other apps."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class LoanFact:
    """A loan disbursed on a day: the borrowing shop, its owner, its township and the principal.
    `township_id` is None for a shop outside the county."""

    loan_id: int
    seller_id: int
    owner_id: int
    township_id: int | None
    principal: Decimal


@dataclass(frozen=True)
class LoanPosition:
    """A loan open at the end of a day (disbursed by then, not closed by then): the principal
    not yet repaid then, and whether an instalment was more than 30 days overdue and unpaid
    then (PAR30)."""

    loan_id: int
    seller_id: int
    owner_id: int
    township_id: int | None
    outstanding: Decimal
    at_risk: bool


@dataclass(frozen=True)
class PayoutFact:
    """A payout paid on a day to a shop with a village in the county."""

    payout_id: int
    seller_id: int
    owner_id: int
    village_id: int
    township_id: int
    amount: Decimal


@dataclass(frozen=True)
class FinanceChanges:
    """What changed in finance since a time: single days whose facts changed (a payout paid,
    a loan disbursed), and the earliest day from which every later day's loan balances changed
    (a disbursement, a close, a repayment). None when nothing of the kind changed."""

    days: frozenset[datetime.date]
    balances_from: datetime.date | None
