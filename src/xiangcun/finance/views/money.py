"""The seller's "My money" page (/finance/): balance (available now, pending settlement), the
next payout, recent payouts, statements by month (page, CSV, PDF), where payouts go, and the
loans box (finance/_money_loans.html, written by the loans work). Views parse and call one
service; selectors decide who may see what."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.errors import XiangcunError
from xiangcun.core.pages import refusal_on_form
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import SellerMoneyNotFoundError
from xiangcun.finance.models import PayoutMethod
from xiangcun.finance.views.money_documents import statement_csv, statement_pdf
from xiangcun.sellers.selectors import seller_can_manage

LOANS_BOX = "finance/_money_loans.html"


def _loans_box_exists() -> bool:
    try:
        get_template(LOANS_BOX)
    except TemplateDoesNotExist:
        return False
    return True


def _seller_id(request: HttpRequest) -> int:
    """The shop asked for (?seller=), or the user's first; 404 when none may be shown."""
    raw = request.GET.get("seller", "")[:20]
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise Http404
        return int(raw)
    shops = selectors.money_sellers(user=request.user)
    if not shops:
        raise Http404
    return shops[0].id


@login_required
@require_safe
def money(request: HttpRequest) -> HttpResponse:
    shops = selectors.money_sellers(user=request.user)
    if not shops and not request.GET.get("seller"):
        return render(request, "finance/money_none.html", status=200)
    seller_id = _seller_id(request)
    try:
        summary = selectors.money_summary(user=request.user, seller_id=seller_id)
    except SellerMoneyNotFoundError:
        raise Http404 from None
    payouts = selectors.payouts_for_seller(user=request.user, seller_id=seller_id, limit=10)
    since = request.user.date_joined.date() if hasattr(request.user, "date_joined") else None
    context: dict[str, Any] = {
        "summary": summary,
        "shops": shops,
        "payouts": payouts,
        "months": selectors.statement_months(since=since) if since else [],
        "settlement_days": services.settlement_days(),
        "loans_box": _loans_box_exists(),
        "loans": selectors.loans_box(user=request.user) if _loans_box_exists() else [],
    }
    return render(request, "finance/money.html", context)


def _statement(request: HttpRequest, month: str) -> selectors.MonthStatement:
    try:
        seller = selectors.money_seller_check(user=request.user, seller_id=_seller_id(request))
        when = selectors.month_parse(month)
        return selectors.month_statement(user=request.user, seller_id=seller.id, month=when)
    except XiangcunError:
        raise Http404 from None


@login_required
@require_safe
def statement(request: HttpRequest, month: str) -> HttpResponse:
    result = _statement(request, month)
    return render(request, "finance/statement.html", {"statement": result})


@login_required
@require_safe
def statement_download(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    if kind not in {"csv", "pdf"}:
        raise Http404
    result = _statement(request, month)
    name = f"xiangcun-statement-{result.seller_id}-{result.month:%Y-%m}"
    if kind == "csv":
        response = HttpResponse(statement_csv(result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(statement_pdf(result), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


class PayoutAccountForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"), choices=PayoutMethod.choices, widget=forms.RadioSelect
    )
    account_name = forms.CharField(
        label=gettext_lazy("Account name"), max_length=64, required=False
    )
    account_number = forms.CharField(
        label=gettext_lazy("Account number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_name = forms.CharField(label=gettext_lazy("Bank"), max_length=64, required=False)
    openid = forms.CharField(label=gettext_lazy("WeChat openid"), max_length=64, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def payout_account(request: HttpRequest) -> HttpResponse:
    seller_id = _seller_id(request)
    try:
        summary = selectors.money_summary(user=request.user, seller_id=seller_id)
    except SellerMoneyNotFoundError:
        raise Http404 from None
    if request.method == "POST":
        if not seller_can_manage(user=request.user, seller_id=seller_id):
            # Finance staff may look at a shop's money, not say where it goes.
            raise Http404
        form = PayoutAccountForm(request.POST)
        if form.is_valid():
            with refusal_on_form(form):
                services.payout_account_set(
                    actor=request.user, seller_id=seller_id, **form.cleaned_data
                )
                return redirect(f"{reverse('finance:money')}?seller={seller_id}")
    else:
        form = PayoutAccountForm(initial={"method": summary.method})
    return render(request, "finance/payout_account.html", {"form": form, "summary": summary})
