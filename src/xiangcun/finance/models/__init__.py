"""Finance records, one module per part: loans (products, loans, instalments), applications
(credit rules and assessments), repayments, and payouts (settlement and payout runs)."""

from xiangcun.finance.models.applications import CreditAssessment, CreditRule, OfficerLimit
from xiangcun.finance.models.loans import Instalment, Loan, LoanAction, LoanProduct
from xiangcun.finance.models.payouts import Payout, PayoutAccount, PayoutMethod, PayoutRun
from xiangcun.finance.models.repayments import (
    LateFee,
    LoanReminder,
    Repayment,
    RepaymentAllocation,
)

__all__ = [
    "CreditAssessment",
    "CreditRule",
    "Instalment",
    "LateFee",
    "Loan",
    "LoanAction",
    "LoanProduct",
    "LoanReminder",
    "OfficerLimit",
    "Payout",
    "PayoutAccount",
    "PayoutMethod",
    "PayoutRun",
    "Repayment",
    "RepaymentAllocation",
]
