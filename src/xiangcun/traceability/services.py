"""Writes of the traceability app: lots and their inspections, certificates and recalls, and
the EPCIS events the platform records as goods move."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import SMS_TEXT, AnyUser, SmsParams
from xiangcun.catalog.errors import CertificationNotFoundError, ProductNotFoundError
from xiangcun.catalog.selectors import certification_get, product_get
from xiangcun.core.validators import INT64_MAX, text_check, text_field
from xiangcun.inventory.services import inventory_demo_farm_stock_move
from xiangcun.regions.selectors import village_exists
from xiangcun.traceability import selectors
from xiangcun.traceability.epcis import platform as epcis_platform
from xiangcun.traceability.epcis.serialise import single_event_document
from xiangcun.traceability.epcis.store import RuleViolation, events_store
from xiangcun.traceability.epcis.validation import Problem, document_parse
from xiangcun.traceability.errors import (
    EpcisPermissionError,
    InvalidCertificateError,
    InvalidEpcisContextError,
    InvalidEpcisDocumentError,
    InvalidInspectionError,
    InvalidLotError,
    LotAlreadyRecalledError,
    LotDestroyedError,
    LotNotActiveError,
    LotNotCommissionedError,
    LotNotFoundError,
    LotPermissionError,
    RecallPermissionError,
)
from xiangcun.traceability.models import Event, EventCapture, Inspection, Lot, LotCertificate
from xiangcun.traceability.selectors import (
    epcis_access,
    gtin_for_variant,
    lot_may_recall,
    lot_may_record,
    recall_contacts_for,
    recall_contacts_register,
)
from xiangcun.traceability.types import CaptureResult, RecallResult

# Re-exported: orders registers through services too; packing a lot lives in its own module.
__all__ = ["lot_pack", "recall_contacts_register"]

# --- lots ------------------------------------------------------------------------------------

# Units a harvest is counted in; 斤 (jin, 500 g) is what farmers think in.
LOT_UNITS: dict[str, Any] = {
    "jin": _("jin (斤, 500 g)"),
    "kg": _("kg"),
    "piece": _("piece"),
    "box": _("box"),
    "bag": _("bag"),
    "jar": _("jar"),
    "head": _("head (animals)"),
}
# The same units, short, for pages that show an amount ("180 斤").
LOT_UNIT_NAMES: dict[str, Any] = {
    "jin": _("jin"),
    "kg": _("kg"),
    "piece": _("pieces"),
    "box": _("boxes"),
    "bag": _("bags"),
    "jar": _("jars"),
    "head": _("head"),
}
LOT_CODE_PREFIX = "DZ"
QUANTITY_MAX = Decimal("100000000")
_CODE_SEQUENCE = re.compile(r"-(\d+)$")


_text = partial(text_field, collapse_spaces=True)


def _quantity(value: object) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidLotError(
            _("Enter the quantity as a number, like 120."), field="quantity"
        ) from None
    if not quantity.is_finite() or quantity <= 0 or quantity >= QUANTITY_MAX:
        raise InvalidLotError(_("Enter a quantity above zero."), field="quantity")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise InvalidLotError(_("Use at most three decimal places."), field="quantity")
    return quantity


def _harvest_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise InvalidLotError(field="harvested_on")
    if value > timezone.localdate():
        raise InvalidLotError(_("The harvest date cannot be in the future."), field="harvested_on")
    if value < timezone.localdate() - datetime.timedelta(days=3 * 366):
        raise InvalidLotError(_("The harvest date is too long ago."), field="harvested_on")
    return value


def _lot_code_next(month: datetime.date) -> str:
    """`DZ2611-0042`: county, year and month of the harvest, then a number within the month."""
    prefix = f"{LOT_CODE_PREFIX}{month:%y%m}-"
    codes = Lot.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(m.group(1)) for code in codes if (m := _CODE_SEQUENCE.search(code))]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _lot_locked(lot_id: int) -> Lot:
    lot = Lot.objects.select_for_update().filter(pk=lot_id).first()
    if lot is None:
        raise LotNotFoundError
    return lot


@transaction.atomic
def lot_record(
    *,
    actor: AnyUser,
    product_id: int,
    variant_id: int | None = None,
    seller_id: int,
    village_id: int | None = None,
    harvested_on: datetime.date,
    quantity: Decimal | str | int,
    unit: str,
    grade: str = "",
    farmer_consents_to_publish: bool = False,
    recorded_for: datetime.datetime | None = None,
) -> Lot:
    """Record a harvest or production batch as a lot with a new code, and its commissioning
    EPCIS event (at `recorded_for`, when the harvest is written down later; else now).

    A harvest is counted in the farmer's own unit and has no pack size: it is packed into the
    product's options later (`lot_pack`). The lot's own GTIN (its label before packing) is
    the named option's (legacy callers) or the product's first option on sale. The village
    defaults to the product's origin, else the farm's.
    """
    if not lot_may_record(user=actor, seller_id=seller_id):
        raise LotPermissionError
    try:
        # Catalog types its reader as the concrete User; any authenticated user works here.
        product = product_get(product_id=product_id, for_user=cast(Any, actor))
    except ProductNotFoundError:
        raise InvalidLotError(
            _("Choose one of this farm's products."), field="product_id"
        ) from None
    if product.seller_id != seller_id:
        raise InvalidLotError(_("Choose one of this farm's products."), field="product_id")
    variants = list(product.variants.all())
    if variant_id is not None:
        variant = next((v for v in variants if v.pk == variant_id), None)
        if variant is None:
            raise InvalidLotError(_("Choose one of this product's options."), field="variant_id")
    else:
        variant = next((v for v in variants if v.is_active), variants[0] if variants else None)
        if variant is None:
            raise InvalidLotError(
                _("Add an option with its price to this product first."), field="product_id"
            )
    if village_id is None:
        village_id = product.origin_village_id or product.seller.village_id
    elif not village_exists(village_id=village_id):
        raise InvalidLotError(_("Choose a village from the list."), field="village_id")
    harvested_on = _harvest_date(harvested_on)
    amount = _quantity(quantity)
    if unit not in LOT_UNITS:
        raise InvalidLotError(_("Choose a unit from the list."), field="unit")
    grade = _text(grade, field="grade", max_length=20, required=False, error=InvalidLotError)
    gtin = gtin_for_variant(variant_id=variant.pk)

    for _attempt in range(5):
        lot = Lot(
            code=_lot_code_next(harvested_on),
            product_id=product.pk,
            # A harvest has no pack size; the option is kept only when a caller names one.
            variant_id=variant_id,
            seller_id=seller_id,
            village_id=village_id,
            gtin=gtin,
            harvested_on=harvested_on,
            quantity=amount,
            unit=unit,
            grade=grade,
            farmer_consents_to_publish=bool(farmer_consents_to_publish),
            recorded_by_id=actor.pk if actor.is_authenticated else None,
        )
        try:
            with transaction.atomic():
                lot.save()
        except IntegrityError:
            # Another harvest of the same month took this number first: take the next.
            continue
        break
    else:  # pragma: no cover - five collisions in a row
        raise InvalidLotError(_("Please try again."))
    event_commission(lot=lot, at=recorded_for)
    return lot


@transaction.atomic
def inspection_record(
    *,
    actor: AnyUser,
    lot_id: int,
    kind: str,
    method: str,
    result: str,
    measured: str = "",
    inspector: str,
    inspected_at: datetime.datetime,
) -> Inspection:
    """A test of a lot (e.g. a rapid pesticide-residue test at intake) and its inspecting
    EPCIS event."""
    lot = _lot_locked(lot_id)
    if not lot_may_record(user=actor, seller_id=lot.seller_id):
        raise LotPermissionError
    if lot.status == Lot.Status.DESTROYED:
        raise LotNotActiveError
    error = InvalidInspectionError
    kind = _text(kind, field="kind", max_length=80, required=True, error=error)
    method = _text(method, field="method", max_length=120, required=True, error=error)
    measured = _text(measured, field="measured", max_length=80, required=False, error=error)
    inspector = _text(inspector, field="inspector", max_length=64, required=True, error=error)
    if result not in Inspection.Result.values:
        raise InvalidInspectionError(field="result")
    if not isinstance(inspected_at, datetime.datetime) or timezone.is_naive(inspected_at):
        raise InvalidInspectionError(field="inspected_at")
    if inspected_at > timezone.now() + datetime.timedelta(minutes=5):
        raise InvalidInspectionError(
            _("The inspection time cannot be in the future."), field="inspected_at"
        )
    if timezone.localtime(inspected_at).date() < lot.harvested_on:
        raise InvalidInspectionError(
            _("The inspection cannot be before the harvest."), field="inspected_at"
        )
    inspection = Inspection.objects.create(
        lot=lot,
        kind=kind,
        method=method,
        result=result,
        measured=measured,
        inspector=inspector,
        inspected_at=inspected_at,
    )
    event_inspect(lot=lot, inspection=inspection)
    return inspection


@transaction.atomic
def lot_certificate_add(
    *,
    actor: AnyUser,
    lot_id: int,
    kind: str,
    number: str,
    issuer: str,
    issued_on: datetime.date,
    certification_id: int | None = None,
) -> LotCertificate:
    """Attach a certificate to a lot, e.g. the 承诺达标合格证 compliance certificate.
    `certification_id`: the farm's certificate in the catalog that this one is (sent in by
    the farm, or naming the lot's product); once staff have checked it, it shows as checked
    on the trace page and counts for the product's badge while the lot is on sale."""
    lot = _lot_locked(lot_id)
    if not lot_may_record(user=actor, seller_id=lot.seller_id):
        raise LotPermissionError
    error = InvalidCertificateError
    if kind not in LotCertificate.Kind.values:
        raise InvalidCertificateError(field="kind")
    number = _text(number, field="number", max_length=60, required=True, error=error)
    issuer = _text(issuer, field="issuer", max_length=120, required=True, error=error)
    if isinstance(issued_on, datetime.datetime) or not isinstance(issued_on, datetime.date):
        raise InvalidCertificateError(field="issued_on")
    if issued_on > timezone.localdate():
        raise InvalidCertificateError(
            _("The issue date cannot be in the future."), field="issued_on"
        )
    if certification_id is not None:
        _certification_check(certification_id, lot=lot)
    return LotCertificate.objects.create(
        lot=lot,
        kind=kind,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        certification_id=certification_id,
    )


def _certification_check(certification_id: object, *, lot: Lot) -> None:
    """The catalog certificate is the lot's farm's: it sent it in, or it names the product."""
    if isinstance(certification_id, bool) or not isinstance(certification_id, int):
        raise InvalidCertificateError(field="certification_id")
    if not 0 < certification_id <= INT64_MAX:
        raise InvalidCertificateError(field="certification_id")
    try:
        certification = certification_get(certification_id=certification_id)
    except CertificationNotFoundError:
        raise InvalidCertificateError(field="certification_id") from None
    named = {product.pk for product in certification.products.all()}
    if certification.seller_id != lot.seller_id and lot.product_id not in named:
        raise InvalidCertificateError(field="certification_id")


def _recall_sms_params(*, lot: Lot, order_number: str, reason: str) -> SmsParams:
    # Translated into each buyer's language when the text is sent.
    return {
        "text": gettext_noop(
            "Xiangcun recall: lot %(lot)s of %(product)s in your order %(order)s has been "
            "recalled (%(reason)s). Please do not eat it; ask us or your station for a refund."
        ),
        "lot": lot.code,
        "product": lot.product.name,
        "order": order_number,
        "reason": reason,
    }


@transaction.atomic
def lot_recall(*, actor: AnyUser, lot_id: int, reason: str) -> RecallResult:
    """Mark a lot recalled, find every order line it was packed into and text each buyer.

    The trace page shows the recall at the top from then on.
    """
    if not lot_may_recall(user=actor):
        raise RecallPermissionError
    reason = _text(reason, field="reason", max_length=200, required=True, error=InvalidLotError)
    lot = _lot_locked(lot_id)
    if lot.status == Lot.Status.RECALLED:
        raise LotAlreadyRecalledError
    lot.status = Lot.Status.RECALLED
    lot.recall_reason = reason
    lot.recalled_at = timezone.now()
    lot.save(update_fields=["status", "recall_reason", "recalled_at", "updated_at"])
    order_line_ids = selectors.order_line_ids_for_lot(lot_id=lot.pk)
    contacts = recall_contacts_for(order_line_ids=order_line_ids)
    notified = 0
    for contact in contacts:
        if contact.phone:
            params = _recall_sms_params(lot=lot, order_number=contact.order_number, reason=reason)
            sms_queue(phone=contact.phone, kind=SMS_TEXT, params=params)
            notified += 1
    return RecallResult(
        lot=lot, order_line_ids=order_line_ids, contacts=contacts, notified=notified
    )


# --- EPCIS events (capture interface and the events the platform records) -------------------


def _capture_refused(problem: Problem | RuleViolation) -> InvalidEpcisDocumentError:
    index = problem.index if isinstance(problem, RuleViolation) else problem.event_index
    if problem.kind not in ("context", "protected_term"):
        return InvalidEpcisDocumentError(
            event_index=index, event_id=problem.event_id, reason=problem.reason
        )
    term = problem.term if isinstance(problem, Problem) else None
    message = None
    if problem.kind == "protected_term" and term:
        message = _(
            "The document's @context redefines “%(term)s”, a term the GS1 EPCIS context "
            "protects; nothing was stored."
        ) % {"term": term}
    return InvalidEpcisContextError(
        message, event_index=index, event_id=problem.event_id, reason=problem.reason, term=term
    )


@transaction.atomic
def epcis_capture(*, document: dict[str, Any], actor: AnyUser) -> CaptureResult:
    """Store an EPCISDocument (or a single event) whole, or nothing.

    Checks the GS1 EPCIS 2.0 schema (formats included), then the rules for identifiers under
    our company prefix: a lot we know, commissioned before it is packed or shipped, nothing
    after it was destroyed, times in order. Other parties' objects are stored as received.
    Logistics staff and administrators record events of any lot; the managers of an approved
    shop only events that name that shop's lots (see `selectors.epcis_access`).
    Raises EpcisPermissionError, InvalidEpcisDocumentError (details: event_index, event_id,
    reason) and its InvalidEpcisContextError (the @context is not valid JSON-LD; details.term
    names a redefined protected term).
    """
    access = epcis_access(user=actor)
    if not access.may_capture:
        raise EpcisPermissionError
    parsed = document_parse(document)
    if isinstance(parsed, Problem):
        raise _capture_refused(parsed)

    def may_record(lot: Lot) -> bool:
        return access.capture_any_lot or lot.seller_id in access.seller_ids

    try:
        capture, events = events_store(
            events=parsed.events,
            context=parsed.context,
            source=EventCapture.Source.API,
            actor=actor,
            document_id=parsed.document_id,
            may_record_lot=may_record,
            lot_required=not access.capture_any_lot,
        )
    except RuleViolation as violation:
        raise _capture_refused(violation) from violation
    return CaptureResult(
        capture_id=capture.pk,
        event_count=len(events),
        event_ids=[event.event_id for event in events],
    )


def _platform_event(
    lot: Lot, event: dict[str, Any], *, actor: Any = None, order_line_id: int | None = None
) -> Event:
    """Validate a platform event like any captured one, then store it in the lot's chain."""
    context = epcis_platform.platform_context()
    parsed = document_parse(single_event_document(event=event, context=context))
    if isinstance(parsed, Problem):  # our own bug, not the caller's
        raise RuntimeError(f"platform EPCIS event is not valid: {parsed.reason}")
    try:
        _capture, stored = events_store(
            events=parsed.events,
            context=context,
            source=EventCapture.Source.PLATFORM,
            actor=actor,
            lot=lot,
            order_line_id=order_line_id,
            enforce_time_order=False,
        )
    except RuleViolation as violation:
        if violation.kind == "destroyed":
            raise LotDestroyedError from violation
        if violation.kind == "not_commissioned":
            raise LotNotCommissionedError from violation
        raise RuntimeError(f"platform EPCIS event refused: {violation.reason}") from violation
    return stored[0]


@transaction.atomic
def event_commission(*, lot: Lot, at: datetime.datetime | None = None) -> Event:
    """The harvest: an ObjectEvent ADD, bizStep commissioning, the lot in `ilmd`."""
    return _platform_event(lot, epcis_platform.commission(lot, at=at), actor=lot.recorded_by)


@transaction.atomic
def event_receive(
    *,
    lot: Lot,
    station_id: int,
    quantity: Decimal | None = None,
    actor: AnyUser | None = None,
    at: datetime.datetime | None = None,
    damaged: bool = False,
) -> Event:
    """Goods received at a station or the county warehouse (its SGLN); `damaged`: returned
    units unfit to sell again, recorded on their lot (disposition damaged)."""
    event = epcis_platform.receive(
        lot, station_id=station_id, quantity=quantity, at=at, damaged=damaged
    )
    return _platform_event(lot, event, actor=actor)


@transaction.atomic
def event_inspect(*, lot: Lot, inspection: Inspection) -> Event:
    """A test of the lot: disposition conformant or non_conformant."""
    return _platform_event(lot, epcis_platform.inspect(lot, inspection=inspection))


@transaction.atomic
def event_pack(
    *,
    lot: Lot,
    order_line_id: int,
    order_number: str,
    quantity: Any,
    variant_id: int | None = None,
    at: datetime.datetime | None = None,
) -> Event:
    """Part of the lot packed for an order line (the order in bizTransactionList): with
    `variant_id`, `quantity` packs of that size (its own GTIN under the lot number), else
    `quantity` in the lot's unit. LotNotCommissionedError if the harvest was never recorded."""
    pack_gtin = gtin_for_variant(variant_id=variant_id) if variant_id is not None else None
    event = epcis_platform.pack(
        lot,
        order_line_id=order_line_id,
        order_number=order_number,
        quantity=quantity,
        pack_gtin=pack_gtin,
        at=at,
    )
    return _platform_event(lot, event, order_line_id=order_line_id)


@transaction.atomic
def event_ship(
    *,
    lot: Lot,
    order_number: str,
    tracking_number: str = "",
    carrier: str = "",
    at: datetime.datetime | None = None,
) -> Event:
    text_check(tracking_number=tracking_number, carrier=carrier)
    event = epcis_platform.ship(
        lot, order_number=order_number, tracking_number=tracking_number, carrier=carrier, at=at
    )
    return _platform_event(lot, event)


@transaction.atomic
def event_deliver(
    *,
    lot: Lot,
    order_number: str,
    station_id: int | None = None,
    at: datetime.datetime | None = None,
) -> Event:
    """Received at a village station (station_id) or accepted by the buyer."""
    event = epcis_platform.deliver(lot, order_number=order_number, station_id=station_id, at=at)
    return _platform_event(lot, event)


@transaction.atomic
def event_destroy(*, lot: Lot, reason: str) -> Event:
    """The lot is destroyed: no event may follow. An active lot's status becomes destroyed."""
    text_check(reason=reason)
    stored = _platform_event(lot, epcis_platform.destroy(lot, reason=reason))
    Lot.objects.filter(pk=lot.pk, status=Lot.Status.ACTIVE).update(status=Lot.Status.DESTROYED)
    return stored


# --- demo ------------------------------------------------------------------------------------


@transaction.atomic
def traceability_demo_load() -> list[Lot]:
    """Lots for the demo's fresh products (rice, blueberries, honey, tea, pork; the rice harvest
    packed into three sizes and brought to the county warehouse's stock), each with its
    whole journey through the platform's event services over the last days: harvest, received
    and inspected (rapid pesticide-residue test, passed) at the county warehouse, packed,
    shipped and delivered. Needs the catalogue demo; safe to run again (a demo product that
    already has a lot keeps it). Returns the demo lots.
    """
    from xiangcun.traceability import demo

    return demo.demo_load(
        record=lot_record,
        inspect=inspection_record,
        events={
            "receive": event_receive,
            "pack": event_pack,
            "ship": event_ship,
            "deliver": event_deliver,
            "pack_lot": lot_pack,
            "stock_to_warehouse": inventory_demo_farm_stock_move,
        },
    )


# Packing a lot into sale units uses `_platform_event` above, so it is imported last.
from xiangcun.traceability.lot_packing import lot_pack  # noqa: E402
