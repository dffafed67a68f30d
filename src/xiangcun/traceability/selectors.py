"""Reads of the traceability app: lots, their journey, identifiers (GTIN, Digital Link) and who
may act on a lot."""

import json
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext_lazy

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.catalog.selectors import variant_get
from xiangcun.core.language import localized
from xiangcun.core.types import Page
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import county_get_default, station_get
from xiangcun.sellers.selectors import (
    approved_seller_ids_managed_by,
    seller_can_manage,
    sellers_managed_by,
    user_has_permission,
)
from xiangcun.traceability import identifiers
from xiangcun.traceability.epcis.hashing import (
    ContextNotAvailableError,
    ContextProblem,
    event_hashes,
)
from xiangcun.traceability.epcis.platform import EXTENSION_NAMESPACE
from xiangcun.traceability.epcis.query import QueryProblem, events_queryset, next_page_token
from xiangcun.traceability.epcis.records import event_record
from xiangcun.traceability.epcis.serialise import events_as_json
from xiangcun.traceability.epcis.store import lot_gtins
from xiangcun.traceability.epcis.vocab import CBV_BASE, sgln_parts
from xiangcun.traceability.errors import (
    EpcisPermissionError,
    InvalidEpcisQueryError,
    InvalidGtinError,
    LotNotFoundError,
)
from xiangcun.traceability.models import Event, Inspection, Lot, LotCertificate, LotPack
from xiangcun.traceability.types import (
    EpcisAccess,
    EventVerifyProblem,
    JourneyStep,
    LotLink,
    PackOption,
    QueryPage,
    RecallContact,
)

RECALL_PERMISSION = "traceability.recall_lot"
# Staff who may record lots and inspections for any farm (besides the farm's own managers).
RECORDING_STAFF_ROLES = frozenset({Role.WAREHOUSE, Role.BRAND_MANAGER, Role.ADMIN})

# --- lots: permissions ---------------------------------------------------------------------


def lot_may_record(*, user: AnyUser, seller_id: int) -> bool:
    """The managers (owner, agent) of an APPROVED farm, superusers, and warehouse staff,
    brand managers and administrators for any farm."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return seller_can_manage(user=user, seller_id=seller_id)
    # `seller_can_manage` ignores the shop's status: a shop waiting for review, rejected or
    # suspended records no lots, inspections or certificates (the farm named on the record).
    if seller_id in approved_seller_ids_managed_by(user=user):
        return True
    return bool(user_roles(user=user) & RECORDING_STAFF_ROLES)


def farms_recording_for(*, user: AnyUser) -> list[Any]:
    """The shops whose harvests `user` records from their own pages: those they manage that
    are approved (a shop waiting for review records no lots, see `lot_may_record`)."""
    approved = approved_seller_ids_managed_by(user=user)
    return [seller for seller in sellers_managed_by(user=user) if seller.pk in approved]


def lot_may_recall(*, user: AnyUser) -> bool:
    """Staff holding `traceability.recall_lot` (programme and brand managers, superusers)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user_has_permission(user=user, permission=RECALL_PERMISSION)
    )


# --- lots: reads ---------------------------------------------------------------------------


def _lots() -> QuerySet[Lot]:
    return Lot.objects.select_related(
        "product__brand", "variant", "seller__owner", "village__township"
    )


def _with_records(rows: QuerySet[Lot]) -> QuerySet[Lot]:
    return rows.prefetch_related(
        Prefetch("inspections", queryset=Inspection.objects.order_by("inspected_at", "id")),
        Prefetch("certificates", queryset=LotCertificate.objects.order_by("issued_on", "id")),
    )


def lot_get(*, lot_id: int) -> Lot:
    """A lot with product, brand, option, farm and village joined, inspections and
    certificates prefetched; LotNotFoundError if there is none."""
    lot = _with_records(_lots()).filter(pk=lot_id).first()
    if lot is None:
        raise LotNotFoundError
    return lot


def lot_by_code(*, gtin: str, code: str) -> Lot:
    """The lot a Digital Link names (any valid GTIN form is padded to 14 digits), with the
    same joins as `lot_get`; LotNotFoundError when the GTIN is not valid or nothing matches."""
    normalized = identifiers.gtin14(gtin)
    if normalized is None or not code or len(code) > 20:
        raise LotNotFoundError
    # Every pack size of the harvest carries the lot number under its own GTIN.
    lot = _with_records(_lots()).filter(code=code).first()
    if lot is None or (normalized != lot.gtin and normalized not in lot_gtins(lot)):
        raise LotNotFoundError
    return lot


def lot_by_lot_code(*, code: str) -> Lot:
    """A lot by its code alone (codes are unique; the staff recall page finds lots by it)."""
    cleaned = "".join(str(code or "").split()).upper()
    lot = _with_records(_lots()).filter(code=cleaned).first() if cleaned else None
    if lot is None:
        raise LotNotFoundError
    return lot


def lots_for_seller(*, seller_id: int) -> list[Lot]:
    """A farm's lots, newest first (product and option joined)."""
    return list(_lots().filter(seller_id=seller_id).order_by("-id"))


def products_traced(*, product_ids: Iterable[int]) -> set[int]:
    """The products among these that are traced: a harvest of them was packed into stock
    (`lot_pack`). A parcel of such a product is packed only with its lot. A lot recorded the
    old way, with a pack size and never packed into stock, does not make its product traced:
    its stock never carried lots, and refusing it would stop every parcel of it."""
    return set(
        LotPack.objects.filter(lot__product_id__in=list(product_ids))
        .values_list("lot__product_id", flat=True)
        .distinct()
    )


def lots_for_sellers(*, seller_ids: Iterable[int], page: int = 1, page_size: int = 20) -> Page[Lot]:
    """One page of the lots of several farms (an agent's or a farmer's "my lots"), newest
    first."""
    rows = _lots().filter(seller_id__in=list(seller_ids)).order_by("-id")
    count = rows.count()
    page = max(1, page)
    items = list(rows[(page - 1) * page_size : page * page_size])
    return Page(items=items, count=count, page=page, page_size=page_size)


# Lots a product page lists under "trace this product" (newest harvest first).
PRODUCT_LOTS_MAX = 10


def lots_on_sale_for_product(*, product_id: int, limit: int = PRODUCT_LOTS_MAX) -> list[Lot]:
    """A product's lots that may still be sold (active: not recalled or destroyed), newest
    harvest first, village and township joined."""
    rows = Lot.objects.filter(product_id=product_id, status=Lot.Status.ACTIVE)
    rows = rows.select_related("village__township").order_by("-harvested_on", "-id")
    return list(rows[: max(0, limit)])


def lot_links_for_order_lines(*, order_line_ids: Iterable[int]) -> dict[int, list[LotLink]]:
    """Each order line's packed lots (packing events, oldest first); lines with none left out."""
    ids = sorted(set(order_line_ids))
    if not ids:
        return {}
    rows = (
        Event.objects.filter(order_line_id__in=ids, lot__isnull=False)
        .order_by("id")
        .values_list("order_line_id", "lot_id")
    )
    pairs = list(dict.fromkeys((int(line_id or 0), int(lot_id or 0)) for line_id, lot_id in rows))
    lots = Lot.objects.filter(pk__in={lot_id for _line, lot_id in pairs})
    by_id = {
        lot.pk: LotLink(lot_id=lot.pk, gtin=lot.gtin, code=lot.code, harvested_on=lot.harvested_on)
        for lot in lots.only("pk", "gtin", "code", "harvested_on")
    }
    links: dict[int, list[LotLink]] = {}
    for line_id, lot_id in pairs:
        links.setdefault(line_id, []).append(by_id[lot_id])
    return links


def lot_farmer_name(*, lot: Lot) -> str:
    """The farmer's own name, only when they agreed to be named on the trace page."""
    if not lot.farmer_consents_to_publish:
        return ""
    owner = lot.seller.owner
    return str(getattr(owner, "name", "") or "")


# --- packing a harvest into sale units -------------------------------------------------------

# Grams in one unit of a lot weighed by weight.
_GRAMS = {"jin": Decimal(500), "kg": Decimal(1000)}


def pack_in_lot_unit(*, lot_unit: str, variant: Any) -> Decimal | None:
    """How much of a lot (in its unit) one pack of `variant` holds (by net weight or its own
    斤/kg unit; counted units one to one), or None when it does not convert."""
    per_unit = _GRAMS.get(lot_unit)
    if per_unit is not None:
        grams = variant.net_weight_g or _GRAMS.get(variant.unit)
        return (Decimal(grams) / per_unit).quantize(Decimal("0.001")) if grams else None
    return Decimal(1) if variant.unit == lot_unit else None


def lot_packed_quantity(*, lot_id: int) -> Decimal:
    """How much of the lot (in its unit) its packs took so far."""
    total = LotPack.objects.filter(lot_id=lot_id).aggregate(total=Sum("lot_quantity"))["total"]
    return Decimal(total or 0)


def lot_pack_options(*, lot: Lot) -> list[PackOption]:
    """The pack sizes a lot may be packed into (its product's options on sale), with what one
    pack takes of the lot and how many were packed so far."""
    packed: dict[int, int] = {}
    for variant_id, count in LotPack.objects.filter(lot=lot).values_list("variant_id", "count"):
        packed[variant_id] = packed.get(variant_id, 0) + count
    options = []
    for variant in lot.product.variants.order_by("position", "id"):
        if not variant.is_active and variant.pk not in packed:
            continue
        options.append(
            PackOption(
                variant_id=variant.pk,
                name=variant.name,
                name_en=variant.name_en,
                per_pack=pack_in_lot_unit(lot_unit=lot.unit, variant=variant),
                packed=packed.get(variant.pk, 0),
            )
        )
    return options


# --- identifiers ---------------------------------------------------------------------------

gtin_check_digit = identifiers.gtin_check_digit
gtin_is_valid = identifiers.gtin_is_valid


def gtin_for_variant(*, variant_id: int) -> str:
    """The GTIN-14 a variant is labelled with: its own barcode when it has a valid one, else
    one under our GS1 company prefix (settings.GS1_COMPANY_PREFIX) with the variant's id as
    the item reference."""
    variant = variant_get(variant_id=variant_id)
    if variant.gtin:
        own = identifiers.gtin14(variant.gtin)
        if own is None:
            raise InvalidGtinError(field="gtin")
        return own
    return identifiers.gtin_from_item_number(variant.pk)


def digital_link(*, gtin: str, lot_code: str) -> str:
    """`https://<resolver host>/01/<gtin14>/10/<lot>` (settings.DIGITAL_LINK_RESOLVER; the lot
    percent-encoded as GS1 Digital Link requires)."""
    try:
        return identifiers.digital_link(gtin=gtin, lot_code=lot_code)
    except ValueError:
        raise InvalidGtinError(field="gtin") from None


def lot_digital_link(*, lot: Lot) -> str:
    return digital_link(gtin=lot.gtin, lot_code=lot.code)


def lot_qr_svg(*, lot: Lot, scale: int = 4) -> str:
    """The lot's Digital Link as an inline SVG QR code, for pages."""
    return identifiers.qr_svg(lot_digital_link(lot=lot), scale=scale, title=lot.code)


# --- recall: who bought from a lot ----------------------------------------------------------

# Orders sits above us: it registers `fn(order_line_ids) -> list[RecallContact]` in its
# AppConfig.ready(), so a recall can reach the buyers without us importing orders.
RecallContactSource = Callable[..., list[RecallContact]]
_recall_contact_sources: list[RecallContactSource] = []


def recall_contacts_register(source: RecallContactSource) -> None:
    """Orders (and later logistics) register `source(order_line_ids=[...])`, which names the
    order and buyer of each order line it knows."""
    if source not in _recall_contact_sources:
        _recall_contact_sources.append(source)


def recall_contacts_for(*, order_line_ids: Iterable[int]) -> list[RecallContact]:
    """The buyers of these order lines, one per order and phone, in order-number order."""
    ids = sorted(set(order_line_ids))
    if not ids:
        return []
    seen: dict[tuple[str, str], RecallContact] = {}
    for source in _recall_contact_sources:
        for contact in source(order_line_ids=ids):
            seen.setdefault((contact.order_number, contact.phone), contact)
    return sorted(seen.values(), key=lambda contact: contact.order_number)


def lot_recall_contacts(*, lot_id: int) -> list[RecallContact]:
    """Every order and buyer a lot reached (through its packing events)."""
    return recall_contacts_for(order_line_ids=order_line_ids_for_lot(lot_id=lot_id))


# --- EPCIS events ----------------------------------------------------------------------------

# Staff who move goods and may record EPCIS events for any lot; sellers may for their own.
EPCIS_STAFF_ROLES = frozenset({Role.WAREHOUSE, Role.PACKER, Role.DRIVER, Role.COURIER, Role.ADMIN})
# Who may read every event: the staff who record them, and the managers who answer for lots
# (brand and programme managers recall them). Order references are a separate question.
EPCIS_READ_ALL_ROLES = EPCIS_STAFF_ROLES | {Role.BRAND_MANAGER, Role.PROGRAMME_MANAGER}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Our extension keys that belong to an order (see epcis.platform): the order line a packing
# event names, and the parcel's tracking number and carrier a shipping event names (which find
# the parcel, and so the buyer, at the carrier's). Shown only with the order.
_ORDER_LINE_KEYS = tuple(
    key
    for name in ("orderLineId", "trackingNumber", "carrier")
    for key in (f"xiangcun:{name}", f"{EXTENSION_NAMESPACE}{name}")
)

# Orders sits above us: it registers `fn(*, user, numbers) -> set[str]`, the order numbers
# among `numbers` this user may see. With none registered, no order reference is shown.
OrderVisibilitySource = Callable[..., set[str]]
_order_visibility_sources: list[OrderVisibilitySource] = []


def order_visibility_register(source: OrderVisibilitySource) -> None:
    """Orders registers `source(user=..., numbers=[...])`: the numbers `user` may see."""
    if source not in _order_visibility_sources:
        _order_visibility_sources.append(source)


def epcis_access(*, user: AnyUser) -> EpcisAccess:
    """What `user` may do with EPCIS events: staff by role (EPCIS_READ_ALL_ROLES read every
    event, EPCIS_STAFF_ROLES record any), the owner (or agent) of an APPROVED shop the events
    of that shop's lots; an application waiting for review gives nothing."""
    if not user.is_authenticated or not user.is_active:
        return EpcisAccess()
    roles = user_roles(user=user)
    read_all = bool(roles & EPCIS_READ_ALL_ROLES)
    capture_any_lot = bool(roles & EPCIS_STAFF_ROLES)
    seller_ids = frozenset() if capture_any_lot else approved_seller_ids_managed_by(user=user)
    return EpcisAccess(read_all=read_all, capture_any_lot=capture_any_lot, seller_ids=seller_ids)


def epcis_is_staff(*, user: AnyUser) -> bool:
    return epcis_access(user=user).capture_any_lot


def epcis_may_capture(*, user: AnyUser) -> bool:
    """Logistics staff (warehouse, packer, driver, courier) and administrators for any lot;
    the managers of an approved shop for that shop's lots."""
    return epcis_access(user=user).may_capture


def _order_number(reference: object) -> str | None:
    base = f"{identifiers.resolver_base()}/orders/"
    if isinstance(reference, str) and reference.startswith(base):
        return reference[len(base) :]
    return None


def _order_numbers(event: dict[str, Any]) -> set[str]:
    entries = event.get("bizTransactionList")
    numbers = set()
    for entry in entries if isinstance(entries, list) else []:
        number = _order_number(entry.get("bizTransaction")) if isinstance(entry, dict) else None
        if number is not None:
            numbers.add(number)
    return numbers


def _orders_hidden(event: dict[str, Any], visible: set[str]) -> dict[str, Any]:
    """The event without references to orders its reader may not see: the order's
    bizTransaction, and the order line, tracking number and carrier (`_ORDER_LINE_KEYS`) unless
    its order is shown."""
    numbers = _order_numbers(event)
    hidden = numbers - visible
    line_shown = bool(numbers) and not hidden
    if not hidden and (line_shown or not any(key in event for key in _ORDER_LINE_KEYS)):
        return event
    shown = dict(event)
    if not line_shown:
        for key in _ORDER_LINE_KEYS:
            shown.pop(key, None)
    if hidden:
        shown["bizTransactionList"] = [
            entry
            for entry in event["bizTransactionList"]
            if not (
                isinstance(entry, dict) and _order_number(entry.get("bizTransaction")) in hidden
            )
        ]
    return shown


def _orders_visible(*, user: AnyUser, numbers: set[str]) -> set[str]:
    visible: set[str] = set()
    if numbers:
        for source in _order_visibility_sources:
            visible |= set(source(user=user, numbers=sorted(numbers))) & numbers
    return visible


def events_query(*, actor: AnyUser, **params: Sequence[str] | str) -> QueryPage:
    """EPCIS SimpleEventQuery: eventType, GE_eventTime, LT_eventTime, EQ_bizStep,
    EQ_disposition, EQ_bizLocation, EQ_readPoint, MATCH_epc, MATCH_anyEPC, MATCH_epcClass
    (GS1 `urn:epc:idpat:` patterns), perPage, nextPageToken.

    Staff in EPCIS_READ_ALL_ROLES read every event; the managers of an approved shop the
    events that name its lots; anyone else gets EpcisPermissionError. Order references (the
    order's bizTransaction, the order line) show only to who may see that order.
    InvalidEpcisQueryError (details.reason) for a bad parameter."""
    access = epcis_access(user=actor)
    if not access.may_read:
        raise EpcisPermissionError
    try:
        rows, per_page, _after = events_queryset(params)
    except QueryProblem as problem:
        raise InvalidEpcisQueryError(reason=str(problem)) from problem
    if not access.read_all:
        named = Event.lots.through.objects.filter(lot__seller_id__in=sorted(access.seller_ids))
        rows = rows.filter(id__in=named.values("event_id"))
    page = list(rows[: per_page + 1])
    more = len(page) > per_page
    page = page[:per_page]
    context, events = events_as_json(page)
    numbers = set().union(*(_order_numbers(event) for event in events))
    visible = _orders_visible(user=actor, numbers=numbers)
    events = [_orders_hidden(event, visible) for event in events]
    token = next_page_token(params, page[-1].pk) if more else None
    return QueryPage(events=events, context=context, next_page_token=token)


def order_line_ids_for_lot(*, lot_id: int) -> list[int]:
    """The order lines a lot was packed into (from its packing events), ascending."""
    rows = Event.objects.filter(lot_id=lot_id, order_line_id__isnull=False)
    values = rows.values_list("order_line_id", flat=True)
    return sorted({int(value) for value in values if value is not None})


_STEP_TEXT = {
    "commissioning": gettext_lazy("Harvested and recorded as a lot"),
    "creating_class_instance": gettext_lazy("Packed into bags and boxes for sale"),
    "receiving": gettext_lazy("Received"),
    "packing": gettext_lazy("Packed for an order"),
    "shipping": gettext_lazy("Sent on its way to the buyer"),
    "accepting": gettext_lazy("Delivered to the buyer"),
    "destroying": gettext_lazy("Destroyed"),
}
_INSPECTION_TEXT = {
    "conformant": gettext_lazy("Inspected: passed"),
    "non_conformant": gettext_lazy("Inspected: failed"),
}
_OTHER_STEP = gettext_lazy("Recorded")


def _bare(uri: str, kind: str) -> str:
    prefix = f"{CBV_BASE}{kind}-"
    return uri[len(prefix) :] if uri.startswith(prefix) else uri


def lot_journey(*, lot: Lot) -> list[JourneyStep]:
    """The lot's events, oldest first: time (Asia/Shanghai), place (our station, village or
    county, in the reader's language; "" when unknown), what happened (translated)."""
    events = list(Event.objects.filter(lot=lot).order_by("event_time", "id"))
    places: dict[str, str] = {}

    def place(location: str) -> str:
        if location in places:
            return places[location]
        name = ""
        parts = sgln_parts(location) if location else None
        if parts is not None:
            reference, extension = parts
            village = getattr(lot, "village", None)
            if reference:
                with suppress(StationNotFoundError):  # an unknown station: no place
                    name = localized(station_get(station_id=reference))
            elif village is not None and extension == village.code:
                name = localized(village)
            else:
                name = localized(county_get_default())
        places[location] = name
        return name

    steps = []
    for event in events:
        step = _bare(event.biz_step, "BizStep")
        disposition = _bare(event.disposition, "Disp")
        if step == "inspecting":
            what = _INSPECTION_TEXT.get(disposition, _STEP_TEXT.get(step, _OTHER_STEP))
        else:
            what = _STEP_TEXT.get(step, _OTHER_STEP)
        steps.append(
            JourneyStep(
                time=event.event_time.astimezone(SHANGHAI),
                what=str(what),
                place=place(event.biz_location or event.read_point),
                biz_step=step,
                disposition=disposition,
                event_id=event.event_id,
            )
        )
    return steps


def _columns_differ(event: Event) -> bool:
    try:
        record = event_record(event.data)
    except (KeyError, TypeError, ValueError):
        return True
    expected: dict[str, Any] = {
        "event_type": record.event_type,
        "event_time": record.event_time,
        "action": record.action,
        "biz_step": record.biz_step,
        "disposition": record.disposition,
        "read_point": record.read_point,
        "biz_location": record.biz_location,
    }
    return any(getattr(event, name) != value for name, value in expected.items())


# What a stored event that can no longer be hashed raises (reported, never a crash).
_UNHASHABLE = (ContextNotAvailableError, ContextProblem, ValueError, KeyError, TypeError)


def events_verify(*, batch_size: int = 500) -> tuple[int, list[EventVerifyProblem]]:
    """(events checked, problems): recompute each stored event's CBV 2.0 hash from its stored
    JSON and check every lot's chain of previous hashes."""
    problems: list[EventVerifyProblem] = []
    last_hash: dict[int, str] = {}
    checked = 0
    rows = Event.objects.select_related("lot").order_by("id")
    last_pk = 0
    while True:
        batch = list(rows.filter(id__gt=last_pk)[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        groups: dict[str, list[Event]] = {}
        for event in batch:
            groups.setdefault(json.dumps(event.context, sort_keys=True), []).append(event)
        computed: dict[int, str] = {}
        for members in groups.values():
            try:
                hashes = event_hashes(
                    events=[member.data for member in members], context=members[0].context
                )
            except _UNHASHABLE:
                hashes = []
                for member in members:
                    try:
                        hashes.extend(event_hashes(events=[member.data], context=member.context))
                    except _UNHASHABLE:
                        hashes.append("")
            computed.update({m.pk: h for m, h in zip(members, hashes, strict=True)})
        for event in batch:
            checked += 1
            lot_code = event.lot.code if event.lot else ""

            def report(problem: str, event: Event = event, lot_code: str = lot_code) -> None:
                problems.append(
                    EventVerifyProblem(
                        event_pk=event.pk,
                        event_id=event.event_id,
                        lot_code=lot_code,
                        problem=problem,
                    )
                )

            if computed[event.pk] != event.event_hash:
                report("stored content no longer matches its event hash")
            elif _columns_differ(event):
                report("indexed columns no longer match the stored event")
            if event.lot_id is not None:
                expected = last_hash.get(event.lot_id, "")
                if event.previous_hash != expected:
                    report("chain broken: previous hash does not match the lot's prior event")
                last_hash[event.lot_id] = event.event_hash
    return checked, problems
