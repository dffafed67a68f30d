"""The receipt of an assisted order (large type, printable), the station's day report
(supervisors choose the station and the day), and the agent's commission."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from xiangcun.core.language import localized
from xiangcun.regions.selectors import stations_list
from xiangcun.servicecenter import selectors
from xiangcun.servicecenter.forms import ReportForm
from xiangcun.servicecenter.services._common import require_agent, stations_of


@login_required
@require_safe
def receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    """The receipt of an order an agent placed: the service says who may read it."""
    found = selectors.assisted_order_receipt(actor=request.user, order_id=order_id)
    return render(request, "servicecenter/receipt.html", {"receipt": found})


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """One station's day: drawers, cash in and out, variances, orders. An agent sees their own
    station; supervisors choose it. Any day up to today."""
    require_agent(request.user)
    mine = stations_of(request.user)
    stations = [s for s in stations_list() if mine is None or s.id in mine]
    form = ReportForm(request.GET or None)
    form.fields["station"].choices = [(s.id, f"{s.township} · {localized(s)}") for s in stations]  # type: ignore[attr-defined]
    today = timezone.localdate()
    station_id: int | None = None
    day: datetime.date = today
    if form.is_bound and form.is_valid():
        station_id = form.cleaned_data["station"] or None
        day = min(form.cleaned_data["day"] or today, today)
    if station_id is None and len(stations) == 1:
        station_id = stations[0].id
    found = None
    if station_id is not None:
        found = selectors.station_day_report(actor=request.user, station_id=station_id, day=day)
    context = {"form": form, "report": found, "day": day, "station_id": station_id}
    return render(request, "servicecenter/report.html", context)


@login_required
@require_safe
def commission(request: HttpRequest) -> HttpResponse:
    """The agent's commission: earned, reversed, paid, and what is owed to them now."""
    found = selectors.commission_for(actor=request.user)
    return render(request, "servicecenter/commission.html", {"commission": found})
