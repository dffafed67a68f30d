"""The seller's "orders for my shop" page (/orders/shop/): their own lines of each order, and
the button for their next step (packing, shipped). A seller moves their own lines, never the
whole order."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.pages import page_number, pagination, refusal_as_message
from xiangcun.orders import selectors, services
from xiangcun.orders.models import Order, OrderLine
from xiangcun.sellers.selectors import sellers_managed_by

# The shop the console works on, shared with catalog's and inventory's console pages.
CONSOLE_SELLER_KEY = "console_seller_id"


def _console_seller(request: HttpRequest) -> tuple[Any | None, list[Any]]:
    managed = sellers_managed_by(user=request.user)
    wanted = request.GET.get("seller") or request.session.get(CONSOLE_SELLER_KEY)
    if wanted:
        for seller in managed:
            if str(seller.pk) == str(wanted):
                request.session[CONSOLE_SELLER_KEY] = seller.pk
                return seller, managed
    return (managed[0] if len(managed) == 1 else None), managed


@dataclass
class ShopOrder:
    """One order on the page: the shop's own lines, their subtotal, and the shop's next step."""

    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")
    next_step: str = ""


@login_required
@require_safe
def shop_orders(request: HttpRequest) -> HttpResponse:
    seller, managed = _console_seller(request)
    if not managed:
        raise PermissionDenied
    shop_rows: list[ShopOrder] = []
    pages = None
    if seller is not None:
        page = selectors.order_lines_for_seller(seller_id=seller.pk, page=page_number(request))
        by_order: dict[int, ShopOrder] = {}
        for line in page.items:
            row = by_order.setdefault(line.order_id, ShopOrder(order=line.order))
            row.lines.append(line)
            row.subtotal += line.line_total
        for row in by_order.values():
            row.next_step = selectors.order_seller_next_step(order=row.order, lines=row.lines)
        shop_rows = list(by_order.values())
        pages = pagination(request, page)
    context = {
        "seller": seller,
        "managed": managed,
        "rows": shop_rows,
        "pagination": pages,
    }
    return render(request, "orders/shop_orders.html", context)


@login_required
@require_POST
def shop_order_step(request: HttpRequest, order_id: int) -> HttpResponse:
    to_status = request.POST.get("to_status", "")
    if to_status not in {Order.Status.PACKING, Order.Status.SHIPPED}:
        messages.error(request, _("Choose packing or shipped."))
        return redirect("orders:shop")
    with refusal_as_message(request) as outcome:
        services.order_transition(actor=request.user, order_id=order_id, to_status=to_status)
    if outcome.done:
        messages.success(
            request,
            _("Order marked as: %(status)s.") % {"status": Order.Status(to_status).label},
        )
    return redirect("orders:shop")
