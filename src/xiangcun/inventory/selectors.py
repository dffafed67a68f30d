"""Reads of the inventory app: what is available, where, what moved, and what runs low.

Available = on hand - reserved, summed over active locations. Each function runs a fixed
number of queries whatever the number of rows.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Max, Prefetch, Q, QuerySet, Sum

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.catalog.selectors import variant_sellers
from xiangcun.core.language import localized
from xiangcun.core.types import IntegrityProblem
from xiangcun.core.validators import INT64_MAX
from xiangcun.inventory.errors import (
    InboundNotFoundError,
    InboundPermissionDeniedError,
    LocationNotFoundError,
    StockViewDeniedError,
    VariantNotFoundError,
)
from xiangcun.inventory.models import (
    InboundLine,
    InboundShipment,
    Location,
    Reservation,
    Stock,
    StockLot,
    StockMovement,
)
from xiangcun.inventory.types import LowStockItem, StockLine
from xiangcun.sellers.selectors import (
    approved_seller_ids_managed_by,
    seller_can_manage,
    user_has_permission,
)

# Warehouse staff hold this through their role's group (see accounts.roles); superusers too.
# (Every seller's group holds `inventory.view_stock`, for their own stock: it decides nothing.)
CHANGE_PERMISSION = "inventory.change_stock"
# Staff who work the stock and see every variant's stock per location.
STOCK_STAFF_ROLES = frozenset({Role.WAREHOUSE, Role.PACKER, Role.ADMIN})


def variant_seller(*, variant_id: int) -> int:
    """The seller of one variant; VariantNotFoundError if there is no such variant."""
    seller_id = variant_sellers(variant_ids=[variant_id]).get(variant_id)
    if seller_id is None:
        raise VariantNotFoundError(field="variant_id")
    return seller_id


def _active_locations() -> Q:
    return Q(location_id__in=Location.objects.filter(is_active=True).values("pk"))


def available_by_variant(*, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units buyers can still order per variant: on hand - reserved over active locations.

    Every requested id is in the answer (0 when there is no stock). One query.
    """
    ids = list(variant_ids)
    available = dict.fromkeys(ids, 0)
    rows = (
        Stock.objects.filter(_active_locations(), variant_id__in=ids)
        .values("variant_id")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    for row in rows:
        available[row["variant_id"]] = int(row["total"] or 0)
    return available


def lot_ids_in_stock() -> QuerySet[StockLot, Any]:
    """The ids of harvest lots with units on hand at an active location, as a subquery for
    `lot_id__in=` (the lots on sale)."""
    rows = StockLot.objects.filter(on_hand__gt=0, stock__location__is_active=True)
    return rows.values("lot_id")


def stock_can_view(*, user: AnyUser, variant_id: int) -> bool:
    """Who sees a variant's stock per location: staff who work the stock (warehouse managers,
    packers, administrators, anyone allowed to change stock) and whoever manages the variant's
    own shop. Not the `view_stock` permission by itself: every seller's role holds it (for
    their own stock page), and a seller must never see another shop's stock."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user_roles(user=user) & STOCK_STAFF_ROLES or user_has_permission(
        user=user, permission=CHANGE_PERMISSION
    ):
        return True
    seller_id = variant_sellers(variant_ids=[variant_id]).get(variant_id)
    return seller_id is not None and seller_can_manage(user=user, seller_id=seller_id)


def stock_for_variant(*, variant_id: int) -> list[StockLine]:
    """One variant's stock at every location that has a row for it, active ones only."""
    rows = (
        Stock.objects.filter(_active_locations(), variant_id=variant_id)
        .select_related("location")
        .order_by("location__kind", "location__code")
    )
    return [_line(row) for row in rows]


def stock_by_location(*, user: AnyUser, variant_id: int) -> list[StockLine]:
    """A variant's stock at each place, for `user` if they may see it (`stock_can_view`):
    VariantNotFoundError for an unknown variant, StockViewDeniedError for anyone else."""
    variant_seller(variant_id=variant_id)
    if not stock_can_view(user=user, variant_id=variant_id):
        raise StockViewDeniedError
    return stock_for_variant(variant_id=variant_id)


def _line(row: Stock) -> StockLine:
    return StockLine(
        stock_id=row.pk,
        variant_id=row.variant_id,
        location_id=row.location_id,
        location_code=row.location.code,
        location_name=localized(row.location),
        location_kind=row.location.kind,
        sells_over_counter=row.location.sells_over_counter,
        on_hand=row.on_hand,
        reserved=row.reserved,
        low_stock_threshold=row.low_stock_threshold,
    )


def stock_get(*, variant_id: int, location_id: int) -> Stock | None:
    return Stock.objects.filter(variant_id=variant_id, location_id=location_id).first()


def movements_for_stock(*, stock_id: int, limit: int = 100) -> list[StockMovement]:
    """The latest changes to one stock row, newest first."""
    return list(StockMovement.objects.filter(stock_id=stock_id).order_by("-id")[:limit])


def low_stock_list(*, seller_id: int | None = None) -> list[LowStockItem]:
    """Stock whose available quantity is at or below its alert threshold (a threshold of 0
    means no alert), at active locations, optionally for one seller's variants. One query."""
    rows = Stock.objects.filter(
        _active_locations(),
        low_stock_threshold__gt=0,
        on_hand__lte=F("reserved") + F("low_stock_threshold"),
    )
    if seller_id is not None:
        rows = rows.filter(variant__product__seller_id=seller_id)
    rows = rows.select_related("location").annotate(seller_id=F("variant__product__seller_id"))
    return [
        LowStockItem(
            stock_id=row.pk,
            variant_id=row.variant_id,
            location_id=row.location_id,
            location_name=localized(row.location),
            seller_id=row.seller_id,
            on_hand=row.on_hand,
            reserved=row.reserved,
            available=row.on_hand - row.reserved,
            threshold=row.low_stock_threshold,
        )
        for row in rows.order_by("pk")
    ]


def location_get(*, location_id: int) -> Location:
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise LocationNotFoundError(field="location_id")
    return location


def locations_list(
    *, sells_over_counter: bool | None = None, kind: str | None = None
) -> list[Location]:
    """Active locations; `sells_over_counter=True` gives the offline stores (county shop,
    service centres) that sell the catalogue over the counter."""
    rows = Location.objects.filter(is_active=True)
    if sells_over_counter is not None:
        rows = rows.filter(sells_over_counter=sells_over_counter)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("kind", "code"))


def reservations_for_reference(*, reference: str) -> list[Reservation]:
    return list(Reservation.objects.filter(reference=reference).order_by("pk"))


def reservation_units(*, reference_prefix: str) -> dict[str, dict[str, dict[int, int]]]:
    """Units held for each reference starting with `reference_prefix` ("order:"), by
    reservation status, then by variant: {reference: {"consumed": {variant_id: units}}}.
    One query, for audits (`orders_integrity_problems`)."""
    units: dict[str, dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    rows = (
        Reservation.objects.filter(reference__startswith=reference_prefix)
        .values_list("reference", "status", "stock__variant_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for reference, status, variant_id, total in rows:
        units[reference][status][variant_id] += int(total or 0)
    return units


def _problem(check: str, stock_id: int, detail: str) -> IntegrityProblem:
    return IntegrityProblem(app="inventory", check=check, record=f"stock {stock_id}", detail=detail)


def inventory_integrity_problems() -> list[IntegrityProblem]:
    """Every stock row against its own history: never negative, never more reserved than on
    hand, `reserved` equal to its active reservations, `on_hand` equal to the sum of its
    movements (and to the last movement's `on_hand_after`), and each consumed reservation
    matched by a sale movement of the same units and reference. Empty when all agree.
    A fixed number of queries."""
    active = dict(
        Reservation.objects.filter(status=Reservation.Status.ACTIVE)
        .values_list("stock_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    moved = dict(
        StockMovement.objects.values_list("stock_id").annotate(total=Sum("quantity")).order_by()
    )
    last_ids = StockMovement.objects.values("stock_id").annotate(last=Max("id")).values("last")
    after = dict(
        StockMovement.objects.filter(id__in=last_ids).values_list("stock_id", "on_hand_after")
    )
    problems: list[IntegrityProblem] = []
    stocks = Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved")
    for stock_id, on_hand, reserved in stocks.iterator():
        if on_hand < 0 or reserved < 0:
            problems.append(
                _problem("stock_negative", stock_id, f"on hand {on_hand}, reserved {reserved}")
            )
        if reserved > on_hand:
            problems.append(
                _problem(
                    "stock_over_reserved", stock_id, f"reserved {reserved} > on hand {on_hand}"
                )
            )
        held = int(active.get(stock_id) or 0)
        if reserved != held:
            problems.append(
                _problem(
                    "stock_reserved_mismatch",
                    stock_id,
                    f"reserved {reserved}, active reservations hold {held}",
                )
            )
        total = int(moved.get(stock_id) or 0)
        if on_hand != total:
            problems.append(
                _problem(
                    "stock_movements_mismatch",
                    stock_id,
                    f"on hand {on_hand}, movements add up to {total}",
                )
            )
        elif stock_id in after and after[stock_id] != on_hand:
            problems.append(
                _problem(
                    "stock_movements_mismatch",
                    stock_id,
                    f"on hand {on_hand}, last movement left {after[stock_id]}",
                )
            )
    consumed = (
        Reservation.objects.filter(status=Reservation.Status.CONSUMED)
        .values_list("stock_id", "reference")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    sold = (
        StockMovement.objects.filter(reason=StockMovement.Reason.SELL)
        .values_list("stock_id", "reference")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    consumed_units = {(s, r): int(t or 0) for s, r, t in consumed}
    sold_units = {(s, r): -int(t or 0) for s, r, t in sold}
    for stock_id, reference in sorted(set(consumed_units) | set(sold_units)):
        held = consumed_units.get((stock_id, reference), 0)
        out = sold_units.get((stock_id, reference), 0)
        if held != out:
            problems.append(
                _problem(
                    "stock_sale_mismatch",
                    stock_id,
                    f"{reference}: reservations consumed {held} units, sales took {out}",
                )
            )
    return problems


# --- Shipments into the county (ASNs) ----------------------------------------------------------


def inbound_can_receive(*, user: AnyUser) -> bool:
    """Warehouse staff (who may change any stock) receive shipments and see every notice."""
    return (
        user.is_authenticated
        and user.is_active
        and user_has_permission(user=user, permission=CHANGE_PERMISSION)
    )


def _inbound_visible(user: AnyUser) -> QuerySet[InboundShipment]:
    rows = InboundShipment.objects.select_related("seller", "warehouse")
    if inbound_can_receive(user=user):
        return rows
    return rows.filter(seller_id__in=approved_seller_ids_managed_by(user=user))


def inbound_list(
    *, user: AnyUser, seller_id: int | None = None, open_only: bool = False, limit: int = 50
) -> list[InboundShipment]:
    """Notices `user` may see, soonest expected first: a seller's own (or those of the shops an
    agent helps); every notice for warehouse staff. `open_only` leaves out received ones.
    InboundPermissionDeniedError for someone who neither sends nor receives. Two queries."""
    if not inbound_can_receive(user=user) and not approved_seller_ids_managed_by(user=user):
        raise InboundPermissionDeniedError
    rows = _inbound_visible(user)
    if seller_id is not None:
        rows = rows.filter(seller_id=seller_id)
    if open_only:
        rows = rows.exclude(status=InboundShipment.Status.RECEIVED)
    return list(rows.prefetch_related("lines").order_by("expected_on", "id")[:limit])


def inbound_get(*, user: AnyUser, shipment_id: int) -> InboundShipment:
    """One notice with its lines (and their variants), if `user` may see it; otherwise
    InboundNotFoundError, so a seller cannot learn that another shop's notice exists."""
    if not 0 < shipment_id <= INT64_MAX:
        raise InboundNotFoundError
    shipment = (
        _inbound_visible(user)
        .prefetch_related(
            Prefetch("lines", queryset=InboundLine.objects.select_related("variant__product"))
        )
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise InboundNotFoundError
    return shipment
