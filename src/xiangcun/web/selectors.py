"""Reads of the site shell: the demo page's rows."""

from dataclasses import dataclass

from django.conf import settings

from xiangcun.logistics.selectors import parcels_of_order
from xiangcun.logistics.services import pickup_code_for
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.selectors import order_by_number
from xiangcun.web.models import DemoSite


@dataclass(frozen=True)
class DemoPickup:
    order_number: str
    station: str
    code: str  # "" when the page may not show it (DEBUG off) or the parcel has left the station


def demo_site() -> DemoSite | None:
    """The demo marker, or None when `xiangcun demo` has not finished on this database."""
    return DemoSite.objects.filter().order_by("pk").first()


def demo_pickups(*, site: DemoSite) -> list[DemoPickup]:
    """The demo parcels waiting at a station, with their pickup codes only while DEBUG is on:
    the codes are derived again from each parcel (never stored in clear), as `xiangcun demo`
    prints them; a site with DEBUG off shows no code to anyone but the buyer's own pages."""
    pickups: list[DemoPickup] = []
    for row in site.pickup_orders:
        number, station = str(row.get("order", "")), str(row.get("station", ""))
        code = ""
        if settings.DEBUG:
            try:
                order = order_by_number(number=number)
            except OrderNotFoundError:
                continue
            # "at_station": logistics' Parcel.Status.AT_STATION (web may not import its models).
            waiting = [p for p in parcels_of_order(order_id=order.pk) if p.status == "at_station"]
            code = pickup_code_for(waiting[0]) if waiting else ""
        pickups.append(DemoPickup(order_number=number, station=station, code=code))
    return pickups
