"""One day's sales facts: goods by direction (上行/下行/local) in SalesDay, distinct buyers in
BuyerDay, and the residents reached by buying and by selling in ReachDay
(docs/impact-metrics.md, "Sales" and "Residents reached").

Reads the day's orders in bulk through the other apps' selectors and writes with bulk_create:
a day of ~3,000 orders takes well under a second of queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

from xiangcun.accounts.selectors import counted_user_ids, residents_by_id, residents_of_users
from xiangcun.accounts.types import ResidentAt
from xiangcun.catalog.selectors import products_impact
from xiangcun.impact.models import BuyerDay, Direction, ReachDay, SalesDay, Way
from xiangcun.orders.selectors import (
    order_days_changed,
    orders_completed_on,
    orders_first_day,
    orders_paid_on,
)
from xiangcun.orders.types import ImpactOrder
from xiangcun.regions.errors import CountyNotConfiguredError
from xiangcun.regions.selectors import county_get_default
from xiangcun.sellers.selectors import seller_places
from xiangcun.sellers.types import SellerPlace
from xiangcun.servicecenter.selectors import assisted_order_residents

# The shops whose owners are reached by selling: producers of the county, not merchants.
PRODUCER_KINDS = frozenset({"farmer", "cooperative", "craft_maker"})
HOME = "home"
_BATCH = 2000

# (direction, township, village, county code, category, certified)
_SalesKey = tuple[str, int | None, int | None, str, int | None, bool]


def _local_county_code() -> str:
    try:
        return county_get_default().code[:6]
    except CountyNotConfiguredError:
        return ""


def _direction(order: ImpactOrder, seller: SellerPlace, county_code: str) -> str | None:
    """The line's direction, or None for goods from outside to outside (not the programme's)."""
    local_seller = seller.village_id is not None
    inside = order.delivery_method != HOME or order.county_code in ("", county_code)
    if local_seller:
        return Direction.LOCAL if inside else Direction.UPWARD
    return Direction.DOWNWARD if inside else None


def _reach_rows(day: datetime.date, way: str, residents: dict[int, ResidentAt]) -> list[ReachDay]:
    return [
        ReachDay(
            day=day,
            way=way,
            resident_id=r.resident_id,
            township_id=r.township_id,
            village_id=r.village_id,
            household_id=r.household_id,
            poor=r.poor,
        )
        for r in sorted(residents.values(), key=lambda r: r.resident_id)
    ]


def sales_facts_build(*, day: datetime.date) -> int:
    """Delete and write `day`'s SalesDay, BuyerDay and ReachDay rows of ways bought and sold;
    returns the rows written. Run inside the caller's transaction (facts_rebuild_day)."""
    county_code = _local_county_code()
    paid = [o for o in orders_paid_on(day=day) if not o.fully_refunded]
    completed = [o for o in orders_completed_on(day=day) if not o.fully_refunded]
    sellers = seller_places(
        seller_ids={line.seller_id for o in (*paid, *completed) for line in o.lines}
    )
    counted = counted_user_ids(
        user_ids={o.buyer_id for o in paid if o.buyer_id is not None}
        | {s.owner_id for s in sellers.values()}
    )
    # Orders of test and staff accounts and lines of their shops are left out.
    paid = [o for o in paid if o.buyer_id is None or o.buyer_id in counted]
    products = products_impact(
        product_ids={line.product_id for o in paid for line in o.lines}, on=day
    )

    sales: dict[_SalesKey, list[int | Decimal]] = defaultdict(lambda: [0, 0, Decimal("0.00")])
    buyers: set[tuple[str, int, int | None, int | None]] = set()
    for order in paid:
        first_seen: set[str] = set()
        for line in order.lines:
            seller = sellers.get(line.seller_id)
            if line.amount <= 0 or seller is None or seller.owner_id not in counted:
                continue
            direction = _direction(order, seller, county_code)
            if direction is None:
                continue
            if direction == Direction.UPWARD:
                township_id, village_id, code = (
                    seller.township_id,
                    seller.village_id,
                    order.county_code,
                )
            else:
                township_id, village_id, code = order.township_id, order.village_id, ""
            product = products.get(line.product_id)
            key: _SalesKey = (
                direction,
                township_id,
                village_id,
                code,
                product.category_id if product else None,
                bool(product and product.certified),
            )
            row = sales[key]
            # An order counts once per direction, under its first line in that direction.
            if direction not in first_seen:
                first_seen.add(direction)
                row[0] = int(row[0]) + 1
            row[1] = int(row[1]) + 1
            row[2] = Decimal(row[2]) + line.amount
            if order.buyer_id is not None:
                buyers.add((direction, order.buyer_id, township_id, village_id))

    # Reached by buying: the buyer's resident profile, or the resident an agent ordered for.
    assisted = assisted_order_residents(order_ids=[o.order_id for o in paid])
    bought_by_id = residents_by_id(resident_ids=assisted.values(), on=day)
    bought_users = residents_of_users(
        user_ids={
            o.buyer_id for o in paid if o.order_id not in assisted and o.buyer_id is not None
        },
        on=day,
    )
    bought: dict[int, ResidentAt] = {}
    for order in paid:
        resident_id = assisted.get(order.order_id)
        if resident_id is not None:
            resident = bought_by_id.get(resident_id)
        else:
            resident = bought_users.get(order.buyer_id) if order.buyer_id is not None else None
        if resident is not None:
            bought[resident.resident_id] = resident

    # Reached by selling: owners of producers' shops with goods in an order completed today.
    owners = {
        sellers[line.seller_id].owner_id
        for order in completed
        for line in order.lines
        if line.amount > 0
        and line.seller_id in sellers
        and sellers[line.seller_id].kind in PRODUCER_KINDS
        and sellers[line.seller_id].owner_id in counted
    }
    sold = {r.resident_id: r for r in residents_of_users(user_ids=owners, on=day).values()}

    ReachDay.objects.filter(day=day, way__in=[Way.BOUGHT, Way.SOLD]).delete()
    SalesDay.objects.filter(day=day).delete()
    BuyerDay.objects.filter(day=day).delete()
    reach = _reach_rows(day, Way.BOUGHT, bought) + _reach_rows(day, Way.SOLD, sold)
    sales_rows = [
        SalesDay(
            day=day,
            direction=direction,
            township_id=township_id,
            village_id=village_id,
            county_code=code,
            category_id=category_id,
            certified=certified,
            orders=int(orders),
            lines=int(lines),
            amount=Decimal(amount),
        )
        for (direction, township_id, village_id, code, category_id, certified), (
            orders,
            lines,
            amount,
        ) in sorted(sales.items(), key=lambda item: repr(item[0]))
    ]
    buyer_rows = [
        BuyerDay(
            day=day,
            direction=direction,
            buyer_id=buyer_id,
            township_id=township_id,
            village_id=village_id,
        )
        for direction, buyer_id, township_id, village_id in sorted(buyers, key=repr)
    ]
    ReachDay.objects.bulk_create(reach, batch_size=_BATCH)
    SalesDay.objects.bulk_create(sales_rows, batch_size=_BATCH)
    BuyerDay.objects.bulk_create(buyer_rows, batch_size=_BATCH)
    return len(reach) + len(sales_rows) + len(buyer_rows)


def sales_days_changed(*, since: datetime.datetime) -> set[datetime.date]:
    """Days whose sales facts may have changed since `since` (orders paid, completed, refunded)."""
    return order_days_changed(since=since)


def sales_first_day() -> datetime.date | None:
    """The first day an order was paid (nothing is sold before one is)."""
    return orders_first_day()
