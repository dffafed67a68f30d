"""Stock writes: locations, receiving, counting, reservations (transfers and intake from a
farm: `transfer`).

Rules every function keeps:
- every change to on-hand stock is a StockMovement whose `on_hand_after` is the new count;
- Stock rows are locked with select_for_update in primary-key order before they are read for
  a decision, and changed with F() updates, so concurrent orders cannot oversell and two
  transactions never wait on each other in a cycle;
- lock order is always Stock rows first, then Reservation rows;
- the database's check constraints (on_hand >= 0, 0 <= reserved <= on_hand) back all of it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT32_MAX, INT64_MAX, int_check, text_check, text_field
from xiangcun.inventory.errors import (
    InsufficientStockError,
    InvalidLocationError,
    InvalidQuantityError,
    LocationCodeTakenError,
    LocationInactiveError,
    LocationNotForSellerError,
    ReservationExistsError,
    ReservationExpiredError,
    ReservationNotFoundError,
    StockBelowReservedError,
    StockPermissionDeniedError,
)
from xiangcun.inventory.models import Location, Reservation, Stock, StockMovement
from xiangcun.inventory.selectors import CHANGE_PERMISSION, location_get, variant_seller
from xiangcun.inventory.services.lots import lots_add, lots_take
from xiangcun.inventory.types import LotPart
from xiangcun.regions.selectors import station_get, stations_list
from xiangcun.sellers.selectors import seller_can_manage, seller_get, user_has_permission

DEFAULT_RESERVATION_TTL_SECONDS = 900
REFERENCE_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 200
# Kinds of location that can be a shop counter; warehouses and farms never sell directly.
COUNTER_KINDS = frozenset(
    {Location.Kind.COUNTY_SHOP, Location.Kind.SERVICE_CENTRE, Location.Kind.STATION}
)


# --- Checks -----------------------------------------------------------------------------------


def _quantity(value: object, *, field: str = "quantity", allow_zero: bool = False) -> int:
    # bool is an int in Python; True units of honey is a bug, not a quantity.
    if not isinstance(value, int) or isinstance(value, bool) or value < (0 if allow_zero else 1):
        raise InvalidQuantityError(field=field)
    if value > INT32_MAX:  # what the integer columns hold on PostgreSQL
        raise InvalidQuantityError(field=field)
    return value


# Notes and references may be empty; too long is refused with a message naming the limit.
_text = partial(text_field, required=False)


def _reference(value: str) -> str:
    reference = _text(value, field="reference", max_length=REFERENCE_MAX_LENGTH)
    if not reference:
        raise InvalidInputError(_("Give a reference, such as the order number."), field="reference")
    return reference


def _usable_location(location_id: int) -> Location:
    location = location_get(location_id=location_id)
    if not location.is_active:
        raise LocationInactiveError(field="location_id")
    return location


def _write_check(*, actor: AnyUser, variant_id: int, location: Location) -> None:
    """Warehouse staff may change any stock; a seller (or an agent acting for one) only the
    stock of their own variants at their own locations."""
    seller_id = variant_seller(variant_id=variant_id)
    if location.seller_id is not None and location.seller_id != seller_id:
        raise LocationNotForSellerError(field="location_id")
    if not actor.is_authenticated or not actor.is_active:
        raise StockPermissionDeniedError
    if user_has_permission(user=actor, permission=CHANGE_PERMISSION):
        return
    if location.seller_id == seller_id and seller_can_manage(user=actor, seller_id=seller_id):
        return
    raise StockPermissionDeniedError


# --- Locking and moving -----------------------------------------------------------------------


def _stocks_locked(stock_ids: Iterable[int]) -> dict[int, Stock]:
    rows = Stock.objects.select_for_update().filter(pk__in=set(stock_ids)).order_by("pk")
    return {row.pk: row for row in rows}


def _stock_locked(*, variant_id: int, location_id: int) -> Stock:
    """The row for this variant here, created if missing, then locked."""
    # get_or_create retries the read when a concurrent request created the row first.
    stock, _created = Stock.objects.get_or_create(variant_id=variant_id, location_id=location_id)
    return _stocks_locked([stock.pk])[stock.pk]


def _move(
    stock: Stock,
    *,
    change: int,
    reason: str,
    actor: AnyUser | None = None,
    note: str = "",
    reference: str = "",
    release_reserved: int = 0,
    lots_in: Sequence[LotPart] = (),
    lot_first: int | None = None,
) -> StockMovement:
    """Change on-hand stock of a locked row by `change` and record it. `release_reserved`
    units of the reservation are given up in the same update (a sale consumes both). Units
    that arrive carry `lots_in`; units that leave take their lots with them (`lots`), the lot
    `lot_first` before the others."""
    after = stock.on_hand + change
    if after < stock.reserved - release_reserved:
        raise InsufficientStockError(
            variant_id=stock.variant_id,
            requested=-change,
            available=stock.on_hand - stock.reserved,
        )
    Stock.objects.filter(pk=stock.pk).update(
        on_hand=F("on_hand") + change,
        reserved=F("reserved") - release_reserved,
        updated_at=timezone.now(),
    )
    stock.on_hand = after
    stock.reserved -= release_reserved
    movement = StockMovement.objects.create(
        stock=stock,
        reason=reason,
        quantity=change,
        on_hand_after=after,
        note=note,
        reference=reference,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    if change > 0:
        lots_add(stock, movement, lots_in)
    else:
        leaving = (StockMovement.Reason.SELL, StockMovement.Reason.TRANSFER_OUT)
        lots_take(stock, movement, -change, lots_first=reason in leaving, lot_first=lot_first)
    return movement


# --- Locations --------------------------------------------------------------------------------


@transaction.atomic
def location_create(
    *,
    kind: str,
    code: str,
    name: str,
    station_id: int | None = None,
    seller_id: int | None = None,
    sells_over_counter: bool = False,
) -> Location:
    """A place stock is kept: the county warehouse, a village station, an offline store (county
    shop, service centre: `sells_over_counter=True`) or a seller's own farm or workshop."""
    if kind not in Location.Kind.values:
        raise InvalidLocationError(field="kind")
    code = _text(code, field="code", max_length=30)
    name = _text(name, field="name", max_length=80)
    if not code or not name:
        raise InvalidLocationError(field="code" if not code else "name")
    if kind == Location.Kind.FARM and seller_id is None:
        raise InvalidLocationError(_("A farm or workshop belongs to a seller."), field="seller_id")
    if sells_over_counter and kind not in COUNTER_KINDS:
        raise InvalidLocationError(
            _("Only a county shop, service centre or village station sells over the counter."),
            field="sells_over_counter",
        )
    if station_id is not None:
        station_get(station_id=station_id)
    if seller_id is not None:
        seller_get(seller_id=seller_id)
    location = Location(
        kind=kind,
        code=code,
        name=name,
        station_id=station_id,
        seller_id=seller_id,
        sells_over_counter=sells_over_counter,
    )
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError as error:
        raise LocationCodeTakenError(field="code") from error
    return location


@transaction.atomic
def location_for_seller(*, seller_id: int) -> Location:
    """The seller's own farm or workshop location, created the first time it is needed."""
    code = f"FARM-{seller_id}"
    location = Location.objects.filter(code=code).first()
    if location is not None:
        return location
    seller = seller_get(seller_id=seller_id)
    try:
        with transaction.atomic():
            return Location.objects.create(
                kind=Location.Kind.FARM, code=code, name=seller.name[:80], seller_id=seller_id
            )
    except IntegrityError:
        return Location.objects.get(code=code)


# --- Stock changes by people ------------------------------------------------------------------


@transaction.atomic
def stock_receive(
    *,
    actor: AnyUser,
    variant_id: int,
    location_id: int,
    quantity: int,
    note: str = "",
    reference: str = "",
    lot_id: int | None = None,
    harvested_on: date | None = None,
) -> Stock:
    """Goods arrive (harvest, delivery, intake at the warehouse): on hand goes up. Units of a
    harvest lot name it (`lot_id`, with its harvest date for first-expired first-out)."""
    quantity = _quantity(quantity)
    lots = _lot_parts(lot_id=lot_id, harvested_on=harvested_on, quantity=quantity)
    note = _text(note, field="note", max_length=NOTE_MAX_LENGTH)
    reference = _text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH)
    location = _usable_location(location_id)
    _write_check(actor=actor, variant_id=variant_id, location=location)
    stock = _stock_locked(variant_id=variant_id, location_id=location.pk)
    _move(
        stock,
        change=quantity,
        reason=StockMovement.Reason.RECEIVE,
        actor=actor,
        note=note,
        reference=reference,
        lots_in=lots,
    )
    return stock


def _lot_parts(*, lot_id: object, harvested_on: object, quantity: int) -> list[LotPart]:
    if lot_id is None and harvested_on is None:
        return []
    if not isinstance(lot_id, int) or isinstance(lot_id, bool) or not 0 < lot_id <= INT64_MAX:
        raise InvalidInputError(field="lot_id")
    if isinstance(harvested_on, datetime) or not isinstance(harvested_on, date):
        raise InvalidInputError(field="harvested_on")
    return [LotPart(lot_id=lot_id, harvested_on=harvested_on, quantity=quantity)]


@transaction.atomic
def stock_return(
    *,
    actor: AnyUser | None,
    variant_id: int,
    location_id: int,
    quantity: int,
    reference: str = "",
    note: str = "",
    lots: Sequence[LotPart] = (),
) -> Stock:
    """Returned goods fit to sell again go back on hand, on the harvest lots they left with
    (`lots`: at most `quantity` units in all). Called by orders or logistics (no person
    acting, `actor=None`) or by staff."""
    quantity = _quantity(quantity)
    parts = [
        part
        for lot in lots
        for part in _lot_parts(
            lot_id=lot.lot_id, harvested_on=lot.harvested_on, quantity=_quantity(lot.quantity)
        )
    ]
    if sum(part.quantity for part in parts) > quantity:
        raise InvalidQuantityError(field="lots")
    location = _usable_location(location_id)
    if actor is not None:
        _write_check(actor=actor, variant_id=variant_id, location=location)
    else:
        variant_seller(variant_id=variant_id)
    stock = _stock_locked(variant_id=variant_id, location_id=location.pk)
    _move(
        stock,
        change=quantity,
        reason=StockMovement.Reason.RETURN,
        actor=actor,
        note=_text(note, field="note", max_length=NOTE_MAX_LENGTH),
        reference=_text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH),
        lots_in=parts,
    )
    return stock


@transaction.atomic
def stock_adjust(
    *, actor: AnyUser, variant_id: int, location_id: int, counted: int, note: str = ""
) -> Stock:
    """Set on hand to what was counted on the shelf. Units held for open orders stay held, so
    the count cannot go below them."""
    counted = _quantity(counted, field="counted", allow_zero=True)
    note = _text(note, field="note", max_length=NOTE_MAX_LENGTH)
    location = _usable_location(location_id)
    _write_check(actor=actor, variant_id=variant_id, location=location)
    stock = _stock_locked(variant_id=variant_id, location_id=location.pk)
    if counted < stock.reserved:
        raise StockBelowReservedError(field="counted", reserved=stock.reserved)
    if counted != stock.on_hand:
        _move(
            stock,
            change=counted - stock.on_hand,
            reason=StockMovement.Reason.ADJUST,
            actor=actor,
            note=note,
        )
    return stock


@transaction.atomic
def stock_threshold_set(
    *, actor: AnyUser, variant_id: int, location_id: int, threshold: int
) -> Stock:
    """Alert when available stock here falls to `threshold` units (0 turns alerts off)."""
    threshold = _quantity(threshold, field="threshold", allow_zero=True)
    location = _usable_location(location_id)
    _write_check(actor=actor, variant_id=variant_id, location=location)
    stock = _stock_locked(variant_id=variant_id, location_id=location.pk)
    stock.low_stock_threshold = threshold
    stock.save(update_fields=["low_stock_threshold", "updated_at"])
    return stock


# --- Reservations (used by orders) ------------------------------------------------------------


@transaction.atomic
def stock_reserve(
    *,
    lines: list[tuple[int, int]],
    reference: str,
    ttl_seconds: int = DEFAULT_RESERVATION_TTL_SECONDS,
) -> list[Reservation]:
    """Hold stock for an order: every line or none (InsufficientStockError names the first
    variant short, with `requested` and `available`). A variant may be held across several
    locations, fullest first. The hold lapses after `ttl_seconds` unless consumed."""
    reference = _reference(reference)
    ttl_seconds = _quantity(ttl_seconds, field="ttl_seconds")
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        variant_id = int_check(int(variant_id), field="lines", minimum=1, maximum=INT64_MAX)
        wanted[variant_id] += _quantity(quantity)
    if not wanted:
        raise InvalidQuantityError(field="lines")

    stocks = list(
        Stock.objects.select_for_update()
        .filter(
            variant_id__in=list(wanted),
            location_id__in=Location.objects.filter(is_active=True).values("pk"),
        )
        .order_by("pk")
    )
    # Checked under the locks, so a concurrent call with the same reference is seen.
    if Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).exists():
        raise ReservationExistsError(field="reference")
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in stocks:
        by_variant[stock.variant_id].append(stock)
    for variant_id in sorted(wanted):
        available = sum(max(0, s.on_hand - s.reserved) for s in by_variant[variant_id])
        if available < wanted[variant_id]:
            raise InsufficientStockError(
                variant_id=variant_id, requested=wanted[variant_id], available=available
            )

    expires_at = timezone.now() + timedelta(seconds=ttl_seconds)
    reservations: list[Reservation] = []
    for variant_id in sorted(wanted):
        remaining = wanted[variant_id]
        for stock in sorted(by_variant[variant_id], key=lambda s: (s.reserved - s.on_hand, s.pk)):
            take = min(remaining, stock.on_hand - stock.reserved)
            if take <= 0:
                continue
            Stock.objects.filter(pk=stock.pk).update(
                reserved=F("reserved") + take, updated_at=timezone.now()
            )
            stock.reserved += take
            reservations.append(
                Reservation(stock=stock, quantity=take, expires_at=expires_at, reference=reference)
            )
            remaining -= take
            if remaining == 0:
                break
    return Reservation.objects.bulk_create(reservations)


def _reservations_locked(
    candidates: Iterable[Reservation],
) -> tuple[dict[int, Stock], list[Reservation]]:
    """Lock the stock rows of these reservations (pk order), then the reservations that are
    still active: another transaction may have ended some while we waited."""
    candidates = list(candidates)
    stocks = _stocks_locked(r.stock_id for r in candidates)
    still_active = list(
        Reservation.objects.select_for_update()
        .filter(pk__in=[r.pk for r in candidates], status=Reservation.Status.ACTIVE)
        .order_by("pk")
    )
    return stocks, still_active


def _release(reservations: list[Reservation], stocks: dict[int, Stock], status: str) -> int:
    for reservation in reservations:
        Stock.objects.filter(pk=reservation.stock_id).update(
            reserved=F("reserved") - reservation.quantity, updated_at=timezone.now()
        )
        stocks[reservation.stock_id].reserved -= reservation.quantity
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        status=status, updated_at=timezone.now()
    )
    return len(reservations)


@transaction.atomic
def reservation_consume(*, reference: str) -> list[Reservation]:
    """The order is paid: held units leave on hand as a sale. Calling again after success
    answers the same reservations (payment notifications arrive more than once)."""
    text_check(reference=reference)
    rows = list(Reservation.objects.filter(reference=reference).order_by("pk"))
    active = [r for r in rows if r.status == Reservation.Status.ACTIVE]
    if not active:
        consumed = [r for r in rows if r.status == Reservation.Status.CONSUMED]
        if consumed:
            return consumed
        if rows:
            raise ReservationExpiredError(field="reference")
        raise ReservationNotFoundError(field="reference")
    stocks, locked = _reservations_locked(active)
    if len(locked) != len(active):
        # Expired or released while we waited for the lock: the order no longer holds it all.
        raise ReservationExpiredError(field="reference")
    for reservation in locked:
        _move(
            stocks[reservation.stock_id],
            change=-reservation.quantity,
            reason=StockMovement.Reason.SELL,
            reference=reference,
            release_reserved=reservation.quantity,
        )
    Reservation.objects.filter(pk__in=[r.pk for r in locked]).update(
        status=Reservation.Status.CONSUMED, updated_at=timezone.now()
    )
    for reservation in locked:
        reservation.status = Reservation.Status.CONSUMED
    return locked


@transaction.atomic
def reservation_release(*, reference: str) -> int:
    """The order was cancelled: give the held units back. Returns how many holds ended."""
    text_check(reference=reference)
    active = Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE)
    stocks, locked = _reservations_locked(active)
    return _release(locked, stocks, Reservation.Status.RELEASED)


@transaction.atomic
def reservations_expire(*, now: datetime | None = None) -> int:
    """End every hold past its expiry (run periodically). Returns how many ended."""
    now = now or timezone.now()
    due = Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now)
    stocks, locked = _reservations_locked(due)
    return _release(locked, stocks, Reservation.Status.EXPIRED)


# --- Demo -------------------------------------------------------------------------------------

_DEMO_LOCATIONS = (
    # code, kind, name, English name, station code, sells over the counter
    (
        "DZ-WH",
        Location.Kind.WAREHOUSE,
        "丹寨县仓储中心",
        "Danzhai County Warehouse",
        "DZ-WH-01",
        False,
    ),
    (
        "DZ-SHOP",
        Location.Kind.COUNTY_SHOP,
        "丹寨县扶贫产品展销馆",
        "Danzhai Poverty-Alleviation Products Shop",
        None,
        True,
    ),
    (
        "DZ-SC",
        Location.Kind.SERVICE_CENTRE,
        "丹寨县电子商务服务中心",
        "Danzhai County E-commerce Service Centre",
        "DZ-SC-01",
        True,
    ),
)


@transaction.atomic
def inventory_demo_load(*, variant_ids: Iterable[int], quantity: int = 60) -> dict[str, int]:
    """The county warehouse and two offline stores, and stock for the given demo variants:
    `quantity` in the warehouse and a few units at the county shop, each with a low-stock
    alert. Safe to run again: locations found by code and stock already there are kept."""
    station_ids = {station.code: station.id for station in stations_list()}
    locations: dict[str, Location] = {}
    created = 0
    for code, kind, name, name_en, station_code, over_counter in _DEMO_LOCATIONS:
        location = Location.objects.filter(code=code).first()
        if location is not None and not location.name_en:
            # Loaded before locations had an English name: give it one.
            location.name_en = name_en
            location.save(update_fields=["name_en", "updated_at"])
        if location is None:
            location = Location.objects.create(
                code=code,
                kind=kind,
                name=name,
                name_en=name_en,
                station_id=station_ids.get(station_code or ""),
                sells_over_counter=over_counter,
            )
        locations[code] = location
    for variant_id in variant_ids:
        for code, units in (("DZ-WH", quantity), ("DZ-SHOP", max(1, quantity // 10))):
            stock, is_new = Stock.objects.get_or_create(
                variant_id=variant_id,
                location=locations[code],
                defaults={"low_stock_threshold": max(1, units // 5)},
            )
            if is_new:
                stock = _stocks_locked([stock.pk])[stock.pk]
                _move(stock, change=units, reason=StockMovement.Reason.RECEIVE, note="demo")
                created += 1
    return {"locations": len(locations), "stocked": created}
