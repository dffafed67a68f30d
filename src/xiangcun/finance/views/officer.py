"""The loan officer's pages: the queue (oldest first, score and suggested limit), approved loans
to disburse, one loan (assessment in plain words, the seller's balance and loan history, the
schedule preview for the proposed terms) with approve / ask for more / decline / disburse, and
the loan products. The services decide who may do what; these pages only pass the actor."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import NotFoundError
from xiangcun.core.forms import choices_set
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.finance import selectors, services
from xiangcun.finance.models import LoanProduct
from xiangcun.finance.models.loans import Amortization, Frequency, InterestMethod
from xiangcun.finance.views.loans import loan_context, product_label
from xiangcun.ledger.selectors import seller_balance


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"), min_value=1, max_value=10**9, decimal_places=2
    )
    product = forms.TypedChoiceField(label=gettext_lazy("Loan"), coerce=int)
    periods = forms.IntegerField(
        label=gettext_lazy("Number of repayments"), min_value=1, max_value=360
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note to the applicant"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProductForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=64)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=64, required=False)
    min_amount = forms.DecimalField(label=gettext_lazy("Smallest amount (yuan)"), decimal_places=2)
    max_amount = forms.DecimalField(label=gettext_lazy("Largest amount (yuan)"), decimal_places=2)
    min_periods = forms.IntegerField(label=gettext_lazy("Fewest repayments"))
    max_periods = forms.IntegerField(label=gettext_lazy("Most repayments"))
    frequency = forms.ChoiceField(label=gettext_lazy("Repaid"), choices=Frequency.choices)
    annual_rate = forms.DecimalField(
        label=gettext_lazy("Interest a year (%)"), decimal_places=3, max_digits=6
    )
    interest_method = forms.ChoiceField(
        label=gettext_lazy("Interest"), choices=InterestMethod.choices
    )
    amortization = forms.ChoiceField(label=gettext_lazy("Repayments"), choices=Amortization.choices)
    grace_principal = forms.IntegerField(
        label=gettext_lazy("Periods paying interest only"), initial=0, min_value=0
    )
    multiple = forms.IntegerField(
        label=gettext_lazy("Round instalments to a multiple of (yuan)"), initial=0, min_value=0
    )
    fee_flat = forms.DecimalField(label=gettext_lazy("Fee (yuan)"), initial=0, decimal_places=2)
    fee_percent = forms.DecimalField(
        label=gettext_lazy("Fee (percent of the loan)"), initial=0, decimal_places=2
    )


def _require_officer(request: HttpRequest) -> None:
    if not selectors.loan_is_officer(user=request.user):
        raise PermissionDenied


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    rows = [
        (row, product_label(row.loan.product)) for row in selectors.officer_queue(user=request.user)
    ]
    approved = [
        (loan, product_label(loan.product))
        for loan in selectors.officer_approved(user=request.user)
    ]
    return render(request, "finance/officer_queue.html", {"rows": rows, "approved": approved})


def _preview_terms(request: HttpRequest, loan: Any) -> tuple[Decimal, int]:
    """The terms to preview: what the officer typed (?amount=&periods=), else what was
    approved or asked."""
    amount = loan.principal or loan.requested_amount
    periods = loan.periods or loan.requested_periods
    try:
        amount = Decimal(request.GET.get("amount", "") or amount)
        periods = int(request.GET.get("periods", "") or periods)
    except (InvalidOperation, ValueError):
        pass
    if not amount.is_finite() or not 0 < amount < 10**9 or not 0 < periods <= 360:
        return loan.requested_amount, loan.requested_periods
    return amount, periods


@login_required
@require_safe
def loan_page(request: HttpRequest, loan_id: int) -> HttpResponse:
    _require_officer(request)
    try:
        loan = selectors.loan_for(user=request.user, loan_id=loan_id)
    except NotFoundError:
        raise Http404 from None
    amount, periods = _preview_terms(request, loan)
    context = loan_context(request, loan)
    if context["preview"]:
        context["schedule"] = selectors.loan_schedule_lines(
            loan=loan, amount=amount, periods=periods
        )
    approve = ApproveForm(
        initial={"amount": amount, "periods": periods, "product": loan.product_id}
    )
    choices_set(
        approve,
        "product",
        [(p.pk, product_label(p)) for p in selectors.loan_products_offered()],
    )
    context.update(
        {
            "approve_form": approve,
            "note_form": TextForm(),
            "balance": seller_balance(seller_id=loan.seller_id),
            "history_loans": selectors.seller_loan_history(
                seller_id=loan.seller_id, exclude=loan.pk
            ),
            "preview_amount": amount,
            "preview_periods": periods,
        }
    )
    return render(request, "finance/officer_loan.html", context)


@login_required
@require_POST
def loan_act(request: HttpRequest, loan_id: int, action: str) -> HttpResponse:
    """approve / more-info / decline / disburse: one service each; refusals as a message."""
    _require_officer(request)
    with refusal_as_message(request) as outcome:
        if action == "approve":
            form = ApproveForm(request.POST)
            choices_set(
                form, "product", [(p.pk, p.code) for p in selectors.loan_products_offered()]
            )
            if not form.is_valid():
                messages.error(request, _("Check the amount, loan and number of repayments."))
                return redirect("finance:officer_loan", loan_id=loan_id)
            data = form.cleaned_data
            loan = services.loan_approve(
                actor=request.user,
                loan_id=loan_id,
                amount=data["amount"],
                product_id=data["product"],
                periods=data["periods"],
            )
            done = (
                _("Approval recorded: a second officer must confirm it.")
                if services.awaiting_second_officer(loan)
                else _("Loan approved.")
            )
        elif action in ("more-info", "decline"):
            text = request.POST.get("text", "")[:1000]
            if action == "more-info":
                services.loan_ask_more(actor=request.user, loan_id=loan_id, note=text)
                done = _("Question sent to the applicant.")
            else:
                services.loan_decline(actor=request.user, loan_id=loan_id, reason=text)
                done = _("Application declined.")
        elif action == "disburse":
            services.loan_disburse(actor=request.user, loan_id=loan_id)
            done = _("Loan disbursed: the money is on the seller's balance.")
        else:
            raise Http404
    if outcome.done:
        messages.success(request, done)
    return redirect("finance:officer_loan", loan_id=loan_id)


@login_required
@require_http_methods(["GET", "POST"])
def products(request: HttpRequest) -> HttpResponse:
    """The loan products, and a form to add one (changes in the admin)."""
    _require_officer(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.loan_product_save(actor=request.user, data=form.cleaned_data)
        if outcome.done:
            messages.success(request, _("Loan product added."))
            return redirect("finance:officer_products")
    rows: list[tuple[LoanProduct, str]] = [
        (p, product_label(p)) for p in selectors.loan_products_all()
    ]
    return render(request, "finance/officer_products.html", {"form": form, "rows": rows})
