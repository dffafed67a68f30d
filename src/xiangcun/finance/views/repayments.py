"""Repayment pages: the borrower's loan page (what is due when, what was paid and how it was
allocated, and "repay": WeChat Pay, or cash at a service centre), the agent's "take a loan
repayment in cash" form and its receipt. Views parse and call one service; selectors say what
to show; the services decide who may."""

import io
import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.errors import NotFoundError, PermissionDeniedError
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_on_form
from xiangcun.finance import selectors, services
from xiangcun.finance.selectors.arrears import instalment_owing
from xiangcun.finance.services.repayments import CASH_STAFF
from xiangcun.logistics.services import stations_acted_at
from xiangcun.regions.selectors import stations_list

AMOUNT_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class RepayOnlineForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount (¥)"), max_length=20, widget=AMOUNT_WIDGET)


class CashForm(forms.Form):
    station = forms.TypedChoiceField(label=gettext_lazy("Station"), coerce=int)
    loan = forms.CharField(
        label=gettext_lazy("Loan number or the seller's mobile number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amount = forms.CharField(label=gettext_lazy("Amount (¥)"), max_length=20, widget=AMOUNT_WIDGET)
    # Made when the form is shown: the same form sent twice records one repayment.
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)


def _loan_or_404(request: HttpRequest, loan_id: int) -> Any:
    try:
        return selectors.loan_for_repayment(user=request.user, loan_id=loan_id)
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None


def _schedule_rows(loan: Any) -> list[dict[str, Any]]:
    rows = []
    for row in selectors.loan_schedule(loan=loan):
        due = row.principal + row.interest + row.fee + row.penalty
        rows.append(
            {
                "number": row.number,
                "due_date": row.due_date,
                "principal": row.principal,
                "interest": row.interest,
                "fee": row.fee,
                "penalty": row.penalty,
                "due": due,
                "paid": due - instalment_owing(row),
                "owing": instalment_owing(row),
                "paid_at": row.paid_at,
            }
        )
    return rows


def _qr_svg(text: str) -> str:
    import segno

    buffer = io.StringIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def loan_repayments(request: HttpRequest, loan_id: int) -> HttpResponse:
    """The loan's schedule, its repayments with their allocation, and how to repay."""
    loan = _loan_or_404(request, loan_id)
    balance = selectors.loan_balance(loan=loan)
    suggested = balance.due_now or balance.next_due_amount
    form = RepayOnlineForm(
        request.POST or None, initial={"amount": f"{suggested:.2f}" if suggested else ""}
    )
    pay: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            repayment, client_data, _number = services.repayment_online_start(
                actor=request.user,
                loan_id=loan.pk,
                amount=form.cleaned_data["amount"],
                channel="native",
                return_url=reverse("finance:loan_repayments", kwargs={"loan_id": loan.pk}),
            )
        if outcome.done:
            link = client_data.get("approve_url") or client_data.get("h5_url")
            if isinstance(link, str) and link:
                return redirect(link)
            code_url = client_data.get("code_url")
            pay = {
                "reference": repayment.reference,
                "amount": repayment.amount,
                "qr": _qr_svg(code_url) if isinstance(code_url, str) and code_url else "",
            }
    context = {
        "loan": loan,
        "balance": balance,
        "schedule": _schedule_rows(loan),
        "repayments": selectors.loan_repayments(user=request.user, loan_id=loan.pk),
        "form": form,
        "pay": pay,
        "may_pay_online": loan.seller.owner_id == request.user.pk
        and loan.status in ("disbursed", "active"),
        "centres": stations_list(kind="service_centre")[:5],
    }
    return render(request, "finance/repay.html", context)


def _station_choices(request: HttpRequest) -> list[tuple[int, str]]:
    mine = stations_acted_at(user=request.user, roles=CASH_STAFF)
    rows = stations_list()
    if mine is not None:
        rows = [s for s in rows if s.id in mine]
    return [(s.id, f"{s.township} · {localized(s)}") for s in rows]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cash_take(request: HttpRequest) -> HttpResponse:
    """An agent (or officer) takes a loan repayment in cash: station, the loan by number or
    the seller's phone, the amount; then the receipt."""
    if not services.may_take_cash(user=request.user):
        raise PermissionDenied
    choices = _station_choices(request)
    form = CashForm(request.POST or None, initial={"key": secrets.token_hex(12)})
    station_field = form.fields["station"]
    assert isinstance(station_field, forms.TypedChoiceField)  # noqa: S101  (declared above)
    station_field.choices = choices
    if len(choices) == 1:
        form.fields["station"].initial = choices[0][0]
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = selectors.loans_for_cash(user=request.user, query=data["loan"])
        if len(matches) == 1:
            with refusal_on_form(form) as outcome:
                repayment = services.loan_repay(
                    actor=request.user,
                    loan_id=matches[0].pk,
                    amount=data["amount"],
                    channel="cash",
                    reference=f"cash:{data['key']}",
                    station_id=data["station"],
                )
            if outcome.done:
                return redirect("finance:repayment_receipt", repayment_id=repayment.pk)
        elif not matches:
            form.add_error("loan", _("No running loan has this number or mobile number."))
        else:
            form.add_error(
                "loan", _("This mobile number has several loans: enter the loan number.")
            )
    return render(
        request,
        "finance/repay_cash.html",
        {"form": form, "matches": matches if len(matches) > 1 else []},
    )


@login_required
@require_safe
def repayment_receipt(request: HttpRequest, repayment_id: int) -> HttpResponse:
    try:
        repayment = selectors.repayment_receipt(user=request.user, repayment_id=repayment_id)
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    balance = selectors.loan_balance(loan=repayment.loan)
    return render(
        request,
        "finance/repay_receipt.html",
        {"repayment": repayment, "balance": balance, "zero": Decimal("0.00")},
    )
