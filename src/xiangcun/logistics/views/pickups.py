"""Farm pickups: a seller (or an agent for a farmer) asks for goods to be collected from the
farm and sees their requests; the warehouse sees every pickup of a day."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.catalog.selectors import products_for_seller
from xiangcun.core.language import localized
from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import PickupRequestForm, minutes_of
from xiangcun.logistics.models import FarmPickup
from xiangcun.logistics.types import PICKUP_REQUEST_ROLES, WAREHOUSE_ROLES, hhmm
from xiangcun.logistics.views._common import allow, chosen_day
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.sellers.selectors import sellers_managed_by
from xiangcun.traceability.selectors import lots_for_seller

PICKUP_SELLER_KEY = "logistics_pickup_seller_id"
# The service's names for the fields of the pickup form.
PICKUP_ERROR_FIELDS = {"phone": "contact_phone", "invalid_phone": "contact_phone"}


def _pickup_farm(request: HttpRequest, managed: list[Any]) -> Any | None:
    """The farm the seller or agent works for: ?seller=, else the one kept in the session,
    else the only one they manage; None when an agent must still choose."""
    if request.GET.get("seller") == "":
        request.session.pop(PICKUP_SELLER_KEY, None)
    wanted = request.GET.get("seller") or request.session.get(PICKUP_SELLER_KEY)
    for seller in managed:
        if wanted and str(seller.pk) == str(wanted):
            request.session[PICKUP_SELLER_KEY] = seller.pk
            return seller
    return managed[0] if len(managed) == 1 else None


def _pickup_rows(pickups: list[FarmPickup]) -> list[dict[str, Any]]:
    return [
        {
            "pickup": pickup,
            "window": f"{hhmm(pickup.window_start_min)}\u2013{hhmm(pickup.window_end_min)}",
            "can_cancel": pickup.status == FarmPickup.Status.REQUESTED,
        }
        for pickup in pickups
    ]


def _pick_farm(request: HttpRequest, managed: list[Any]) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    shops = [s for s in managed if not query or query in s.name or query in s.name_en][:50]
    context = {"shops": shops, "query": query, "managed": managed}
    return render(request, "logistics/pickup_pick_farm.html", context)


@login_required
@require_safe
def pickups(request: HttpRequest) -> HttpResponse:
    """Farm pickups: the warehouse sees every pickup of a day; a seller sees their own farm's
    requests, and an agent those of the farmer they help."""
    allow(request, PICKUP_REQUEST_ROLES)
    if selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        day_form, day = chosen_day(request)
        context = {
            "day": day,
            "day_form": day_form,
            "rows": _pickup_rows(selectors.farm_pickups_for_day(day=day, include_cancelled=True)),
        }
        return render(request, "logistics/pickups_day.html", context)
    managed = sellers_managed_by(user=request.user)
    seller = _pickup_farm(request, managed)
    if seller is None:
        return _pick_farm(request, managed)
    context = {
        "seller": seller,
        "managed_count": len(managed),
        "rows": _pickup_rows(selectors.farm_pickups_for_seller(seller_id=seller.pk)),
    }
    return render(request, "logistics/pickups.html", context)


def _village_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    groups = []
    for township in townships_list():
        rows = villages_for_township(township_code=township.code)
        if rows:
            groups.append((localized(township), [(row.id, localized(row)) for row in rows]))
    return groups


def _pickup_form(request: HttpRequest, seller: Any) -> PickupRequestForm:
    variants = [
        (variant.pk, f"{localized(product)} · {localized(variant)}".strip(" ·"))
        for product in products_for_seller(seller_id=seller.pk)
        for variant in product.variants.all()
        if variant.is_active
    ]
    lots = [
        (lot.pk, f"{lot.code} · {localized(lot.product)} · {lot.harvested_on:%Y-%m-%d}")
        for lot in lots_for_seller(seller_id=seller.pk)
        if lot.status == "active"
    ][:30]
    owner = request.user if seller.owner_id == request.user.pk else None
    initial = {
        "day": timezone.localdate() + datetime.timedelta(days=1),
        "window_start": datetime.time(9),
        "window_end": datetime.time(12),
        "crates": 1,
        "village": seller.village_id,
        "contact_phone": seller.phone or (owner.phone if owner is not None else ""),
    }
    return PickupRequestForm(
        request.POST or None,
        variants=variants,
        villages=_village_choices(),
        lots=lots,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pickup_new(request: HttpRequest) -> HttpResponse:
    """Ask for goods to be collected from the farm: what, which day and hours, about how much,
    where (the village is enough; the driver calls the phone for the rest)."""
    allow(request, PICKUP_REQUEST_ROLES)
    managed = sellers_managed_by(user=request.user)
    seller = _pickup_farm(request, managed)
    if seller is None:
        return _pick_farm(request, managed)
    form = _pickup_form(request, seller)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form, fields=PICKUP_ERROR_FIELDS) as outcome:
            services.farm_pickup_request(
                actor=request.user,
                seller_id=seller.pk,
                variant_id=data["variant"],
                day=data["day"],
                window_start_min=minutes_of(data["window_start"]),
                window_end_min=minutes_of(data["window_end"]),
                expected_kg=data["expected_kg"],
                crates=data["crates"],
                village_id=data["village"],
                place=data["place"],
                contact_phone=data["contact_phone"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                needs_cold_chain=data["needs_cold_chain"],
                lot_id=data.get("lot"),
                note=data["note"],
            )
        if outcome.done:
            messages.success(
                request, _("Pickup requested. The warehouse plans it into a route and calls you.")
            )
            return redirect("logistics:pickups")
    context = {
        "form": form,
        "seller": seller,
        "managed_count": len(managed),
        "position_open": bool(form["latitude"].errors or form["longitude"].errors),
    }
    return render(request, "logistics/pickup_form.html", context)


@login_required
@require_POST
def pickup_cancel(request: HttpRequest, pickup_id: int) -> HttpResponse:
    """Call off a pickup that is only requested (the warehouse returns to the day it showed)."""
    allow(request, PICKUP_REQUEST_ROLES)
    selectors.farm_pickup_get(pickup_id=pickup_id, for_user=request.user)
    with refusal_as_message(request):
        services.farm_pickup_cancel(actor=request.user, pickup_id=pickup_id)
        messages.success(request, _("Pickup cancelled."))
    day = request.POST.get("day", "")
    if day and selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES):
        return redirect(f"{reverse('logistics:pickups')}?{urlencode({'day': day})}")
    return redirect("logistics:pickups")
