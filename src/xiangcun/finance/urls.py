"""Finance pages under /finance/ (namespace `finance`)."""

from django.urls import path

from xiangcun.finance.views import arrears as arrears_views
from xiangcun.finance.views import loans as loan_views
from xiangcun.finance.views import money as money_views
from xiangcun.finance.views import officer as officer_views
from xiangcun.finance.views import payouts_staff as payout_views
from xiangcun.finance.views import repayments as repayment_views

app_name = "finance"

urlpatterns = [
    # My money, statements and payouts (finance/views/money.py, finance/views/payouts_staff.py).
    path("", money_views.money, name="money"),
    path("account/", money_views.payout_account, name="payout_account"),
    path(
        "statements/<str:month>/",
        money_views.statement,
        name="statement",
    ),
    path(
        "statements/<str:month>/<str:kind>/",
        money_views.statement_download,
        name="statement_download",
    ),
    path("payouts/", payout_views.payouts, name="payouts"),
    path("payouts/run/", payout_views.run_now, name="payouts_run"),
    path("payouts/<int:payout_id>/<str:action>/", payout_views.payout_act, name="payout_act"),
    path("payouts/runs/<int:run_id>/bank.csv", payout_views.bank_file, name="bank_file"),
    # Loans: apply, my loans, the officer's queue, loan page and products (views/loans.py,
    # views/officer.py).
    path("loans/", loan_views.loans_mine, name="loans"),
    path("loans/apply/", loan_views.loan_apply, name="loan_apply"),
    path("loans/<int:loan_id>/", loan_views.loan_detail, name="loan"),
    path("loans/<int:loan_id>/withdraw/", loan_views.loan_withdraw, name="loan_withdraw"),
    path("officer/", officer_views.queue, name="officer"),
    path("officer/products/", officer_views.products, name="officer_products"),
    path("officer/loans/<int:loan_id>/", officer_views.loan_page, name="officer_loan"),
    *(
        path(
            f"officer/loans/<int:loan_id>/{action}/",
            officer_views.loan_act,
            {"action": action},
            name=f"officer_loan_{action.replace('-', '_')}",
        )
        for action in ("approve", "more-info", "decline", "disburse")
    ),
    # Repayments and arrears (finance/views/repayments.py, finance/views/arrears.py).
    path(
        "loans/<int:loan_id>/repayments/",
        repayment_views.loan_repayments,
        name="loan_repayments",
    ),
    path("cash/", repayment_views.cash_take, name="cash_take"),
    path(
        "repayments/<int:repayment_id>/receipt/",
        repayment_views.repayment_receipt,
        name="repayment_receipt",
    ),
    path("officer/arrears/", arrears_views.arrears, name="arrears"),
    path("officer/portfolio/", arrears_views.portfolio, name="portfolio"),
    path("officer/loans/<int:loan_id>/write-off/", arrears_views.write_off, name="write_off"),
]
