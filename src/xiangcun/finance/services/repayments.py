"""Repayments of loans (being built: this module is replaced by the repayments work)."""

import datetime
from decimal import Decimal


def loan_deduct_from_payout(
    *, seller_id: int, available: Decimal, reference: str, on: datetime.date
) -> Decimal:
    """Take the seller's due instalments out of a payout of `available` yuan, posting the
    repayment from the seller's available balance; returns the amount taken.

    Called inside the payout run's transaction. Placeholder until repayments land: takes
    nothing."""
    del seller_id, available, reference, on
    return Decimal("0.00")
