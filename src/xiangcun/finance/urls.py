"""Finance pages under /finance/ (namespace `finance`)."""

from django.urls import path

from xiangcun.finance.views import loans as loan_views
from xiangcun.finance.views import officer as officer_views

app_name = "finance"

urlpatterns = [
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
]
