"""The cash drawer of a shift: open it with a float, see what it should hold and every movement,
take a loan repayment in cash, pay out a refund, and close it with the count (notes and coins),
the reason for any difference and the hand-over. Views parse and call one service."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xiangcun.core.pages import refusal_on_form
from xiangcun.finance.selectors import loans_for_cash
from xiangcun.regions.types import StationSummary
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.forms import (
    DrawerCloseForm,
    DrawerOpenForm,
    LoanRepaymentForm,
    RefundForm,
)
from xiangcun.servicecenter.views._common import page_context, station_page

OPEN_ERROR_FIELDS = {"float": "float_amount", "float_amount": "float_amount"}
CLOSE_ERROR_FIELDS = {
    "counted": "counted",
    "reason": "reason",
    "handed_to": "handed_to",
    "handed_amount": "handed_amount",
    "denominations": "counted",
}


def _drawer_url(request: HttpRequest, station: StationSummary, **query: Any) -> str:
    url = reverse("servicecenter:drawer") + str(page_context(request, station)["station_query"])
    for name, value in query.items():
        url += ("&" if "?" in url else "?") + f"{name}={value}"
    return url


def _closed(request: HttpRequest) -> Any:
    """The drawer just closed (?closed=<id>), to show its count and variance once."""
    raw = request.GET.get("closed", "")
    if not (raw.isdigit() and len(raw) <= 12):
        return None
    return selectors.drawer_get(actor=request.user, drawer_id=int(raw))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@station_page
def drawer(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    """No open drawer: the form to open one. An open one: what it should hold, its movements,
    the cash actions, and the count to close it."""
    current = selectors.drawer_open_for(actor=request.user, station_id=station.id)
    open_form = DrawerOpenForm(request.POST or None) if current is None else None
    if request.method == "POST" and open_form is not None and open_form.is_valid():
        with refusal_on_form(open_form, fields=OPEN_ERROR_FIELDS) as outcome:
            services.drawer_open(
                actor=request.user,
                float_amount=open_form.cleaned_data["float_amount"],
                station_id=station.id,
            )
        if outcome.done:
            messages.success(request, _("The drawer is open."))
            return redirect(_drawer_url(request, station))
    view = None
    if current is not None:
        view = selectors.drawer_get(actor=request.user, drawer_id=current.pk)
    context = page_context(
        request,
        station,
        open_form=open_form,
        drawer=view,
        close_form=DrawerCloseForm() if view is not None else None,
        closed=_closed(request) if current is None else None,
    )
    return render(request, "servicecenter/drawer.html", context)


@login_required
@require_http_methods(["POST"])
@station_page
def drawer_close(request: HttpRequest, drawer_id: int, *, station: StationSummary) -> HttpResponse:
    form = DrawerCloseForm(request.POST)
    if form.is_valid():
        counted = form.counted_total()
        if counted is None:
            form.add_error("counted", _("Count the notes and coins, or enter the total."))
        else:
            data = form.cleaned_data
            with refusal_on_form(form, fields=CLOSE_ERROR_FIELDS) as outcome:
                services.drawer_close(
                    actor=request.user,
                    drawer_id=drawer_id,
                    counted=counted,
                    reason=data["reason"],
                    denominations=form.denominations(),
                    handed_to=data["handed_to"] or "",
                    handed_amount=data["handed_amount"],
                )
            if outcome.done:
                messages.success(request, _("The drawer is closed."))
                return redirect(_drawer_url(request, station, closed=drawer_id))
    view = selectors.drawer_get(actor=request.user, drawer_id=drawer_id)
    context = page_context(request, station, open_form=None, drawer=view, close_form=form)
    return render(request, "servicecenter/drawer.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@station_page
def loan_repayment(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    """Take a loan repayment in cash into the drawer: the loan by number or the seller's mobile
    number, the amount."""
    form = LoanRepaymentForm(request.POST or None, initial={"key": secrets.token_hex(12)})
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = list(loans_for_cash(user=request.user, query=data["loan"]))
        if len(matches) == 1:
            with refusal_on_form(form, fields={"amount": "amount"}) as outcome:
                services.drawer_loan_repayment(
                    actor=request.user,
                    loan_id=matches[0].pk,
                    amount=data["amount"],
                    reference=f"cash:{data['key']}",
                    station_id=station.id,
                )
            if outcome.done:
                messages.success(request, _("The repayment is in the drawer."))
                return redirect(_drawer_url(request, station))
        elif not matches:
            form.add_error("loan", _("No running loan has this number or mobile number."))
        else:
            form.add_error(
                "loan", _("This mobile number has several loans: enter the loan number.")
            )
    context = page_context(request, station, form=form, matches=matches if len(matches) > 1 else [])
    return render(request, "servicecenter/loan_repayment.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@station_page
def refund(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    """Pay a refund out of the drawer in cash: a cash order returned, its refund agreed and
    waiting to be paid at this station (the refund number is on the return)."""
    form = RefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, fields={"refund": "refund"}) as outcome:
            services.drawer_refund_pay(
                actor=request.user,
                refund_number=form.cleaned_data["refund"].strip(),
                station_id=station.id,
            )
        if outcome.done:
            messages.success(request, _("The refund is paid out of the drawer."))
            return redirect(_drawer_url(request, station))
    return render(request, "servicecenter/refund.html", page_context(request, station, form=form))
