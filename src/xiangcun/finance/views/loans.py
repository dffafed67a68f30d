"""The seller's loan pages: apply (for their shop, or an agent for a farmer's shop), my loans,
one loan with its assessment in plain words, the officer's question to answer, the schedule,
and withdraw. Views parse and call one service; selectors say what to show."""

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import NotFoundError
from xiangcun.core.forms import choices_set
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.finance import selectors, services
from xiangcun.finance.models import Loan, LoanProduct
from xiangcun.sellers.selectors import approved_seller_ids_managed_by, sellers_managed_by


def product_label(product: LoanProduct) -> str:
    """The product's name in the reader's language (English pages use the English name)."""
    if (get_language() or "").startswith("en") and product.name_en:
        return product.name_en
    return product.name


class ApplyForm(forms.Form):
    seller = forms.TypedChoiceField(label=gettext_lazy("Shop"), coerce=int)
    product = forms.TypedChoiceField(label=gettext_lazy("Loan"), coerce=int)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"),
        min_value=1,
        max_value=10**9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": gettext_lazy("Enter the amount.")},
    )
    periods = forms.IntegerField(
        label=gettext_lazy("Number of repayments"),
        min_value=1,
        max_value=360,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("Enter the number of repayments.")},
    )
    purpose = forms.CharField(
        label=gettext_lazy("What is the money for?"), max_length=200, required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write your answer.")},
    )


def _loan_or_404(request: HttpRequest, loan_id: int) -> Loan:
    try:
        return selectors.loan_for(user=request.user, loan_id=loan_id)
    except NotFoundError:
        raise Http404 from None


def _new_key() -> str:
    """A key for this form, so a double submit answers the loan made first."""
    return secrets.token_urlsafe(16)


@login_required
@require_http_methods(["GET", "POST"])
def loan_apply(request: HttpRequest) -> HttpResponse:
    approved = approved_seller_ids_managed_by(user=request.user)
    shops = [shop for shop in sellers_managed_by(user=request.user) if shop.pk in approved]
    products = list(selectors.loan_products_offered())
    form = ApplyForm(request.POST or None, initial={"idempotency_key": _new_key()})
    choices_set(form, "seller", [(shop.pk, localized(shop)) for shop in shops])
    choices_set(form, "product", [(p.pk, product_label(p)) for p in products])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form) as outcome:
            result = services.loan_apply(
                actor=request.user,
                seller_id=data["seller"],
                product_id=data["product"],
                amount=data["amount"],
                periods=data["periods"],
                purpose=data["purpose"],
                idempotency_key=data["idempotency_key"],
            )
        if outcome.done:
            messages.success(request, _("Application sent. A loan officer will look at it."))
            return redirect("finance:loan", loan_id=result.loan.pk)
    context = {
        "form": form,
        "shops": shops,
        "products": [(p, product_label(p)) for p in products],
    }
    return render(request, "finance/loan_apply.html", context)


@login_required
@require_safe
def loans_mine(request: HttpRequest) -> HttpResponse:
    loans = selectors.loans_of(user=request.user)
    rows = [(loan, product_label(loan.product)) for loan in loans]
    return render(request, "finance/loan_list.html", {"rows": rows})


def loan_context(request: HttpRequest, loan: Loan) -> dict[str, Any]:
    """What the applicant's page and the officer's page both show of a loan."""
    assessment = selectors.assessment_latest(loan=loan)
    return {
        "loan": loan,
        "product_name": product_label(loan.product),
        "assessment": assessment,
        "reasons": selectors.assessment_reasons(assessment=assessment),
        "schedule": selectors.loan_schedule_lines(loan=loan),
        "preview": not loan.instalments.exists(),
        "history": selectors.loan_history(loan=loan),
        "awaiting_second": services.awaiting_second_officer(loan),
    }


@login_required
@require_http_methods(["GET", "POST"])
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    """The applicant's loan: status, reasons, the officer's question (answer it), schedule."""
    loan = _loan_or_404(request, loan_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.loan_answer(
                actor=request.user, loan_id=loan.pk, note=form.cleaned_data["note"]
            )
        if outcome.done:
            messages.success(request, _("Answer sent. Your application is back with the officer."))
            return redirect("finance:loan", loan_id=loan.pk)
    context = loan_context(request, loan)
    context["form"] = form
    context["can_withdraw"] = loan.status in (
        Loan.Status.SUBMITTED,
        Loan.Status.MORE_INFO,
        Loan.Status.APPROVED,
    )
    return render(request, "finance/loan_detail.html", context)


@login_required
@require_POST
def loan_withdraw(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id)
    with refusal_as_message(request) as outcome:
        services.loan_withdraw(actor=request.user, loan_id=loan.pk)
    if outcome.done:
        messages.success(request, _("Application withdrawn."))
    return redirect("finance:loan", loan_id=loan.pk)
