"""What several order pages share: the order as the signed-in person may see it, lines grouped
by shop, pagination, and who counts as staff who take cash."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from xiangcun.accounts.auth import request_roles
from xiangcun.accounts.types import Role
from xiangcun.core.language import localized, reader_reads_english
from xiangcun.orders import selectors
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.models import OrderLine
from xiangcun.orders.types import OrderView
from xiangcun.regions.types import StationSummary

CASH_ROLES = frozenset({Role.AGENT, Role.COURIER, Role.DRIVER, Role.WAREHOUSE, Role.ADMIN})


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` page the form names, if it is on this site; else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def client_ip(request: HttpRequest) -> str:
    """The buyer's address as WeChat Pay's H5 channel wants it (the proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or ""


def station_label(station: StationSummary) -> str:
    name = localized(station)
    if not station.address:
        return name
    return (
        f"{name} ({station.address})" if reader_reads_english() else f"{name}（{station.address}）"
    )


def is_cash_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated and (user.is_superuser or request_roles(request) & CASH_ROLES)
    )


def order_for(request: HttpRequest, order_id: int) -> OrderView:
    """The order as the signed-in person may see it; 404 for anyone who may not."""
    try:
        return selectors.order_get(order_id=order_id, for_user=request.user)
    except OrderNotFoundError:
        raise Http404 from None


@dataclass
class SellerGroup:
    """An order's lines from one shop, with their subtotal."""

    seller: Any
    lines: list[OrderLine] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")


def group_lines(lines: Iterable[OrderLine]) -> list[SellerGroup]:
    groups: dict[int, SellerGroup] = {}
    for line in lines:
        group = groups.setdefault(line.seller_id, SellerGroup(seller=line.seller))
        group.lines.append(line)
        group.subtotal += line.line_total
    return list(groups.values())
