"""Every read of the finance app, one module per part; each re-exports its public selectors
here."""

from xiangcun.finance.selectors.credit import (
    assessment_latest,
    assessment_reasons,
    credit_rules_list,
    reason_text,
)
from xiangcun.finance.selectors.loans import (
    QueueRow,
    ScheduleLine,
    loan_for,
    loan_history,
    loan_is_officer,
    loan_products_all,
    loan_products_offered,
    loan_schedule_lines,
    loans_all,
    loans_box,
    loans_of,
    next_instalment,
    officer_approved,
    officer_queue,
    seller_loan_history,
)

__all__ = [
    "QueueRow",
    "ScheduleLine",
    "assessment_latest",
    "assessment_reasons",
    "credit_rules_list",
    "loan_for",
    "loan_history",
    "loan_is_officer",
    "loan_products_all",
    "loan_products_offered",
    "loan_schedule_lines",
    "loans_all",
    "loans_box",
    "loans_of",
    "next_instalment",
    "officer_approved",
    "officer_queue",
    "reason_text",
    "seller_loan_history",
]
