"""Every write of the finance app: settlement and payouts, loans, repayments.

Each engineer's module re-exports its public services here."""

from xiangcun.finance.services.repayments import loan_deduct_from_payout

__all__ = ["loan_deduct_from_payout"]
