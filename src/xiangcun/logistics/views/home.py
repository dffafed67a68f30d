"""The logistics home: every logistics page, offered to the jobs that open it."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.logistics.errors import LogisticsPermissionDeniedError
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    PACKING_ROLES,
    PICKUP_REQUEST_ROLES,
    ROAD_ROLES,
    WAREHOUSE_ROLES,
)

# Every page, with the jobs that open it, in the order people need them.
HOME_LINKS: tuple[tuple[str, Any, Any, frozenset[Role]], ...] = (
    ("logistics:dispatch", "🗺️", gettext_lazy("Dispatch: today's routes"), WAREHOUSE_ROLES),
    ("logistics:route", "🚚", gettext_lazy("Today's route"), ROAD_ROLES - WAREHOUSE_ROLES),
    ("logistics:packing", "📦", gettext_lazy("Packing"), PACKING_ROLES),
    ("logistics:carriers", "🚛", gettext_lazy("National carriers"), PACKING_ROLES),
    ("logistics:intake", "⚖️", gettext_lazy("Intake and grading"), WAREHOUSE_ROLES),
    ("logistics:returns", "↩️", gettext_lazy("Returned parcels"), WAREHOUSE_ROLES),
    ("logistics:pickups", "🌾", gettext_lazy("Farm pickups"), PICKUP_REQUEST_ROLES),
    ("logistics:handover", "🤝", gettext_lazy("Hand over a parcel"), HANDOVER_ROLES),
    ("logistics:fleet", "🚐", gettext_lazy("Fleet"), WAREHOUSE_ROLES),
    ("logistics:staff", "👷", gettext_lazy("Staff and shifts"), WAREHOUSE_ROLES),
)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The logistics home: the pages of the user's jobs."""
    roles = user_roles(user=request.user)
    superuser = request.user.is_superuser
    links = [
        {"url": reverse(name), "icon": icon, "label": label}
        for name, icon, label, allowed in HOME_LINKS
        if superuser or roles & allowed
    ]
    if not links:
        raise LogisticsPermissionDeniedError
    return render(request, "logistics/home.html", {"links": links})
