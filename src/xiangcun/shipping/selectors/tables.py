"""The rate tables as staff read them on /console/shipping/: carriers with their services,
and each service's zones with their rates."""

from __future__ import annotations

from django.db.models import Prefetch

from xiangcun.accounts.types import AnyUser
from xiangcun.shipping.errors import RateNotFoundError
from xiangcun.shipping.models import Carrier, CarrierService, Rate, Zone

VIEW_PERMISSION = "shipping.view_rate"
CONSOLE_PERMISSION = "shipping.change_rate"


def shipping_console_allowed(*, user: AnyUser, change: bool = False) -> bool:
    """Whether the user may read (or, with `change`, edit) the rate tables."""
    return bool(
        user.is_authenticated and user.has_perm(CONSOLE_PERMISSION if change else VIEW_PERMISSION)
    )


def carriers_list() -> list[Carrier]:
    """Every carrier with its services in `services_all` (a list, by code), active or not;
    two queries. Orders reads it to name an order's carrier and service."""
    services = CarrierService.objects.order_by("code")
    return list(
        Carrier.objects.prefetch_related(Prefetch("services", services, to_attr="services_all"))
    )


def rates_list() -> list[Rate]:
    """Every zone's rate with its zone, service and carrier, by carrier, service and days;
    one query."""
    return list(
        Rate.objects.select_related("zone__service__carrier").order_by(
            "zone__service__carrier__position",
            "zone__service__carrier__code",
            "zone__service__code",
            "zone__days_max",
            "zone_id",
        )
    )


def rate_get(*, rate_id: int) -> Rate:
    rate = Rate.objects.select_related("zone__service__carrier").filter(pk=rate_id).first()
    if rate is None:
        raise RateNotFoundError
    return rate


def zones_without_rate() -> list[Zone]:
    return list(Zone.objects.filter(rate__isnull=True).select_related("service__carrier"))
