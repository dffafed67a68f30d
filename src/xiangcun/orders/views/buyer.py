"""The buyer's orders (/orders/): the list, one order with its timeline and parcels, cancelling
and asking for a return. Staff and sellers open the same order page (a seller sees their own
lines only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xiangcun.core.errors import NotFoundError
from xiangcun.core.pages import page_number, pagination, refusal_as_message, refusal_on_form
from xiangcun.orders import selectors, services
from xiangcun.orders.forms import CancelForm, ReturnForm
from xiangcun.orders.models import Order
from xiangcun.orders.templatetags.order_pages import local
from xiangcun.orders.types import OrderView
from xiangcun.orders.views._common import (
    group_lines,
    is_cash_staff,
    order_for,
)
from xiangcun.orders.views.payment import (
    awaits_wechat,
    wechat_panel,
    wechat_signin_first,
    wechat_synced,
)
from xiangcun.regions.selectors import station_get
from xiangcun.shipping.selectors import carriers_list
from xiangcun.traceability.selectors import lot_links_for_order_lines

# The page offers a return once the order is delivered (or completed); the table also lets a
# buyer ask again after a partial refund, through the API.
RETURNABLE = frozenset({Order.Status.DELIVERED, Order.Status.COMPLETED})


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    page = selectors.orders_for_buyer(user=request.user, page=page_number(request))
    context = {"orders": page, "pagination": pagination(request, page)}
    return render(request, "orders/order_list.html", context)


def _order_page(
    request: HttpRequest, view: OrderView, *, return_form: ReturnForm | None = None
) -> HttpResponse:
    order = view.order
    returnable = view.is_buyer and order.status in RETURNABLE
    if returnable and return_form is None:
        return_form = ReturnForm(
            lines=[line for line in view.lines if line.returned_quantity < line.quantity]
        )
    station = None
    if order.station_id:
        try:
            station = station_get(station_id=order.station_id)
        except NotFoundError:
            station = None
    context = {
        "order": order,
        "station": station,
        "groups": group_lines(view.lines),
        "lot_links": lot_links_for_order_lines(order_line_ids=[line.pk for line in view.lines]),
        "whole": view.whole,
        "is_buyer": view.is_buyer,
        "page_parts": selectors.order_page_parts(order=order, for_user=request.user),
        "timeline": selectors.order_timeline(order=order),
        "can_pay": view.is_buyer and order.status == Order.Status.PENDING_PAYMENT,
        "can_cancel": view.is_buyer
        and Order.Status.CANCELLED in selectors.order_buyer_moves(order=order),
        "cancel_form": CancelForm(),
        "return_form": return_form if returnable else None,
        "can_confirm_cash": selectors.order_cash_due(order=order) and is_cash_staff(request),
        "carrier_label": carrier_label(order),
        **wechat_panel(request, view),
    }
    return render(request, "orders/order_detail.html", context)


def carrier_label(order: Order) -> str:
    """The carrier and service of an order sent outside the county, in the reader's language
    (the codes if shipping no longer knows them)."""
    if not order.shipping_carrier:
        return ""
    for carrier in carriers_list():
        if carrier.code != order.shipping_carrier:
            continue
        # `services_all`: prefetched by carriers_list.
        for service in getattr(carrier, "services_all", ()):
            if service.code == order.shipping_service:
                return f"{local(carrier)} {local(service)}"
        return local(carrier)
    return f"{order.shipping_carrier} {order.shipping_service}"


@login_required
@require_safe
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    view = order_for(request, order_id)
    if awaits_wechat(view) and (signin := wechat_signin_first(request)):
        return signin
    return _order_page(request, wechat_synced(request, view))


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_for(request, order_id).order
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with refusal_as_message(request) as outcome:
        services.order_cancel(actor=request.user, order_id=order.pk, reason=reason)
    if outcome.done:
        messages.success(request, _("The order is cancelled."))
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def order_return(request: HttpRequest, order_id: int) -> HttpResponse:
    view = order_for(request, order_id)
    order = view.order
    if not view.is_buyer or order.status not in RETURNABLE:
        messages.error(request, _("A return can be asked for once the order has been delivered."))
        return redirect("orders:detail", order_id=order.pk)
    lines = [line for line in order.lines.all() if line.returned_quantity < line.quantity]
    form = ReturnForm(request.POST, lines=lines)
    if form.is_valid():
        with refusal_on_form(form) as outcome:
            services.return_request(
                actor=request.user,
                order_id=order.pk,
                lines=form.chosen_lines(),
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        if outcome.done:
            messages.success(request, _("We have your return request. We will text you."))
            return redirect("orders:detail", order_id=order.pk)
    return _order_page(request, view, return_form=form)
