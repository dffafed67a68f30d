"""The station desk: the agent's day on one page. Parcels waiting (hand-over by pickup code),
parcels to send back, assisted orders in progress, residents served today, the cash drawer, the
commission, and entry points: the service centre's own, the existing pages for farmers, and what
other apps registered (core.pages.desk_entries), never by importing them."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from xiangcun.accounts.auth import request_roles
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.pages import desk_entries
from xiangcun.logistics import selectors as logistics
from xiangcun.orders.types import OrderStatus
from xiangcun.regions.types import StationSummary
from xiangcun.servicecenter import selectors
from xiangcun.servicecenter.selectors.desk import residents_served_today
from xiangcun.servicecenter.views._common import page_context, station_page

# Existing pages an agent opens from the desk: (label, url name, roles that may open it).
_FARMER_ENTRIES: tuple[tuple[Any, str, frozenset[str]], ...] = (
    (
        _("Help a farmer list a product"),
        "console:home",
        frozenset({Role.AGENT, Role.ADMIN}),
    ),
    (
        _("Ask for a pickup from a farm"),
        "logistics:pickups",
        frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN}),
    ),
    (
        _("Hand over a parcel (pickup code)"),
        "logistics:handover",
        frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN}),
    ),
    (
        _("Take cash for an order"),
        "orders:cash_find",
        frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN}),
    ),
)


def _entries(request: HttpRequest) -> list[dict[str, str]]:
    roles = {str(role) for role in request_roles(request)}
    if request.user.is_superuser:
        roles.add(str(Role.ADMIN))
    found: list[dict[str, str]] = []
    for label, url_name, allowed in _FARMER_ENTRIES:
        if roles & {str(role) for role in allowed}:
            found.append({"label": str(label), "url": reverse(url_name), "key": url_name})
    for entry in desk_entries(roles):
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an app registered a page it no longer has: leave it out
            continue
        found.append({"label": str(entry.label), "url": url, "key": entry.key})
    return found


# Orders no longer in progress at the desk.
_DONE = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})


def _orders(request: HttpRequest, station: StationSummary) -> list[dict[str, Any]]:
    labels = dict(OrderStatus.choices)
    rows = selectors.assisted_orders(actor=request.user, station_id=station.id, limit=30)
    return [
        {
            "order_id": row.order_id,
            "number": row.number,
            "resident": row.resident,
            "status_label": str(labels.get(row.status, row.status)),
            "total": row.total,
        }
        for row in rows
        if row.status not in _DONE
    ][:10]


def _drawer(request: HttpRequest, station: StationSummary) -> Any:
    drawer = selectors.drawer_open_for(actor=request.user, station_id=station.id)
    if drawer is None:
        return None
    return selectors.drawer_get(actor=request.user, drawer_id=drawer.pk)


def _commission(request: HttpRequest) -> Any:
    # Supervisors earn none; their desk shows the station's day without it.
    if Role.AGENT not in request_roles(request):
        return None
    try:
        return selectors.commission_for(actor=request.user)
    except XiangcunError:
        return None


@login_required
@require_safe
@station_page
def desk(request: HttpRequest, *, station: StationSummary) -> HttpResponse:
    parcels = logistics.parcels_at_station(station_id=station.id, limit=50)
    returning = logistics.returns_at_stations(station_ids=[station.id]).get(station.id, [])
    overdue = [parcel for parcel in parcels if parcel.overdue]
    context = page_context(
        request,
        station,
        waiting=[parcel for parcel in parcels if not parcel.overdue],
        overdue=overdue,
        returning=returning,
        returns_count=len(overdue) + len(returning),
        orders=_orders(request, station),
        served=residents_served_today(actor=request.user, station_id=station.id),
        drawer=_drawer(request, station),
        commission=_commission(request),
        entries=_entries(request),
    )
    return render(request, "servicecenter/desk.html", context)
