"""Packing: the orders waiting to be packed, the pick list and packing slip of one order, the
form that closes the box (with the lot each line came from) and its label; a parcel for outside
the county goes on to its carrier page (`carriers`)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.pages import refusal_on_form
from xiangcun.logistics import selectors, services
from xiangcun.logistics.forms import PackingCompleteForm
from xiangcun.logistics.labels import parcel_label_pdf, parcel_trace_links
from xiangcun.logistics.models import PackingTask, Parcel
from xiangcun.logistics.types import PACKING_ROLES
from xiangcun.logistics.views._common import allow
from xiangcun.orders.selectors import order_get
from xiangcun.traceability.selectors import lots_for_seller


@login_required
@require_safe
def packing_list(request: HttpRequest) -> HttpResponse:
    """Orders waiting to be packed, boxes being packed, and those packed lately."""
    allow(request, PACKING_ROLES)
    context = {
        "waiting": selectors.orders_waiting_for_packing(),
        "open_tasks": selectors.packing_tasks_open(),
        "recent": selectors.packing_tasks_recent(),
    }
    return render(request, "logistics/packing_list.html", context)


@login_required
@require_POST
def packing_open(request: HttpRequest, order_id: int) -> HttpResponse:
    """Start packing an order."""
    task = services.packing_task_open(actor=request.user, order_id=order_id)
    return redirect("logistics:packing_task", task_id=task.pk)


def _lot_choices(order_lines: list[Any]) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """Per order line, the lots it may be packed from (`services.lot_packable_for_line`)."""
    lots_by_seller: dict[int, list[Any]] = {}
    lines = []
    for line in order_lines:
        if line.seller_id not in lots_by_seller:
            lots_by_seller[line.seller_id] = lots_for_seller(seller_id=line.seller_id)
        lots = [
            (str(lot.pk), f"{lot.code} · {lot.harvested_on:%Y-%m-%d}")
            for lot in lots_by_seller[line.seller_id]
            if services.lot_packable_for_line(lot=lot, line=line)
        ]
        lines.append((line.pk, f"{line.product_name} {line.variant_name}", lots))
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def packing_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """The pick list and packing slip of one order, and the form that closes the box."""
    allow(request, PACKING_ROLES)
    task = selectors.packing_task_get(task_id=task_id)
    order = order_get(order_id=task.order_id, for_user=request.user)
    is_open = task.status == PackingTask.Status.OPEN
    form = PackingCompleteForm(
        request.POST or None, lines=_lot_choices(order.lines) if is_open else []
    )
    if request.method == "POST" and is_open and form.is_valid():
        # The service names a lot's field `lots.<line id>`; here it is `lot_<line id>`.
        fields = {str(line_id): name for line_id, name in form.line_fields}
        with refusal_on_form(form, fields=fields) as outcome:
            services.packing_complete(
                actor=request.user,
                task_id=task.pk,
                weight_g=int(form.cleaned_data["weight_kg"] * Decimal(1000)),
                crates=form.cleaned_data["crates"],
                lots=form.lots(),
                needs_cold_chain=form.cleaned_data["needs_cold_chain"],
            )
        if outcome.done:
            messages.success(request, _("Packed. Print the label and stick it on the box."))
            return redirect("logistics:packing_task", task_id=task.pk)
    parcel = getattr(task, "parcel", None) if task.status == PackingTask.Status.PACKED else None
    context = {
        "task": task,
        "order": order.order,
        "lines": order.lines,
        "form": form,
        "parcel": parcel,
        "carrier_parcel": parcel is not None and parcel.destination == Parcel.Destination.CARRIER,
        "trace_links": parcel_trace_links(parcel=parcel) if parcel else [],
    }
    return render(request, "logistics/packing_task.html", context)


@login_required
@require_safe
def packing_label(request: HttpRequest, task_id: int) -> HttpResponse:
    """The packed box's label as a PDF."""
    allow(request, PACKING_ROLES)
    task = selectors.packing_task_get(task_id=task_id)
    parcel = getattr(task, "parcel", None)
    if parcel is None:
        messages.error(request, _("Pack the order first."))
        return redirect("logistics:packing_task", task_id=task.pk)
    order = order_get(order_id=task.order_id, for_user=request.user)
    lines = [f"{line.product_name} {line.variant_name} x{line.quantity}" for line in order.lines]
    pdf = parcel_label_pdf(parcel=parcel, order_number=order.order.number, lines=lines)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{parcel.number}.pdf"'
    return response
