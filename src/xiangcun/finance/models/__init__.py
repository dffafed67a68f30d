"""Finance records, one module per part: loans (products, loans, instalments), applications
(credit rules and assessments), repayments, and payouts (settlement and payout runs)."""

from xiangcun.finance.models.applications import CreditAssessment, CreditRule, OfficerLimit
from xiangcun.finance.models.loans import Instalment, Loan, LoanAction, LoanProduct

__all__ = [
    "CreditAssessment",
    "CreditRule",
    "Instalment",
    "Loan",
    "LoanAction",
    "LoanProduct",
    "OfficerLimit",
]
