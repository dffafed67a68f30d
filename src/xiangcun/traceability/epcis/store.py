"""Store validated EPCIS events: business rules for our own lots, hash IDs, per-lot chains.

Called inside the services' transaction. Either every event is stored or a `RuleViolation`
says which event broke which rule (nothing is written before all checks pass).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Count, Max, Q
from django.utils import timezone

from xiangcun.traceability.epcis.hashing import (
    ContextNotAvailableError,
    ContextProblem,
    event_hashes,
)
from xiangcun.traceability.epcis.records import (
    COMMISSIONING,
    DESTROYED,
    DESTROYING,
    NEEDS_COMMISSIONING,
    EventRecord,
    event_record,
)
from xiangcun.traceability.identifiers import gtin14, gtin_from_item_number
from xiangcun.traceability.models import Event, EventCapture, EventEpc, Lot


class RuleViolation(Exception):  # noqa: N818 - an outcome of checking, not a crash
    """kind: "not_commissioned", "destroyed", "unknown_lot", "time_order", "duplicate",
    "not_permitted", "context" or "invalid"."""

    def __init__(self, *, kind: str, reason: str, index: int, event_id: str | None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.index = index
        self.event_id = event_id


@dataclass
class _LotState:
    commissioned: bool
    destroyed: bool
    last_time: datetime.datetime | None
    last_hash: str


def _lot_states(lots: dict[int, Lot]) -> dict[int, _LotState]:
    if not lots:
        return {}
    rows = (
        Event.objects.filter(lot_id__in=lots)
        .values("lot_id")
        .annotate(
            last_id=Max("id"),
            last_time=Max("event_time"),
            commissioned=Count("id", filter=Q(biz_step=COMMISSIONING)),
            destroyed=Count("id", filter=Q(biz_step=DESTROYING) | Q(disposition=DESTROYED)),
        )
    )
    summary = {row["lot_id"]: row for row in rows}
    last_hashes = dict(
        Event.objects.filter(id__in=[row["last_id"] for row in summary.values()]).values_list(
            "lot_id", "event_hash"
        )
    )
    states = {}
    for lot_id, lot in lots.items():
        row = summary.get(lot_id)
        states[lot_id] = _LotState(
            commissioned=bool(row and row["commissioned"]),
            destroyed=bool(row and row["destroyed"]) or lot.status == Lot.Status.DESTROYED,
            last_time=row["last_time"] if row else None,
            last_hash=last_hashes.get(lot_id, ""),
        )
    return states


def lot_gtins(lot: Lot) -> set[str]:
    """Every GTIN a lot's units may carry: the lot's own, and each pack size of its product
    (the packs of one harvest share its lot number)."""
    gtins = {lot.gtin}
    for variant in lot.product.variants.all():
        gtin = gtin14(variant.gtin) if variant.gtin else gtin_from_item_number(variant.pk)
        if gtin is not None:
            gtins.add(gtin)
    return gtins


def _our_lots(records: list[EventRecord]) -> tuple[dict[tuple[str, str], Lot], list[int]]:
    """Our lots the events name, keyed (gtin, code) for each GTIN the lot's units may carry,
    locked in primary-key order. Lot codes are unique, so the code finds the lot."""
    wanted = {
        (item.gtin, item.lot)
        for record in records
        for item in record.trade_items()
        if item.ours and item.lot
    }
    if not wanted:
        return {}, []
    codes = sorted({code for _gtin, code in wanted})
    ids = sorted(Lot.objects.filter(code__in=codes).values_list("id", flat=True))
    lots = list(
        Lot.objects.select_for_update()
        .filter(id__in=ids)
        .order_by("id")
        .prefetch_related("product__variants")
    )
    by_key: dict[tuple[str, str], Lot] = {}
    for lot in lots:
        for gtin in lot_gtins(lot):
            by_key[(gtin, lot.code)] = lot
    return by_key, ids


# Raises RuleViolation for one event: (kind, reason).
_Violation = Callable[[str, str], NoReturn]


def _violation_for(index: int, event_id: Any) -> _Violation:
    """What raises the RuleViolation of the event at `index` (its eventID as given)."""

    def violation(kind: str, reason: str) -> NoReturn:
        raise RuleViolation(kind=kind, reason=reason, index=index, event_id=event_id)

    return violation


def _hashes(events: list[dict[str, Any]], context: Any) -> list[str]:
    """The events' hash IDs; a context that cannot be read is the first event's violation."""
    try:
        return event_hashes(events=events, context=context)
    except ContextNotAvailableError as error:
        raise RuleViolation(
            kind="invalid",
            reason=f"@context names {error} which this repository does not hold; use the "
            "GS1 EPCIS 2.0 context URL or an inline context",
            index=0,
            event_id=None,
        ) from error
    except ContextProblem as problem:
        raise RuleViolation(kind="context", reason=problem.reason, index=0, event_id=None) from (
            problem
        )


def _lots_named(
    record: EventRecord,
    *,
    lot: Lot | None,
    lots: dict[int, Lot],
    by_code: dict[tuple[str, str], Lot],
    lot_required: bool,
    violation: _Violation,
) -> list[Lot]:
    """Our lots one event belongs to: the platform's `lot`, then those its identifiers name."""
    named: list[Lot] = []
    if lot is not None:
        named.append(lots[lot.pk])
    for item in record.trade_items():
        if not (item.ours and item.lot):
            continue
        known = by_code.get((item.gtin, item.lot))
        if known is None:
            violation(
                "unknown_lot",
                f"lot {item.lot!r} of GTIN {item.gtin} is under our company prefix but "
                "no such lot was recorded",
            )
        elif known not in named:
            named.append(known)
    if lot_required and not named:
        violation(
            "not_permitted",
            "this event names none of your lots; you may record events only of your own "
            "lots (by their LGTIN or GS1 Digital Link)",
        )
    return named


def _lot_rules_check(
    record: EventRecord,
    named: list[Lot],
    states: dict[int, _LotState],
    *,
    may_record_lot: Callable[[Lot], bool] | None,
    enforce_time_order: bool,
    violation: _Violation,
) -> None:
    """The rules of each named lot's life so far: permitted, not destroyed, commissioned
    before it is packed or shipped, events in time order."""
    for each in named:
        state = states[each.pk]
        if may_record_lot is not None and not may_record_lot(each):
            violation("not_permitted", f"you may not record events for lot {each.code}")
        if state.destroyed:
            violation("destroyed", f"lot {each.code} was destroyed; no further events")
        if (
            record.biz_step in NEEDS_COMMISSIONING
            and not state.commissioned
            and record.biz_step != COMMISSIONING
        ):
            violation(
                "not_commissioned",
                f"lot {each.code} must be commissioned before it is packed or shipped",
            )
        if enforce_time_order and state.last_time and record.event_time < state.last_time:
            violation(
                "time_order",
                f"eventTime {record.data['eventTime']} is before the last event of lot "
                f"{each.code}; events of a lot must come in time order",
            )


def _lot_states_advance(
    record: EventRecord,
    named: list[Lot],
    states: dict[int, _LotState],
    *,
    event_hash: str,
    violation: _Violation,
) -> tuple[int | None, str]:
    """Move each named lot's state past this event; the event's link in its first lot's
    chain: (that lot, the hash of the lot's previous event)."""
    for each in named:
        state = states[each.pk]
        state.commissioned = state.commissioned or record.biz_step == COMMISSIONING
        state.destroyed = state.destroyed or record.disposition == DESTROYED
        state.destroyed = state.destroyed or record.biz_step == DESTROYING
        if state.last_time is None or record.event_time > state.last_time:
            state.last_time = record.event_time
    if not named:
        return None, ""
    state = states[named[0].pk]
    previous = state.last_hash
    if previous == event_hash:
        violation("duplicate", "this event repeats the lot's previous event")
    state.last_hash = event_hash
    return named[0].pk, previous


def _event_ids(records: list[EventRecord], hashes: list[str]) -> list[str]:
    """Each event's eventID (its hash ID when it has none), refused when one repeats in the
    document or was captured before."""
    event_ids = [
        str(record.data.get("eventID") or hashes[index]) for index, record in enumerate(records)
    ]
    seen: set[str] = set()
    for index, event_id in enumerate(event_ids):
        if event_id in seen:
            raise RuleViolation(
                kind="duplicate",
                reason=f"eventID {event_id} appears twice in the document",
                index=index,
                event_id=event_id,
            )
        seen.add(event_id)
    existing = set(Event.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True))
    if existing:
        index = next(i for i, event_id in enumerate(event_ids) if event_id in existing)
        raise RuleViolation(
            kind="duplicate",
            reason=f"an event with eventID {event_ids[index]} was already captured",
            index=index,
            event_id=event_ids[index],
        )
    return event_ids


def events_store(
    *,
    events: list[dict[str, Any]],
    context: Any,
    source: str,
    actor: Any = None,
    document_id: str = "",
    lot: Lot | None = None,
    order_line_id: int | None = None,
    enforce_time_order: bool = True,
    may_record_lot: Callable[[Lot], bool] | None = None,
    lot_required: bool = False,
) -> tuple[EventCapture, list[Event]]:
    """Check and store events read with `context`. `lot` (platform events) names the lot
    the event belongs to; captured events find our lots from their identifiers.
    `may_record_lot` says whether the capturer may record events of a lot; `lot_required`
    refuses events that name none of our lots (a seller records only their own lots')."""
    records = [event_record(event) for event in events]
    by_code, _ids = _our_lots(records)
    lots: dict[int, Lot] = {known.pk: known for known in by_code.values()}
    if lot is not None:
        lots[lot.pk] = Lot.objects.select_for_update().get(pk=lot.pk)
    states = _lot_states(lots)
    hashes = _hashes(events, context)

    chain: list[tuple[int | None, str]] = []
    named_lots: list[list[int]] = []
    for index, record in enumerate(records):
        violation = _violation_for(index, record.data.get("eventID"))
        named = _lots_named(
            record,
            lot=lot,
            lots=lots,
            by_code=by_code,
            lot_required=lot_required,
            violation=violation,
        )
        _lot_rules_check(
            record,
            named,
            states,
            may_record_lot=may_record_lot,
            enforce_time_order=enforce_time_order,
            violation=violation,
        )
        chain.append(
            _lot_states_advance(
                record, named, states, event_hash=hashes[index], violation=violation
            )
        )
        named_lots.append([each.pk for each in named])
    event_ids = _event_ids(records, hashes)
    capture = EventCapture.objects.create(
        source=source,
        document_id=document_id[:300],
        event_count=len(records),
        captured_by=actor if getattr(actor, "pk", None) else None,
    )
    stored = _events_write(
        capture,
        records,
        context=context,
        event_ids=event_ids,
        hashes=hashes,
        chain=chain,
        named_lots=named_lots,
        order_line_id=order_line_id,
    )
    return capture, stored


def _events_write(
    capture: EventCapture,
    records: list[EventRecord],
    *,
    context: Any,
    event_ids: list[str],
    hashes: list[str],
    chain: list[tuple[int | None, str]],
    named_lots: list[list[int]],
    order_line_id: int | None,
) -> list[Event]:
    """Insert the checked events of one capture, the lots each names and their EPCs."""
    now = timezone.now()
    stored = Event.objects.bulk_create(
        [
            Event(
                capture=capture,
                event_id=event_ids[index],
                event_type=record.event_type,
                event_time=record.event_time,
                event_time_zone_offset=record.event_time_zone_offset,
                record_time=now,
                action=record.action,
                biz_step=record.biz_step,
                disposition=record.disposition,
                read_point=record.read_point,
                biz_location=record.biz_location,
                data=record.data,
                context=context,
                event_hash=hashes[index],
                previous_hash=chain[index][1],
                lot_id=chain[index][0],
                order_line_id=order_line_id,
            )
            for index, record in enumerate(records)
        ],
        batch_size=500,
    )
    Event.lots.through.objects.bulk_create(
        [
            Event.lots.through(event_id=event.pk, lot_id=lot_id)
            for event, lot_ids in zip(stored, named_lots, strict=True)
            for lot_id in lot_ids
        ],
        batch_size=1000,
    )
    EventEpc.objects.bulk_create(
        [
            EventEpc(event_id=event.pk, role=role, value=value[:300])
            for event, record in zip(stored, records, strict=True)
            for role, value in record.epcs
        ],
        batch_size=1000,
    )
    return stored
