"""Sales figures and reach by buying and selling (docs/impact-metrics.md), built from the hand-made
county of conftest.py and checked two ways: against the numbers worked out by hand for that
county, and against an independent count over the raw orders, lines, returns and people."""

import datetime
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.utils import timezone

from tests.impact.conftest import refund
from xiangcun.accounts.models import ResidentMove, ResidentProfile, User
from xiangcun.catalog.models import Certification, Product
from xiangcun.impact.models import BuyerDay, ReachDay, SalesDay
from xiangcun.impact.services.rebuild import facts_rebuild, facts_rebuild_day
from xiangcun.orders.models import Order, ReturnLine
from xiangcun.regions.models import County
from xiangcun.sellers.models import Seller
from xiangcun.servicecenter.models import AssistedOrder

PRODUCERS = {"farmer", "cooperative", "craft_maker"}


# --- The independent count: straight over the raw records, one object at a time ------------------


def left_out(user: User | None) -> bool:
    return user is not None and (user.is_test or user.is_staff or user.is_superuser)


def china_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else moment.astimezone(timezone.get_default_timezone()).date()


def net_lines(order: Order) -> list[tuple[object, Decimal]]:
    """(line, goods less refunded units) for each line of the order."""
    out = []
    for line in order.lines.all():
        back = sum(
            r.quantity
            for r in ReturnLine.objects.filter(order_line=line, request__status="refunded")
        )
        out.append((line, line.line_total - line.unit_price * back))
    return out


def counts(order: Order) -> bool:
    """Paid, not fully refunded, not a left-out buyer's."""
    if order.paid_at is None or left_out(order.buyer):
        return False
    return any(amount > 0 for _line, amount in net_lines(order))


def where_lived(profile: ResidentProfile, day: datetime.date) -> int:
    move = ResidentMove.objects.filter(resident=profile, moved_on__gt=day).order_by("moved_on")
    first = move.first()
    return first.from_village_id if first else profile.village_id


def raw_sales(day: datetime.date) -> dict[str, dict[str, object]]:
    own_code = County.objects.order_by("code").first().code  # type: ignore[union-attr]
    figures: dict[str, dict[str, object]] = defaultdict(
        lambda: {
            "amount": Decimal("0.00"),
            "orders": set(),
            "buyers": set(),
            "certified": Decimal(0),
        }
    )
    for order in Order.objects.all():
        if china_day(order.paid_at) != day or not counts(order):
            continue
        inside = order.delivery_method != "home" or order.county_code in ("", own_code)
        for line, amount in net_lines(order):
            seller = Seller.objects.get(pk=line.seller_id)
            if amount <= 0 or left_out(seller.owner):
                continue
            if seller.village_id and not inside:
                direction = "upward"
            elif seller.village_id:
                direction = "local"
            elif inside:
                direction = "downward"
            else:
                continue
            figure = figures[direction]
            figure["amount"] += amount  # type: ignore[operator]
            figure["orders"].add(order.pk)  # type: ignore[attr-defined]
            if order.buyer_id:
                figure["buyers"].add(order.buyer_id)  # type: ignore[attr-defined]
            product = Product.objects.get(pk=line.product_id)
            certificates = Certification.objects.filter(
                kind="poverty_alleviation", status="verified"
            ).filter(valid_from__lte=day)
            valid = [
                c
                for c in certificates
                if (c.valid_until is None or c.valid_until >= day)
                and product.pk in {p.pk for p in c.products.all()}
            ]
            if valid:
                figure["certified"] += amount  # type: ignore[operator]
    return dict(figures)


def raw_reach(day: datetime.date) -> dict[str, dict[int, int]]:
    """{way: {resident id: village lived in that day}} for bought and sold."""
    reach: dict[str, dict[int, int]] = {"bought": {}, "sold": {}}
    for order in Order.objects.all():
        if not counts(order):
            continue
        if china_day(order.paid_at) == day:
            assisted = AssistedOrder.objects.filter(order=order).first()
            profile = (
                assisted.resident
                if assisted
                else ResidentProfile.objects.filter(user_id=order.buyer_id).first()
                if order.buyer_id
                else None
            )
            if profile is not None and not left_out(profile.user):
                reach["bought"][profile.pk] = where_lived(profile, day)
        if china_day(order.completed_at) == day:
            for line, amount in net_lines(order):
                seller = Seller.objects.get(pk=line.seller_id)
                profile = ResidentProfile.objects.filter(user=seller.owner).first()
                if (
                    amount > 0
                    and seller.kind in PRODUCERS
                    and profile
                    and not left_out(seller.owner)
                ):
                    reach["sold"][profile.pk] = where_lived(profile, day)
    return reach


# --- What the facts say ---------------------------------------------------------------------------


def facts_sales(day: datetime.date) -> dict[str, dict[str, object]]:
    out = {}
    for direction in ("upward", "downward", "local"):
        rows = SalesDay.objects.filter(day=day, direction=direction)
        if not rows.exists():
            continue
        out[direction] = {
            "amount": rows.aggregate(s=Sum("amount"))["s"],
            "orders": sum(r.orders for r in rows),
            "buyers": set(
                BuyerDay.objects.filter(day=day, direction=direction).values_list(
                    "buyer_id", flat=True
                )
            ),
            "certified": sum((r.amount for r in rows if r.certified), Decimal(0)),
        }
    return out


def facts_reach(day: datetime.date) -> dict[str, dict[int, int]]:
    reach: dict[str, dict[int, int]] = {"bought": {}, "sold": {}}
    for way, resident_id, village_id in ReachDay.objects.filter(
        day=day, way__in=["bought", "sold"]
    ).values_list("way", "resident_id", "village_id"):
        reach[way][resident_id] = village_id
    return reach


@pytest.mark.parametrize("day_name", ["D0", "D1", "D2"])
def test_sales_and_reach_match_an_independent_count(
    impact_world: SimpleNamespace, day_name: str
) -> None:
    day = getattr(impact_world, day_name)
    facts_rebuild_day(day=day)
    raw = raw_sales(day)
    facts = facts_sales(day)
    assert set(facts) == set(raw)
    for direction, figure in raw.items():
        assert facts[direction]["amount"] == figure["amount"]
        assert facts[direction]["orders"] == len(figure["orders"])  # type: ignore[arg-type]
        assert facts[direction]["buyers"] == figure["buyers"]
        assert facts[direction]["certified"] == figure["certified"]
    assert facts_reach(day) == raw_reach(day)


# --- The same figures, worked out by hand ------------------------------------------------------


def test_sales_by_direction_on_the_sales_day(impact_world: SimpleNamespace) -> None:
    w = impact_world
    facts_rebuild_day(day=w.D1)
    facts = facts_sales(w.D1)
    # Upward: dave's rice 2 x 20 and honey 30. Downward: three pots (alice twice, bob once).
    # Local: bob's rice 3 x 20 less one bag refunded, carol's tea 15, erin's rice 20.
    assert facts["upward"]["amount"] == Decimal("70.00")
    assert facts["downward"]["amount"] == Decimal("150.00")
    assert facts["local"]["amount"] == Decimal("75.00")
    # bob's order counts once in downward and once in local.
    assert facts["upward"]["orders"] == 1
    assert facts["downward"]["orders"] == 3
    assert facts["local"]["orders"] == 3
    # carol has no login: she is reached, but there is no user to count as a buyer.
    assert facts["upward"]["buyers"] == {w.dave.pk}
    assert facts["downward"]["buyers"] == {w.alice.pk, w.bob.pk}
    assert facts["local"]["buyers"] == {w.bob.pk, w.erin.pk}
    # Certified: rice (its own certificate) and honey (its brand's); not the tea (expired).
    assert facts["upward"]["certified"] == Decimal("70.00")
    assert facts["local"]["certified"] == Decimal("60.00")


def test_sales_are_placed_at_the_seller_going_up_and_the_buyer_otherwise(
    impact_world: SimpleNamespace,
) -> None:
    w = impact_world
    facts_rebuild_day(day=w.D1)
    by_place = defaultdict(Decimal)
    for direction, village_id, township_id, amount in SalesDay.objects.filter(day=w.D1).values_list(
        "direction", "village_id", "township_id", "amount"
    ):
        by_place[(direction, village_id, township_id)] += amount
    assert dict(by_place) == {
        ("upward", w.v1.pk, w.t1.pk): Decimal("40.00"),
        ("upward", w.v2.pk, w.t1.pk): Decimal("30.00"),
        ("downward", w.v1.pk, w.t1.pk): Decimal("100.00"),  # pickups at v1's station
        ("downward", w.v2.pk, w.t1.pk): Decimal("50.00"),
        ("local", w.v2.pk, w.t1.pk): Decimal("40.00"),
        ("local", w.v3.pk, w.t2.pk): Decimal("20.00"),  # the county's own code
        ("local", None, w.t1.pk): Decimal("15.00"),  # the county shop's counter
    }
    upward_codes = set(
        SalesDay.objects.filter(day=w.D1, direction="upward").values_list("county_code", flat=True)
    )
    assert upward_codes == {"440106"}
    # Product type is the top-level category: rice sits under food.
    categories = set(SalesDay.objects.filter(day=w.D1).values_list("category_id", flat=True))
    assert categories == {w.food.pk, w.goods.pk}


def test_residents_reached_by_buying_and_selling(impact_world: SimpleNamespace) -> None:
    w = impact_world
    facts_rebuild(since=w.D0, until=w.D2)
    bought = facts_reach(w.D1)["bought"]
    # bob lived in v2 on D1 (he moved to v3 on MOVED_ON); carol was ordered for by an agent;
    # tess (test) and stan (staff) are left out, and dave is no resident.
    assert bought == {
        w.alice_r.pk: w.v1.pk,
        w.bob_r.pk: w.v2.pk,
        w.carol_r.pk: w.v1.pk,
        w.erin_r.pk: w.v2.pk,
    }
    # Sold on D2, when dave's and bob's orders were completed: alice and erin; not frank,
    # whose only sale was refunded whole, nor the outside maker.
    assert facts_reach(w.D2) == {
        "bought": {},
        "sold": {w.alice_r.pk: w.v1.pk, w.erin_r.pk: w.v2.pk},
    }
    # alice and erin both bought and sold: each person once in the total.
    reached = set(ReachDay.objects.values_list("resident_id", flat=True))
    assert reached == {w.alice_r.pk, w.bob_r.pk, w.carol_r.pk, w.erin_r.pk}
    assert ReachDay.objects.values("resident_id").distinct().count() == 4
    assert ReachDay.objects.count() == 6
    alice = ReachDay.objects.get(day=w.D1, way="bought", resident_id=w.alice_r.pk)
    assert alice.poor
    assert alice.household_id == w.poor_household.pk


def test_a_day_starts_at_midnight_china_time(impact_world: SimpleNamespace) -> None:
    w = impact_world
    facts_rebuild(since=w.D0, until=w.D2)
    assert not SalesDay.objects.filter(day=w.D0).exists()
    # Half past midnight on D2 in China is still D1 in UTC: D2's upward sale.
    d2 = SalesDay.objects.filter(day=w.D2)
    assert [(r.direction, r.amount) for r in d2] == [("upward", Decimal("20.00"))]
    assert set(BuyerDay.objects.filter(day=w.D2).values_list("buyer_id", flat=True)) == {w.dave.pk}


def test_an_order_refunded_whole_later_leaves_the_figures(impact_world: SimpleNamespace) -> None:
    w = impact_world
    refund(w.o_up, [(line, line.quantity) for line in w.o_up.lines.all()])
    facts_rebuild(since=w.D1, until=w.D2)
    assert not SalesDay.objects.filter(direction="upward", day=w.D1).exists()
    # erin sold only in dave's order; alice still sold in bob's.
    assert facts_reach(w.D2)["sold"] == {w.alice_r.pk: w.v1.pk}


def test_a_refunded_status_without_returns_on_record_counts_as_refunded_whole(
    impact_world: SimpleNamespace,
) -> None:
    w = impact_world
    Order.objects.filter(pk=w.o_down.pk).update(status=Order.Status.REFUNDED)
    facts_rebuild_day(day=w.D1)
    assert sum(
        SalesDay.objects.filter(day=w.D1, direction="downward").values_list("amount", flat=True)
    ) == Decimal("100.00")


@pytest.mark.postgres
def test_sales_figures_on_postgresql(impact_world: SimpleNamespace) -> None:
    """The same build on PostgreSQL (the month fold is raw SQL): the hand-worked figures hold."""
    w = impact_world
    facts_rebuild(since=w.D1, until=w.D2)
    facts_rebuild(since=w.D1, until=w.D2)
    facts = facts_sales(w.D1)
    assert facts["upward"]["amount"] == Decimal("70.00")
    assert facts["local"]["amount"] == Decimal("75.00")
    assert facts_reach(w.D1) == raw_reach(w.D1)
    assert facts_reach(w.D2) == raw_reach(w.D2)
