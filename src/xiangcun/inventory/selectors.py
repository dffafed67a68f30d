"""Reads of the inventory app: what is available, where, what moved, and what runs low.

Available = on hand - reserved, summed over active locations. Each function runs a fixed
number of queries whatever the number of rows.
"""

from collections.abc import Iterable

from django.db.models import F, Q, Sum

from xiangcun.catalog.selectors import variant_sellers
from xiangcun.inventory.errors import LocationNotFoundError, VariantNotFoundError
from xiangcun.inventory.models import Location, Reservation, Stock, StockMovement
from xiangcun.inventory.types import LowStockItem, StockLine
from xiangcun.sellers.selectors import seller_can_manage, user_has_permission
from xiangcun.sellers.types import AnyUser

# Warehouse staff hold these through their role's group (see accounts.roles); superusers too.
VIEW_PERMISSION = "inventory.view_stock"
CHANGE_PERMISSION = "inventory.change_stock"


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


def stock_can_view(*, user: AnyUser, variant_id: int) -> bool:
    """Who sees stock per location: warehouse staff and whoever manages the variant's seller."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user_has_permission(user=user, permission=VIEW_PERMISSION) or user_has_permission(
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


def _line(row: Stock) -> StockLine:
    return StockLine(
        stock_id=row.pk,
        variant_id=row.variant_id,
        location_id=row.location_id,
        location_code=row.location.code,
        location_name=row.location.name,
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
            location_name=row.location.name,
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
