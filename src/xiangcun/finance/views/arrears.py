"""The loan officer's arrears list (by bucket: days late, amount overdue, phone, last
reminder), the portfolio figures, and writing a loan off with a reason."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.errors import NotFoundError, PermissionDeniedError
from xiangcun.core.pages import refusal_on_form
from xiangcun.finance import selectors, services
from xiangcun.finance.selectors.arrears import officer_check

KIND_LABELS = {
    "before": gettext_lazy("Before the due date"),
    "late_1": gettext_lazy("1 day late"),
    "late_7": gettext_lazy("7 days late"),
    "late_30": gettext_lazy("30 days late"),
}


class WriteOffForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this loan written off?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _officer_only(request: HttpRequest) -> None:
    try:
        officer_check(request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None


@login_required
@require_safe
def arrears(request: HttpRequest) -> HttpResponse:
    bucket = request.GET.get("bucket", "")[:10]
    if bucket not in selectors.BUCKET_LABELS:
        bucket = ""
    try:
        rows = selectors.arrears_list(user=request.user, bucket=bucket)
        figures = selectors.portfolio_figures(user=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    context: dict[str, Any] = {
        "rows": [(row, KIND_LABELS.get(row.last_reminder_kind, "")) for row in rows[:200]],
        "bucket": bucket,
        "buckets": [(label, figures.by_bucket[label]) for label in selectors.BUCKET_LABELS],
        "figures": figures,
    }
    return render(request, "finance/arrears.html", context)


@login_required
@require_safe
def portfolio(request: HttpRequest) -> HttpResponse:
    try:
        figures = selectors.portfolio_figures(user=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    buckets = [(label, figures.by_bucket[label]) for label in selectors.BUCKET_LABELS]
    return render(request, "finance/portfolio.html", {"figures": figures, "buckets": buckets})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def write_off(request: HttpRequest, loan_id: int) -> HttpResponse:
    _officer_only(request)
    try:
        loan = selectors.loan_for_repayment(user=request.user, loan_id=loan_id)
    except NotFoundError:
        raise Http404 from None
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.loan_write_off(
                actor=request.user, loan_id=loan.pk, reason=form.cleaned_data["reason"]
            )
        if outcome.done:
            messages.success(
                request, _("Loan %(number)s is written off.") % {"number": loan.number}
            )
            return redirect("finance:arrears")
    balance = selectors.loan_balance(loan=loan)
    return render(
        request, "finance/arrears_write_off.html", {"loan": loan, "balance": balance, "form": form}
    )
