"""Every write of the finance app: settlement and payouts, loans, repayments.

Each engineer's module re-exports its public services here."""

from xiangcun.finance.services.credit import credit_assess, credit_facts, credit_score
from xiangcun.finance.services.loans import (
    Applied,
    awaiting_second_officer,
    loan_answer,
    loan_apply,
    loan_approve,
    loan_ask_more,
    loan_decline,
    loan_disburse,
    loan_withdraw,
)
from xiangcun.finance.services.payouts import (
    payout_confirm_paid,
    payout_record,
    payout_retry,
    payout_return,
    payout_run,
    payout_send,
    payouts_permitted,
    payouts_retry_due,
)
from xiangcun.finance.services.payouts_accounts import payout_account_set
from xiangcun.finance.services.products import loan_product_save
from xiangcun.finance.services.settlement import (
    SettlementResult,
    settlement_cutoff,
    settlement_date,
    settlement_days,
    settlement_run,
)
from xiangcun.finance.services.repayments import loan_deduct_from_payout

__all__ = [
    # settlement and payouts
    "SettlementResult",
    "payout_account_set",
    "payout_confirm_paid",
    "payout_record",
    "payout_retry",
    "payout_return",
    "payout_run",
    "payout_send",
    "payouts_permitted",
    "payouts_retry_due",
    "settlement_cutoff",
    "settlement_date",
    "settlement_days",
    "settlement_run",
    "Applied",
    "awaiting_second_officer",
    "credit_assess",
    "credit_facts",
    "credit_score",
    "loan_answer",
    "loan_apply",
    "loan_approve",
    "loan_ask_more",
    "loan_decline",
    "loan_deduct_from_payout",
    "loan_disburse",
    "loan_product_save",
    "loan_withdraw",
]
