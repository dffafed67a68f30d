"""Waybills: a parcel leaving the county gets its carrier's waybill.

Packing reserves a pending waybill in its transaction (`waybill_reserve`); once that commits, a
task asks the carrier for it (`waybill_request`): the row is claimed and committed, the carrier
is called with no transaction open, and its answer is recorded in a new one. A carrier that is
down leaves the waybill pending with its next attempt backed off (`waybills_retry_due`, queued
by `xiangcun periodic`); a retry sends the same reference, so the carrier answers the waybill it
made already and we never hold two. The manual carrier's waybills wait for staff to type the
number (`waybill_record`). A made waybill books the carrier's charge to the ledger.
"""

import datetime
import logging
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_check
from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.ledger.services import entry_post, entry_reverse
from xiangcun.ledger.types import SHIPPING_EXPENSE, EntryKind, carrier_payable_account
from xiangcun.logistics.carriers import (
    CARRIER_NAMES,
    DEFAULT_CARRIER,
    carrier_client,
    carrier_via,
)
from xiangcun.logistics.carriers.base import CarrierError, Party, WaybillRequest
from xiangcun.logistics.errors import (
    CarrierDownError,
    InvalidHandoffError,
    InvalidParcelStateError,
    TrackingNumberTakenError,
    WaybillNotFoundError,
    WaybillStateError,
)
from xiangcun.logistics.models import Parcel, ParcelEvent, TrackingCode, Waybill
from xiangcun.logistics.services._common import Status, _parcel_locked, _require, _uid
from xiangcun.logistics.types import PACKING_ROLES

logger = logging.getLogger(__name__)

MAX_WAYBILL_ATTEMPTS = 8
# A claimed attempt that never reported back (the worker died) may be tried again after this.
ATTEMPT_LEASE = datetime.timedelta(minutes=5)
BACKOFF_CAP = datetime.timedelta(hours=6)
TRACKING_NUMBER = re.compile(r"[A-Z0-9]{6,32}")


def _backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 ... minutes after the n-th failed attempt, at most BACKOFF_CAP."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def carrier_event(
    parcel: Parcel,
    *,
    code: str,
    params: dict[str, Any] | None = None,
    actor: AnyUser | None = None,
    carrier_text: str = "",
    place: str = "",
    occurred_at: datetime.datetime | None = None,
    dedup_key: str | None = None,
) -> ParcelEvent:
    """A carrier step on the parcel's timeline, stored as a code with parameters and rendered
    in the reader's language (`selectors.parcel_timeline`)."""
    return ParcelEvent.objects.create(
        parcel=parcel,
        status=parcel.status,
        code=code,
        params=params or {},
        carrier_text=carrier_text[:300],
        place=place[:80],
        occurred_at=occurred_at,
        dedup_key=dedup_key,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )


def waybill_reserve(*, parcel: Parcel, actor: AnyUser | None) -> Waybill:
    """Inside packing's transaction: the parcel's pending waybill, with its order's carrier,
    service and carrier charge. The carrier is asked after the commit."""
    # The order through the parcel: the system makes waybills too, and packing checked the
    # packer may see the order.
    order = parcel.order
    carrier = getattr(order, "shipping_carrier", "") or DEFAULT_CARRIER
    waybill = Waybill.objects.create(
        parcel=parcel,
        carrier=carrier,
        service=getattr(order, "shipping_service", "") or "",
        via=carrier_via(carrier),
        cost=getattr(order, "shipping_cost", None) or Decimal(0),
        next_attempt_at=timezone.now(),
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    if waybill.via == Waybill.Via.KUAIDI100:
        _enqueue_on_commit(waybill.pk)
    return waybill


def _enqueue_on_commit(waybill_id: int) -> None:
    from xiangcun.logistics.tasks import waybill_make

    transaction.on_commit(lambda: waybill_make.enqueue(waybill_id))


@transaction.atomic
def _claim(waybill_id: int) -> Waybill | None:
    """Take the next attempt of a pending waybill whose time has come, and commit that, so
    another worker does not call the carrier for it at the same moment."""
    waybill = Waybill.objects.select_for_update().filter(pk=waybill_id).first()
    now = timezone.now()
    if (
        waybill is None
        or waybill.status != Waybill.Status.PENDING
        or waybill.via != Waybill.Via.KUAIDI100
        or (waybill.next_attempt_at is not None and waybill.next_attempt_at > now)
    ):
        return None
    waybill.attempts += 1
    waybill.next_attempt_at = now + ATTEMPT_LEASE
    waybill.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return waybill


def sender_party() -> Party:
    """Who sends our parcels: the county warehouse (LOGISTICS_SENDER_* settings)."""
    return Party(
        name=str(getattr(settings, "LOGISTICS_SENDER_NAME", "") or "丹寨县乡村电商仓"),
        mobile=str(getattr(settings, "LOGISTICS_SENDER_MOBILE", "") or "08553612345"),
        address=str(
            getattr(settings, "LOGISTICS_SENDER_ADDRESS", "")
            or "贵州省黔东南苗族侗族自治州丹寨县龙泉镇"
        ),
    )


def _request_of(waybill: Waybill) -> WaybillRequest:
    parcel = Parcel.objects.select_related("order").get(pk=waybill.parcel_id)
    order = parcel.order
    cargo = "、".join(sorted({line.product_name for line in order.lines.all()}))[:60]
    return WaybillRequest(
        reference=f"XCW{waybill.pk}",
        carrier=waybill.carrier,
        service=waybill.service,
        recipient=Party(name=parcel.recipient, mobile=parcel.phone, address=parcel.address_text),
        sender=sender_party(),
        cargo=cargo or "农产品",
        weight_g=parcel.weight_g,
        count=parcel.crates,
    )


def waybill_request(*, waybill_id: int) -> Waybill | None:
    """Ask the carrier for a pending waybill (the task's work; never inside a transaction).
    Returns the waybill as it is after the attempt, or None when there was nothing to do
    (made already, not due, not the carrier's to make)."""
    waybill = _claim(waybill_id)
    if waybill is None:
        return None
    client = carrier_client(waybill.via)
    try:
        made = client.create_waybill(_request_of(waybill))
    except CarrierError as error:
        logger.warning("waybill %s: carrier refused or unreachable (%s)", waybill.pk, error.code)
        return _attempt_failed(waybill.pk, code=error.code, retry=error.retry)
    waybill = _made(
        waybill.pk,
        tracking_number=made.tracking_number,
        task_id=made.carrier_task_id,
        label=dict(made.label),
    )
    if waybill.status == Waybill.Status.CREATED and not waybill.subscribed:
        _subscribe(waybill)
    return waybill


def tracking_callback_url() -> str:
    return str(getattr(settings, "KUAIDI100_CALLBACK_URL", "") or "")


def _subscribe(waybill: Waybill) -> None:
    """Ask for pushes; if that fails, polling (`tracking_poll_due`) follows the parcel."""
    url = tracking_callback_url()
    if not url:
        return
    parcel = Parcel.objects.get(pk=waybill.parcel_id)
    try:
        carrier_client(waybill.via).subscribe(
            carrier=waybill.carrier,
            tracking_number=waybill.tracking_number,
            phone=parcel.phone,
            callback_url=url,
        )
    except CarrierError as error:
        logger.warning("waybill %s: subscription failed (%s)", waybill.pk, error.code)
        return
    Waybill.objects.filter(pk=waybill.pk).update(subscribed=True)


@transaction.atomic
def _attempt_failed(waybill_id: int, *, code: str, retry: bool) -> Waybill:
    waybill = Waybill.objects.select_for_update().get(pk=waybill_id)
    if waybill.status != Waybill.Status.PENDING:
        return waybill
    waybill.last_error = code[:40]
    if retry and waybill.attempts < MAX_WAYBILL_ATTEMPTS:
        waybill.next_attempt_at = timezone.now() + _backoff(waybill.attempts)
    else:
        waybill.status = Waybill.Status.FAILED
        waybill.next_attempt_at = None
    waybill.save(update_fields=["last_error", "next_attempt_at", "status", "updated_at"])
    return waybill


@transaction.atomic
def _made(waybill_id: int, *, tracking_number: str, task_id: str, label: dict[str, str]) -> Waybill:
    """Record the carrier's answer once: a second answer for a waybill made already changes
    nothing."""
    waybill = Waybill.objects.select_for_update().get(pk=waybill_id)
    if waybill.status != Waybill.Status.PENDING:
        return waybill
    parcel = _parcel_locked(waybill.parcel_id)
    tracking_number = re.sub(r"\s", "", tracking_number).upper()
    waybill.tracking_number = tracking_number
    waybill.carrier_task_id = task_id
    waybill.label_data = label
    try:
        with transaction.atomic():
            _created(waybill, parcel, actor=None)
    except IntegrityError:
        # The carrier gave a number another waybill holds: nothing to print; staff look.
        waybill.refresh_from_db()
        waybill.status = Waybill.Status.FAILED
        waybill.last_error = "tracking_number_taken"
        waybill.tracking_number = ""
        waybill.save(update_fields=["status", "last_error", "tracking_number", "updated_at"])
    return waybill


def _created(waybill: Waybill, parcel: Parcel, *, actor: AnyUser | None) -> None:
    """A waybill made: saved, on the timeline, and its charge in the ledger."""
    waybill.status = Waybill.Status.CREATED
    waybill.last_error = ""
    waybill.next_attempt_at = None
    waybill.made_at = timezone.now()
    waybill.save()
    carrier_event(
        parcel,
        code=TrackingCode.WAYBILL_CREATED,
        params={"carrier": waybill.carrier, "tracking_number": waybill.tracking_number},
        actor=actor,
    )
    if waybill.cost > 0:
        entry_post(
            kind=EntryKind.CARRIER_CHARGE,
            reference=f"waybill:{waybill.pk}",
            lines=[
                (SHIPPING_EXPENSE, waybill.cost),
                (carrier_payable_account(waybill.carrier), -waybill.cost),
            ],
            memo=f"{waybill.carrier} {waybill.tracking_number}",
        )


def waybills_retry_due(*, limit: int = 100) -> int:
    """Ask the carrier again for pending waybills whose next attempt is due. Returns how many
    were made."""
    due = list(
        Waybill.objects.filter(
            status=Waybill.Status.PENDING,
            via=Waybill.Via.KUAIDI100,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    made = 0
    for waybill_id in due:
        result = waybill_request(waybill_id=waybill_id)
        made += bool(result is not None and result.status == Waybill.Status.CREATED)
    return made


def _live_waybill(parcel: Parcel) -> Waybill | None:
    return (
        Waybill.objects.select_for_update()
        .filter(parcel=parcel, status__in=(Waybill.Status.PENDING, Waybill.Status.CREATED))
        .first()
    )


def _tracking_number(value: object) -> str:
    number = re.sub(r"\s", "", str(value or "")).upper()
    if not TRACKING_NUMBER.fullmatch(number):
        raise InvalidHandoffError(field="tracking_number")
    return number


def _carrier_code(value: object) -> str:
    if not isinstance(value, str) or value not in CARRIER_NAMES:
        raise InvalidHandoffError(field="carrier")
    return value


@transaction.atomic
def waybill_record(
    *, actor: AnyUser, parcel_id: int, tracking_number: str, carrier: str | None = None
) -> Waybill:
    """Staff type the tracking number the carrier gave (the county courier's paper waybill, or
    any carrier when Kuaidi100 is not used): the parcel's waybill is made with it."""
    text_check(tracking_number=tracking_number, carrier=carrier or "")
    _require(actor, PACKING_ROLES)
    number = _tracking_number(tracking_number)
    if carrier is not None:
        carrier = _carrier_code(carrier)
    parcel = _parcel_locked(parcel_id)
    if parcel.destination != Parcel.Destination.CARRIER or parcel.status != Status.PACKED:
        raise InvalidParcelStateError
    waybill = _live_waybill(parcel)
    if waybill is not None and waybill.status == Waybill.Status.CREATED:
        raise WaybillStateError
    if waybill is None:
        waybill = waybill_reserve(parcel=parcel, actor=actor)
    waybill.via = Waybill.Via.MANUAL
    if carrier is not None:
        waybill.carrier = carrier
    waybill.tracking_number = number
    waybill.created_by_id = _uid(actor)
    try:
        with transaction.atomic():
            _created(waybill, parcel, actor=actor)
    except IntegrityError as error:
        raise TrackingNumberTakenError(field="tracking_number") from error
    return waybill


@transaction.atomic
def waybill_new(*, actor: AnyUser, parcel_id: int, carrier: str, service: str = "") -> Waybill:
    """Staff ask for a new waybill for a packed parcel that has none live (the first failed or
    was cancelled), with this carrier; made after the commit like packing's."""
    text_check(carrier=carrier, service=service)
    _require(actor, PACKING_ROLES)
    carrier = _carrier_code(carrier)
    if len(service or "") > 32:
        raise InvalidHandoffError(field="service")
    parcel = _parcel_locked(parcel_id)
    if parcel.destination != Parcel.Destination.CARRIER or parcel.status != Status.PACKED:
        raise InvalidParcelStateError
    if _live_waybill(parcel) is not None:
        raise WaybillStateError
    waybill = waybill_reserve(parcel=parcel, actor=actor)
    waybill.carrier = carrier
    waybill.service = service or ""
    waybill.via = carrier_via(carrier)
    waybill.save(update_fields=["carrier", "service", "via", "updated_at"])
    return waybill


@transaction.atomic
def waybill_retry(*, actor: AnyUser, waybill_id: int) -> Waybill:
    """A waybill that could not be made is tried again now."""
    _require(actor, PACKING_ROLES)
    waybill = Waybill.objects.select_for_update().filter(pk=waybill_id).first()
    if waybill is None:
        raise WaybillNotFoundError
    if waybill.status != Waybill.Status.FAILED:
        raise WaybillStateError
    parcel = _parcel_locked(waybill.parcel_id)
    if _live_waybill(parcel) is not None or parcel.status != Status.PACKED:
        raise WaybillStateError
    waybill.status = Waybill.Status.PENDING
    waybill.attempts = 0
    waybill.next_attempt_at = timezone.now()
    waybill.via = carrier_via(waybill.carrier)
    waybill.save(update_fields=["status", "attempts", "next_attempt_at", "via", "updated_at"])
    if waybill.via == Waybill.Via.KUAIDI100:
        _enqueue_on_commit(waybill.pk)
    return waybill


@transaction.atomic
def _cancel_check(actor: AnyUser, waybill_id: int) -> Waybill:
    _require(actor, PACKING_ROLES)
    waybill = Waybill.objects.select_for_update().filter(pk=waybill_id).first()
    if waybill is None:
        raise WaybillNotFoundError
    parcel = _parcel_locked(waybill.parcel_id)
    if waybill.status not in (Waybill.Status.PENDING, Waybill.Status.CREATED):
        raise WaybillStateError
    if parcel.status != Status.PACKED or waybill.handover_id is not None:
        # Handed to the courier already: the carrier has the parcel.
        raise WaybillStateError
    return waybill


def waybill_cancel(*, actor: AnyUser, waybill_id: int) -> Waybill:
    """Cancel a waybill not yet handed over: at the carrier first (no transaction open), then
    here, with its charge reversed. If the carrier cannot be reached nothing changes
    (CarrierDownError): try again later."""
    waybill = _cancel_check(actor, waybill_id)
    if waybill.status == Waybill.Status.CREATED and waybill.via == Waybill.Via.KUAIDI100:
        try:
            carrier_client(waybill.via).cancel(
                carrier=waybill.carrier,
                tracking_number=waybill.tracking_number,
                carrier_task_id=waybill.carrier_task_id,
            )
        except CarrierError as error:
            logger.warning("waybill %s: cancel failed (%s)", waybill.pk, error.code)
            raise CarrierDownError from error
    return _cancelled(actor, waybill.pk)


@transaction.atomic
def _cancelled(actor: AnyUser, waybill_id: int) -> Waybill:
    waybill = _cancel_check(actor, waybill_id)
    parcel = _parcel_locked(waybill.parcel_id)
    waybill.status = Waybill.Status.CANCELLED
    waybill.next_attempt_at = None
    waybill.save(update_fields=["status", "next_attempt_at", "updated_at"])
    for entry in entries_for_reference(
        reference=f"waybill:{waybill.pk}", kind=EntryKind.CARRIER_CHARGE
    ):
        entry_reverse(entry_id=entry.pk, reference=f"waybill-cancel:{waybill.pk}")
    carrier_event(
        parcel,
        code=TrackingCode.WAYBILL_CANCELLED,
        params={"carrier": waybill.carrier, "tracking_number": waybill.tracking_number},
        actor=actor,
    )
    return waybill


WAYBILL_ERRORS = {
    "typed_by_staff": _("Type the tracking number the courier gave."),
    "carrier_not_configured": _("Kuaidi100 is not set up: type the tracking number."),
    "tracking_number_taken": _("The carrier gave a number another parcel has."),
}
