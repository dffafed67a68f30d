"""Every write of the finance app: settlement and payouts, loans, repayments.

Each engineer's module re-exports its public services here."""

from xiangcun.finance.services.arrears import (
    LOAN_REMINDER_SMS,
    late_fees_charge,
    loan_reminder_sms,
    loan_reminders_queue,
    loan_write_off,
)
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
from xiangcun.finance.services.repayments import (
    loan_deduct_from_payout,
    loan_repay,
    may_take_cash,
    repayment_online_start,
    repayment_payment_succeeded,
)
from xiangcun.finance.services.settlement import (
    SettlementResult,
    settlement_cutoff,
    settlement_date,
    settlement_days,
    settlement_run,
)


def finance_demo_load(*, password: str = "") -> dict[str, dict[str, int]]:
    """The finance demo (see finance.demo): loan products, officers and a loan in each state,
    then repayments on them and a loan in arrears, then payout accounts and today's
    settlement, in that order."""
    # Imported here: the demo module uses these services.
    from xiangcun.finance import demo

    return {
        "loans": demo.loans_demo_load(password=password),
        "repayments": demo.repayments_demo_load(),
        "payouts": demo.payouts_demo_load(),
    }


__all__ = [
    "LOAN_REMINDER_SMS",
    "Applied",
    "SettlementResult",
    "awaiting_second_officer",
    "credit_assess",
    "credit_facts",
    "credit_score",
    "finance_demo_load",
    "late_fees_charge",
    "loan_answer",
    "loan_apply",
    "loan_approve",
    "loan_ask_more",
    "loan_decline",
    "loan_deduct_from_payout",
    "loan_disburse",
    "loan_product_save",
    "loan_reminder_sms",
    "loan_reminders_queue",
    "loan_repay",
    "loan_withdraw",
    "loan_write_off",
    "may_take_cash",
    "payout_account_set",
    "payout_confirm_paid",
    "payout_record",
    "payout_retry",
    "payout_return",
    "payout_run",
    "payout_send",
    "payouts_permitted",
    "payouts_retry_due",
    "repayment_online_start",
    "repayment_payment_succeeded",
    "settlement_cutoff",
    "settlement_date",
    "settlement_days",
    "settlement_run",
]
