"""The finance staff's payouts page (/finance/payouts/): the latest runs, "run payouts now"
(with a confirmation), payouts that need a person (failed ones: retry or return; bank ones:
paid or refused by the bank), and each run's bank file. The services decide who may."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import NotFoundError, PermissionDeniedError
from xiangcun.core.pages import refusal_as_message
from xiangcun.finance import selectors, services

ACTIONS = {
    "retry": services.payout_retry,
    "return": services.payout_return,
    "paid": services.payout_confirm_paid,
}


def _staff(request: HttpRequest) -> None:
    if not services.payouts_permitted(user=request.user):
        raise PermissionDenied


@login_required
@require_safe
def payouts(request: HttpRequest) -> HttpResponse:
    _staff(request)
    context = {
        "runs": selectors.payout_runs_recent(user=request.user),
        "waiting": selectors.payouts_needing_staff(user=request.user),
        "next_day": selectors.next_payout_day(),
    }
    return render(request, "finance/payouts_staff.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def run_now(request: HttpRequest) -> HttpResponse:
    """GET asks "are you sure?"; POST runs today's payouts."""
    _staff(request)
    if request.method == "GET":
        return render(
            request, "finance/payouts_run_confirm.html", {"day": selectors.next_payout_day()}
        )
    with refusal_as_message(request) as outcome:
        run = services.payout_run(actor=request.user)
    if outcome.error is None:
        messages.success(
            request, _("Payouts run: %(count)s paid or sent.") % {"count": run.payouts.count()}
        )
    return redirect("finance:payouts")


@login_required
@require_POST
def payout_act(request: HttpRequest, payout_id: int, action: str) -> HttpResponse:
    _staff(request)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404
    with refusal_as_message(request) as outcome:
        service(actor=request.user, payout_id=payout_id)
    if outcome.error is None:
        messages.success(request, _("The payout is updated."))
    return redirect("finance:payouts")


@login_required
@require_safe
def bank_file(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        name, data = selectors.bank_file_for_run(user=request.user, run_id=run_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type="text/csv; charset=gb18030")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
