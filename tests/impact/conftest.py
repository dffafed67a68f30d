"""A small hand-built county for the impact tests: two townships, three villages, residents who
buy, sell, move and are left out, shops in and outside the county, and a day of orders paid
(D1) and completed (D2) with refunds. Every figure of it is worked out by hand in
tests/impact/test_figures_sales.py; other impact tests may reuse it (`impact_world`) and add
their own records to it.

Who is who (`w.<name>`):
- alice: resident of v1 with a login, in a registered poor household; owns shop_a (farmer, v1).
- bob: resident with a login, lived in v2 until MOVED_ON, now in v3 (a ResidentMove).
- carol: resident of v1 without a login; an agent ordered for her at `station` (assisted).
- erin: resident of v2 with a login; owns shop_e (co-operative, v2); buys too.
- frank: resident of v3; owns shop_f (craft maker, v3); his only sale was refunded whole.
- dave: a buyer outside the county (no resident profile).
- tess: a test account with a resident profile in v1; owns shop_t (farmer, v1).
- stan: back-office staff with a resident profile in v1.
- maker: owns shop_x, a maker outside the county.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.regions.factories import CountyFactory, StationFactory, TownshipFactory, VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import Household, ResidentMove, ResidentProfile, User
from xiangcun.catalog.models import Brand, Category, Certification, Direction, Variant
from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest
from xiangcun.regions.models import Station
from xiangcun.sellers.models import Seller
from xiangcun.servicecenter.models import AssistedOrder

D0 = datetime.date(2026, 3, 9)
D1 = datetime.date(2026, 3, 10)  # the sales day
D2 = datetime.date(2026, 3, 11)  # the day the county's sales are completed
MOVED_ON = datetime.date(2026, 4, 1)  # bob moves from v2 to v3
OUTSIDE_COUNTY = "440106"  # 天河区, Guangzhou
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """`hour:minute` of `day` in China time, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def resident(
    village: object, *, user: User | None = None, household: Household | None = None, name: str
) -> ResidentProfile:
    return ResidentProfile.objects.create(
        user=user, name=name, village=village, household=household
    )


def place_order(
    buyer: User | None,
    lines: list[tuple[Variant, int]],
    *,
    paid_at: datetime.datetime | None,
    delivery: str = Order.Delivery.HOME,
    station: Station | None = None,
    county_code: str = "",
    township: object = None,
    village: object = None,
    status: str = Order.Status.PAID,
    completed_at: datetime.datetime | None = None,
) -> Order:
    """An order written straight to the tables (no checkout), with its lines."""
    goods = sum((variant.price * quantity for variant, quantity in lines), Decimal("0.00"))
    order: Order = OrderFactory(
        buyer=buyer,
        recipient="收件人",
        phone="13900000000",
        goods_total=goods,
        delivery_fee=Decimal("0.00"),
        total=goods,
        status=status,
        delivery_method=delivery,
        station=station,
        county_code=county_code,
        township=township,
        village=village,
        paid_at=paid_at,
        completed_at=completed_at,
    )
    for variant, quantity in lines:
        OrderLineFactory(order=order, variant=variant, quantity=quantity)
    return order


def refund(order: Order, units: list[tuple[OrderLine, int]], *, status: str = "refunded") -> None:
    """A return of these units, refunded (as `return_refunded` leaves it)."""
    amount = sum((line.unit_price * quantity for line, quantity in units), Decimal("0.00"))
    request = ReturnRequest.objects.create(
        order=order, reason=ReturnRequest.Reason.DAMAGED, status=status, amount=amount
    )
    for line, quantity in units:
        ReturnLine.objects.create(request=request, order_line=line, quantity=quantity)
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=quantity)
    if status == ReturnRequest.Status.REFUNDED:
        Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)


@pytest.fixture
def impact_world(db: None) -> SimpleNamespace:
    w = SimpleNamespace(D0=D0, D1=D1, D2=D2, MOVED_ON=MOVED_ON)
    w.county = CountyFactory()
    w.t1 = TownshipFactory(county=w.county)
    w.t2 = TownshipFactory(county=w.county)
    w.v1 = VillageFactory(township=w.t1)
    w.v2 = VillageFactory(township=w.t1)
    w.v3 = VillageFactory(township=w.t2)
    w.station = StationFactory(village=w.v1, township=w.t1)
    w.county_shop = StationFactory(county_site=True, township=w.t1)
    w.poor_household = Household.objects.create(
        village=w.v1, head_name="阿莉", registered_poor=True, register_number="P-001"
    )
    w.household_b = Household.objects.create(village=w.v2, head_name="阿波")

    # People
    w.alice = UserFactory(name="alice")
    w.bob = UserFactory(name="bob")
    w.erin = UserFactory(name="erin")
    w.frank = UserFactory(name="frank")
    w.dave = UserFactory(name="dave")
    w.tess = UserFactory(name="tess", is_test=True)
    w.stan = UserFactory(name="stan", is_staff=True)
    w.maker = UserFactory(name="maker")
    w.agent = UserFactory(name="agent")
    w.alice_r = resident(w.v1, user=w.alice, household=w.poor_household, name="阿莉")
    w.bob_r = resident(w.v3, user=w.bob, household=w.household_b, name="阿波")
    ResidentMove.objects.create(
        resident=w.bob_r, from_village=w.v2, to_village=w.v3, moved_on=MOVED_ON
    )
    w.carol_r = resident(w.v1, name="卡萝")
    w.erin_r = resident(w.v2, user=w.erin, name="爱琳")
    w.frank_r = resident(w.v3, user=w.frank, name="弗兰克")
    w.tess_r = resident(w.v1, user=w.tess, name="测试")
    w.stan_r = resident(w.v1, user=w.stan, name="职员")

    # Shops
    w.shop_a = SellerFactory(owner=w.alice, village=w.v1)
    w.shop_e = SellerFactory(owner=w.erin, kind=Seller.Kind.COOPERATIVE, village=w.v2)
    w.shop_f = SellerFactory(owner=w.frank, kind=Seller.Kind.CRAFT_MAKER, village=w.v3)
    w.shop_t = SellerFactory(owner=w.tess, village=w.v1)
    w.shop_x = SellerFactory(owner=w.maker, outside=True)

    # Catalogue: food (rice under it) goes up, goods come down.
    w.food = CategoryFactory(slug="impact-food")
    w.rice_category = CategoryFactory(slug="impact-rice", parent=w.food)
    w.goods = CategoryFactory(slug="impact-goods", direction=Direction.DOWN)
    w.brand = Brand.objects.create(kind=Brand.Kind.REGIONAL, slug="impact-honey", name="丹寨蜂蜜")

    def variant(shop: Seller, category: Category, price: str, **product: object) -> Variant:
        made = ProductFactory(seller=shop, category=category, **product)
        return VariantFactory(product=made, price=Decimal(price))

    w.rice = variant(w.shop_a, w.rice_category, "20.00")
    w.honey = variant(w.shop_e, w.food, "30.00", brand=w.brand)
    w.tea = variant(w.shop_e, w.food, "15.00")
    w.basket = variant(w.shop_f, w.food, "45.00")
    w.trial = variant(w.shop_t, w.food, "9.00")
    w.pot = variant(w.shop_x, w.goods, "50.00", direction=Direction.DOWN)
    poverty = Certification.Kind.POVERTY_ALLEVIATION
    # rice: its own certificate, valid around D1; honey: its brand's, from D1; tea: expired.
    checked = {"status": Certification.Status.VERIFIED, "verified_at": at(D0, 9)}
    # Each certificate names the product(s) it covers; a brand's covers the honey only.
    Certification.objects.create(
        kind=poverty, product=w.rice.product, certificate_number="R-1", issuer="县农业局",
        valid_from=D1 - datetime.timedelta(days=30), valid_until=D1 + datetime.timedelta(days=30),
        **checked,
    ).products.set([w.rice.product])  # fmt: skip
    Certification.objects.create(
        kind=poverty, brand=w.brand, certificate_number="B-1", issuer="县农业局", valid_from=D1,
        **checked,
    ).products.set([w.honey.product])  # fmt: skip
    Certification.objects.create(
        kind=poverty, product=w.tea.product, certificate_number="T-1", issuer="县农业局",
        valid_from=D0 - datetime.timedelta(days=400), valid_until=D0, **checked,
    ).products.set([w.tea.product])  # fmt: skip
    Certification.objects.create(  # another kind of certificate does not make it 扶贫
        kind=Certification.Kind.ORGANIC, product=w.pot.product, certificate_number="O-1",
        issuer="认证中心", valid_from=D0, **checked,
    ).products.set([w.pot.product])  # fmt: skip

    home, pickup = Order.Delivery.HOME, Order.Delivery.STATION_PICKUP
    paid = at(D1, 10)
    # Upward: dave in Guangzhou buys rice (v1) and honey (v2); completed on D2.
    w.o_up = place_order(
        w.dave, [(w.rice, 2), (w.honey, 1)], paid_at=paid, county_code=OUTSIDE_COUNTY,
        status=Order.Status.COMPLETED, completed_at=at(D2, 9),
    )  # fmt: skip
    # Downward: alice picks a pot up at her village's station.
    w.o_down = place_order(w.alice, [(w.pot, 1)], paid_at=paid, delivery=pickup, station=w.station)
    # Local and downward in one order: bob (then in v2) has rice and a pot delivered home; one
    # of his three bags of rice was refunded (the order is "refunded" but only in part).
    w.o_mix = place_order(
        w.bob, [(w.rice, 3), (w.pot, 1)], paid_at=paid, township=w.t1, village=w.v2,
        status=Order.Status.COMPLETED, completed_at=at(D2, 11),
    )  # fmt: skip
    refund(w.o_mix, [(w.o_mix.lines.get(variant=w.rice), 1)])
    # Assisted: the agent orders tea for carol (no login), picked up at the county shop.
    w.o_assist = place_order(
        None, [(w.tea, 1)], paid_at=paid, delivery=Order.Delivery.SHOP_PICKUP,
        station=w.county_shop,
    )  # fmt: skip
    AssistedOrder.objects.create(
        order=w.o_assist, resident=w.carol_r, agent=w.agent, station=w.station,
        payment=AssistedOrder.Payment.CASH, idempotency_key="impact-1", fingerprint="x",
    )  # fmt: skip
    # Home delivery naming the county's own code is inside the county: local, at v3.
    w.o_own_code = place_order(
        w.erin, [(w.rice, 1)], paid_at=paid, county_code=w.county.code, township=w.t2,
        village=w.v3,
    )  # fmt: skip
    # Paid ten past midnight China time (the evening before in UTC): still D1.
    w.o_early = place_order(
        w.alice, [(w.pot, 1)], paid_at=at(D1, 0, 10), delivery=pickup, station=w.station
    )
    # Outside to outside: not the programme's.
    w.o_outside = place_order(w.dave, [(w.pot, 1)], paid_at=paid, county_code=OUTSIDE_COUNTY)
    # Left out: a test account, staff, a test account's shop.
    w.o_test = place_order(w.tess, [(w.pot, 1)], paid_at=paid, delivery=pickup, station=w.station)
    w.o_staff = place_order(w.stan, [(w.rice, 1)], paid_at=paid, township=w.t1, village=w.v1)
    w.o_test_shop = place_order(
        w.alice, [(w.trial, 1)], paid_at=paid, delivery=pickup, station=w.station
    )
    # Fully refunded: bob's basket from frank, completed on D2 and then refunded whole.
    w.o_refunded = place_order(
        w.bob, [(w.basket, 1)], paid_at=paid, township=w.t1, village=w.v2,
        status=Order.Status.COMPLETED, completed_at=at(D2, 12),
    )  # fmt: skip
    refund(w.o_refunded, [(w.o_refunded.lines.get(), 1)])
    # Never paid.
    w.o_cancelled = place_order(
        w.erin, [(w.pot, 1)], paid_at=None, status=Order.Status.CANCELLED, delivery=home,
        township=w.t1, village=w.v2,
    )  # fmt: skip
    # Paid half past midnight on D2 China time (still D1 in UTC): D2's.
    w.o_late = place_order(w.dave, [(w.rice, 1)], paid_at=at(D2, 0, 30), county_code=OUTSIDE_COUNTY)
    return w
