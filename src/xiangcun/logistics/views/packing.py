"""Packing: the orders waiting to be packed, the pick list and packing slip of one order, the
form that closes the box (the lots come from the stock the order took, not from the packer)
and its label; a parcel for outside
the county goes on to its carrier page (`carriers`)."""

from decimal import Decimal

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


@login_required
@require_http_methods(["GET", "POST"])
def packing_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """The pick list and packing slip of one order, and the form that closes the box."""
    allow(request, PACKING_ROLES)
    task = selectors.packing_task_get(task_id=task_id)
    order = order_get(order_id=task.order_id, for_user=request.user)
    is_open = task.status == PackingTask.Status.OPEN
    # The packer does not choose lots: packing takes them from the stock the order used.
    form = PackingCompleteForm(request.POST or None, lines=[])
    if request.method == "POST" and is_open and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.packing_complete(
                actor=request.user,
                task_id=task.pk,
                weight_g=int(form.cleaned_data["weight_kg"] * Decimal(1000)),
                crates=form.cleaned_data["crates"],
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
