"""National carriers: the warehouse's carrier board (today's outbound parcels per carrier with
count and weight, the courier's signed hand-over, waybills still waiting, open carrier problems,
pickup times), a parcel's carrier page (waybill, labels, typed numbers and steps), the printable
hand-over list, the buyer's "where is my parcel" page, and the Kuaidi100 push endpoint."""

import datetime
import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.pages import refusal_as_message, refusal_on_form
from xiangcun.logistics import selectors, services
from xiangcun.logistics.carriers import carrier_name
from xiangcun.logistics.carriers.base import InvalidPushError, TrackingUpdate
from xiangcun.logistics.carriers.kuaidi100 import PUSH_REFUSED, Kuaidi100
from xiangcun.logistics.errors import WaybillStateError
from xiangcun.logistics.forms import (
    CarrierHandoffForm,
    ExceptionResolveForm,
    HandoverForm,
    PickupSlotForm,
    TrackingEventForm,
    WaybillNewForm,
)
from xiangcun.logistics.labels import WAYBILL_SIZES, parcel_trace_links, waybill_label_pdf
from xiangcun.logistics.models import Parcel, Waybill
from xiangcun.logistics.types import PACKING_ROLES, WAREHOUSE_ROLES, hhmm
from xiangcun.logistics.views._common import allow

logger = logging.getLogger(__name__)
MAX_PUSH_BYTES = 500_000


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


@login_required
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """Today's outbound parcels per carrier, to hand over at its pickup; what still waits."""
    allow(request, PACKING_ROLES)
    context = {
        "outbound": selectors.outbound_by_carrier(),
        "waiting": selectors.waybills_waiting(),
        "exceptions": selectors.carrier_exceptions_open(),
        "slots": [
            (
                slot,
                carrier_name(slot.carrier),
                hhmm(slot.window_start_min),
                hhmm(slot.window_end_min),
            )
            for slot in selectors.pickup_slots()
        ],
        "handovers": selectors.handovers_recent(),
        "handover_form": HandoverForm(),
        "slot_form": PickupSlotForm(),
        "resolve_form": ExceptionResolveForm(),
        "may_set_slots": selectors.user_has_any_role(user=request.user, roles=WAREHOUSE_ROLES),
    }
    return render(request, "logistics/carriers.html", context)


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit() and len(value) <= 12]


@login_required
@require_POST
def handover(request: HttpRequest, carrier: str) -> HttpResponse:
    """The courier signs for the chosen parcels of their carrier."""
    allow(request, PACKING_ROLES)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the parcels and write the courier's name or sign."))
        return redirect("logistics:carriers")
    with refusal_as_message(request) as outcome:
        signature = services.signature_png(form.cleaned_data["signature"])
        made = services.carrier_handover(
            actor=request.user,
            carrier=carrier,
            parcel_ids=_ids(request.POST.getlist("parcels")),
            courier_name=form.cleaned_data["courier_name"],
            signature=signature,
        )
    if outcome.refused:
        return redirect("logistics:carriers")
    messages.success(request, _("Handed over. Print the list for the courier."))
    return redirect("logistics:carrier_handover", handover_id=made.pk)


@login_required
@require_safe
def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    """The signed hand-over list, to print."""
    allow(request, PACKING_ROLES)
    handover = selectors.handover_get(handover_id=handover_id)
    context = {
        "handover": handover,
        "carrier_name": carrier_name(handover.carrier),
        "weight_kg": handover.total_weight_g / 1000,
    }
    return render(request, "logistics/carrier_handover.html", context)


@login_required
@require_safe
def handover_signature(request: HttpRequest, handover_id: int) -> FileResponse:
    allow(request, PACKING_ROLES)
    handover = selectors.handover_get(handover_id=handover_id)
    if not handover.signature:
        raise Http404
    return FileResponse(handover.signature.open("rb"), content_type="image/png")


@login_required
@require_POST
def slot_set(request: HttpRequest) -> HttpResponse:
    allow(request, WAREHOUSE_ROLES)
    form = PickupSlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a carrier and a time window that ends after it starts."))
        return redirect("logistics:carriers")
    with refusal_as_message(request) as outcome:
        services.pickup_slot_set(
            actor=request.user,
            carrier=form.cleaned_data["carrier"],
            window_start_min=_minutes(form.cleaned_data["start"]),
            window_end_min=_minutes(form.cleaned_data["end"]),
        )
    if outcome.done:
        messages.success(request, _("Pickup time saved."))
    return redirect("logistics:carriers")


@login_required
@require_POST
def exception_resolve(request: HttpRequest, exception_id: int) -> HttpResponse:
    allow(request, PACKING_ROLES)
    form = ExceptionResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what was done about it."))
        return redirect("logistics:carriers")
    with refusal_as_message(request) as outcome:
        services.carrier_exception_resolve(
            actor=request.user, exception_id=exception_id, note=form.cleaned_data["note"]
        )
    if outcome.done:
        messages.success(request, _("Marked as resolved."))
    return redirect("logistics:carriers")


def _parcel_action(request: HttpRequest, parcel: Parcel, waybill: Waybill | None) -> bool:
    """Run the posted action of the parcel's carrier page; False when a form must show again."""
    action = request.POST.get("action", "")
    if action in ("retry", "cancel"):
        with refusal_as_message(request) as outcome:
            if waybill is None:
                raise WaybillStateError
            if action == "retry":
                services.waybill_retry(actor=request.user, waybill_id=waybill.pk)
            else:
                services.waybill_cancel(actor=request.user, waybill_id=waybill.pk)
        if outcome.done:
            messages.success(request, _("Done."))
        return True
    if action == "new":
        new_form = WaybillNewForm(request.POST)
        if new_form.is_valid():
            with refusal_as_message(request):
                services.waybill_new(
                    actor=request.user,
                    parcel_id=parcel.pk,
                    carrier=new_form.cleaned_data["carrier"],
                )
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def parcel_carrier(request: HttpRequest, number: str) -> HttpResponse:
    """A parcel leaving the county: its waybill, labels, typing the number and the steps."""
    allow(request, PACKING_ROLES)
    parcel = selectors.parcel_by_number(number=number, for_user=request.user)
    waybill = selectors.parcel_waybill(parcel=parcel)
    record_form = CarrierHandoffForm(
        request.POST if request.POST.get("action") == "record" else None,
        initial={"carrier": waybill.carrier if waybill else ""},
    )
    event_form = TrackingEventForm(request.POST if request.POST.get("action") == "event" else None)
    if request.method == "POST":
        if _parcel_action(request, parcel, waybill):
            return redirect("logistics:parcel_carrier", number=parcel.number)
        form = record_form if request.POST.get("action") == "record" else event_form
        if form.is_bound and form.is_valid():
            with refusal_on_form(form) as outcome:
                if form is record_form:
                    services.waybill_record(
                        actor=request.user,
                        parcel_id=parcel.pk,
                        tracking_number=form.cleaned_data["tracking_number"],
                        carrier=form.cleaned_data["carrier"],
                    )
                else:
                    services.tracking_event_add(
                        actor=request.user,
                        parcel_id=parcel.pk,
                        code=form.cleaned_data["code"],
                        exception=form.cleaned_data["exception"],
                        place=form.cleaned_data["place"],
                        note=form.cleaned_data["note"],
                    )
            if outcome.done:
                messages.success(request, _("Saved."))
                return redirect("logistics:parcel_carrier", number=parcel.number)
    context = {
        "parcel": parcel,
        "waybill": waybill,
        "carrier_name": carrier_name(waybill.carrier) if waybill else "",
        "waybill_error": services.WAYBILL_ERRORS.get(waybill.last_error, "")
        if waybill and waybill.last_error
        else "",
        "steps": selectors.parcel_timeline(parcel=parcel),
        "record_form": record_form,
        "event_form": event_form,
        "new_form": WaybillNewForm(initial={"carrier": waybill.carrier if waybill else ""}),
        "sizes": list(WAYBILL_SIZES),
    }
    return render(request, "logistics/parcel_carrier.html", context)


def waybill_label_response(parcel: Parcel, waybill: Waybill | None, size: str) -> HttpResponse:
    """The waybill label PDF (shared with the API); the caller checked who may print."""
    if size not in WAYBILL_SIZES:
        size = "100x150"
    if waybill is None or waybill.status != Waybill.Status.CREATED:
        raise WaybillStateError
    sender = services.sender_party()
    pdf = waybill_label_pdf(
        parcel=parcel,
        carrier_name=carrier_name(waybill.carrier),
        tracking_number=waybill.tracking_number,
        sort_code=str((waybill.label_data or {}).get("bulkpen", ""))[:10],
        sender=(sender.name, sender.mobile, sender.address),
        size=size,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{waybill.tracking_number}-{size}.pdf"'
    return response


@login_required
@require_safe
def waybill_label(request: HttpRequest, number: str) -> HttpResponse:
    allow(request, PACKING_ROLES)
    parcel = selectors.parcel_by_number(number=number, for_user=request.user)
    waybill = selectors.parcel_waybill(parcel=parcel)
    try:
        return waybill_label_response(parcel, waybill, request.GET.get("size", "100x150"))
    except WaybillStateError:
        messages.error(request, _("The waybill is not made yet: there is nothing to print."))
        return redirect("logistics:parcel_carrier", number=parcel.number)


@login_required
@require_safe
def track(request: HttpRequest, number: str) -> HttpResponse:
    """Where is my parcel: the buyer's (or staff's) view of a parcel's journey."""
    parcel = selectors.parcel_by_number(number=number, for_user=request.user)
    packed = selectors.packed_lines_of_parcel(parcel=parcel)
    context = {
        "parcel": parcel,
        "tracking": selectors.tracking_summary(parcel=parcel),
        "steps": list(reversed(selectors.parcel_timeline(parcel=parcel))),
        "trace_links": parcel_trace_links(parcel=parcel),
        # Said plainly rather than left out: some of the box has no recorded harvest.
        "lot_unknown": [row.order_line.product_name for row in packed if row.lot_id is None],
    }
    return render(request, "logistics/track.html", context)


@csrf_exempt
@require_POST
def kuaidi100_push(request: HttpRequest) -> HttpResponse:
    """Kuaidi100's tracking push (form fields `param` and `sign`). A push that is not signed
    with our salt is refused (400) and logged, without the secret or the signature."""
    if len(request.body) > MAX_PUSH_BYTES:
        return JsonResponse(PUSH_REFUSED, status=400)
    form = {key: request.POST.get(key, "") for key in ("param", "sign")}
    try:
        received = Kuaidi100().parse_push(form)
    except InvalidPushError as error:
        logger.warning(
            "kuaidi100 push refused (%s) from %s", error.code, request.META.get("REMOTE_ADDR", "")
        )
        return JsonResponse(PUSH_REFUSED, status=400)
    by_waybill: dict[tuple[str, str], list[TrackingUpdate]] = {}
    for update in received.updates:
        by_waybill.setdefault((update.carrier, update.tracking_number), []).append(update)
    for (carrier, tracking_number), updates in by_waybill.items():
        services.tracking_record(carrier=carrier, tracking_number=tracking_number, updates=updates)
    return HttpResponse(
        json.dumps(received.answer, ensure_ascii=False), content_type="application/json"
    )
