"""The station counter: hand a parcel over to whoever tells its pickup code, and send back to
the warehouse a parcel nobody collected."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import PickupCodeForm, ReturnStartForm
from xiangcun.logistics.types import HANDOVER_ROLES, UNCOLLECTED_AFTER
from xiangcun.logistics.views._common import allow
from xiangcun.orders.selectors import order_get
from xiangcun.regions.selectors import stations_list

STATION_SESSION_KEY = "logistics_station_id"
# The counter's refusals are about the code typed: a wrong code names the field itself; the
# counter locked after wrong codes, and cash still to take for the parcel found, are shown there
# too.
HANDOVER_ERROR_FIELDS = {"pickup_code_locked": "code", "cash_not_collected": "code"}


def _station_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The counters the user may work at: an agent their own station only."""
    mine = services.stations_acted_at(user=user, roles=HANDOVER_ROLES)
    return [
        (station.id, localized(station))
        for station in stations_list()
        if station.kind in ("village_station", "service_centre")
        and (mine is None or station.id in mine)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """The station counter: type the customer's pickup code, see the parcel and recipient,
    confirm the hand-over. Wrong codes are counted; five lock the counter for 15 minutes."""
    allow(request, HANDOVER_ROLES)
    choices = _station_choices(request.user)
    member = selectors.staff_member_for(user=request.user)
    allowed = {station_id for station_id, _name in choices}
    default_station = next(
        (
            station_id
            for station_id in (
                request.session.get(STATION_SESSION_KEY),
                member.station_id if member else None,
            )
            if station_id in allowed
        ),
        None,
    )
    found = None
    done = None
    if request.method == "POST":
        form = PickupCodeForm(request.POST, stations=choices)
        if form.is_valid():
            station_id = form.cleaned_data["station"]
            request.session[STATION_SESSION_KEY] = station_id
            code = form.cleaned_data["code"]
            with refusal_on_form(form, fields=HANDOVER_ERROR_FIELDS):
                if request.POST.get("confirm") == "1":
                    done = services.parcel_handover(
                        actor=request.user, station_id=station_id, code=code
                    )
                    form = PickupCodeForm(initial={"station": station_id}, stations=choices)
                else:
                    found = services.parcel_code_check(
                        actor=request.user, station_id=station_id, code=code
                    )
    else:
        form = PickupCodeForm(initial={"station": default_station}, stations=choices)
    station_id = request.session.get(STATION_SESSION_KEY)
    if station_id not in allowed:
        station_id = default_station
    context = {
        "form": form,
        "found": found,
        "found_order": order_get(order_id=found.order_id, for_user=request.user) if found else None,
        "cash_due": selectors.parcel_cash_due(parcel=found) if found else None,
        "done": done,
        "waiting": selectors.parcels_at_station(station_id=station_id) if station_id else [],
        "uncollected_days": UNCOLLECTED_AFTER.days,
    }
    return render(request, "logistics/handover.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def parcel_return_start(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """Send back a parcel nobody collected: this page says what happens (the buyer's money goes
    back, the van takes the parcel to the warehouse) and asks to confirm. Whether it may go
    back yet is the service's rule (`parcel_return_start`); the page offers the button only
    for a parcel the selector says may go back."""
    allow(request, HANDOVER_ROLES)
    parcel = selectors.parcel_waiting_get(parcel_id=parcel_id, for_user=request.user)
    days = UNCOLLECTED_AFTER.days
    if not parcel.at_station:
        messages.error(
            request,
            _("Parcel %(number)s is not waiting at a station any more.")
            % {"number": parcel.number},
        )
        return redirect("logistics:handover")
    if request.method == "GET" and not parcel.may_go_back:
        messages.error(
            request,
            _("Parcel %(number)s has waited less than %(days)d days: keep it for its buyer.")
            % {"number": parcel.number, "days": days},
        )
        return redirect("logistics:handover")
    form = ReturnStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"] or _("Not collected in %(days)d days") % {
            "days": parcel.days_waiting
        }
        # Refused (too early, no longer waiting): nothing to confirm here any more either.
        with refusal_as_message(request):
            services.parcel_return_start(actor=request.user, parcel_id=parcel.id, note=note)
            messages.success(
                request,
                _("Parcel %(number)s goes back to the warehouse with the next van.")
                % {"number": parcel.number},
            )
        return redirect("logistics:handover")
    return render(
        request, "logistics/return_start.html", {"parcel": parcel, "form": form, "days": days}
    )
