"""The finance API (filled in by the finance work)."""

from ninja import Router

from xiangcun.finance.api_loans import router as loans_router
from xiangcun.finance.api_payouts import router as payouts_router
from xiangcun.finance.api_repayments import router as repayments_router

router = Router()
# Loan products, applications, decisions and disbursement (finance/api_loans.py).
router.add_router("", loans_router)
# Balance, statements, payouts and payout runs (finance/api_payouts.py).
router.add_router("", payouts_router)
# Repayments, arrears, portfolio figures and write-offs (finance/api_repayments.py).
router.add_router("", repayments_router)
