"""The staff page that takes cash for an order (/orders/cash/): find the order by the number
the buyer shows, then confirm the cash and where it is held."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xiangcun.core.pages import refusal_on_form
from xiangcun.orders import selectors, services
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.forms import CashConfirmForm, OrderNumberForm
from xiangcun.orders.views._common import group_lines, is_cash_staff, order_for, station_label
from xiangcun.regions.selectors import stations_list


def _require_cash_staff(request: HttpRequest) -> None:
    if not is_cash_staff(request):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def cash_find(request: HttpRequest) -> HttpResponse:
    """Staff type the number the buyer shows them and land on that order's cash page."""
    _require_cash_staff(request)
    form = OrderNumberForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        try:
            order = selectors.order_by_number(number=number)
        except OrderNotFoundError:
            form.add_error("number", _("No order has this number. Check it with the buyer."))
        else:
            return redirect("orders:cash", order_id=order.pk)
    return render(request, "orders/cash_find.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cash_confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    _require_cash_staff(request)
    view = order_for(request, order_id)
    order = view.order
    stations = stations_list()
    initial = {"station": order.station_id} if order.station_id else None
    form = CashConfirmForm(
        request.POST or None,
        stations=[(s.id, station_label(s)) for s in stations],
        initial=initial,
    )
    cash_due = selectors.order_cash_due(order=order)
    if request.method == "POST" and form.is_valid():
        if not cash_due:
            form.add_error(None, _("This order is not waiting for cash."))
        else:
            with refusal_on_form(form) as outcome:
                services.order_confirm_cash(
                    actor=request.user, order_id=order.pk, station_id=form.cleaned_data["station"]
                )
            if outcome.done:
                messages.success(
                    request,
                    _("Cash received for order %(number)s. The order is paid.")
                    % {"number": order.number},
                )
                return redirect("orders:cash", order_id=order.pk)
    context = {
        "order": order,
        "form": form,
        "groups": group_lines(view.lines),
        "cash_due": cash_due,
    }
    return render(request, "orders/cash_confirm.html", context)
