"""A small county for the logistics tests, built with factories and the services: the county
warehouse (the vans' depot and its stock), a village station with its agent, the warehouse
manager, a packer, a driver and a courier, a van with the driver on shift, a buyer and a
stocked product, and on request a paid order to the station, its packed parcel, the parcel
waiting at the station with its pickup code, a farm pickup and the day's plan.

The Danzhai demo (`demo`) is loaded only by the tests about the demo."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.logistics.factories import (
    FarmPickupFactory,
    StockLocationFactory,
    VillageStationFactory,
    WarehouseStationFactory,
    packed,
    paid_order,
    staff_member,
    stocked_variant,
    to_guangzhou,
    van_on_shift,
)
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from tests.sellers.factories import SellerFactory
from xiangcun.accounts import services as accounts_services
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.accounts.types import Role
from xiangcun.catalog import selectors as catalog_selectors
from xiangcun.catalog import services as catalog_services
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services as inventory_services
from xiangcun.inventory.models import Location
from xiangcun.logistics import services
from xiangcun.logistics.models import FarmPickup, Parcel, RoutePlan, StaffMember, Vehicle
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.orders.models import Order
from xiangcun.regions import services as regions_services
from xiangcun.regions.models import Station
from xiangcun.sellers import services as sellers_services
from xiangcun.traceability.models import Lot

PASSWORD = "demo12345"


def marketplace_load() -> None:
    """The Danzhai demo's marketplace: regions, demo logins, shops and stock."""
    regions_services.danzhai_demo_load()
    accounts_services.roles_sync()
    accounts_services.demo_users_ensure(password=PASSWORD)
    sellers = sellers_services.sellers_demo_load()
    catalog_services.catalog_demo_load(sellers=sellers)
    inventory_services.inventory_demo_load(
        variant_ids=[
            variant.id
            for seller in sellers.values()
            for product in catalog_selectors.products_for_seller(seller_id=seller.id)
            for variant in product.variants.all()
        ]
    )


@pytest.fixture(autouse=True)
def _morning(working_morning: None, settings: Any) -> None:
    """Every logistics test runs at 08:00 Shanghai time, whatever the hour (see the fixture),
    and the route planner searches briefly: the tests' days are small."""
    settings.LOGISTICS_PLANNER_SECONDS = 0.2


@pytest.fixture
def day() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def demo(db: None, settings: Any, day: datetime.date) -> LogisticsDemoResult:
    """The whole Danzhai demo with its logistics day, planned."""
    settings.LOGISTICS_PLANNER_SECONDS = 0.5
    marketplace_load()
    return services.logistics_demo_load(day=day, password=PASSWORD)


# --- Places --------------------------------------------------------------------------------------


@pytest.fixture
def depot(db: None) -> Station:
    """The county warehouse, where the vans start and end their day."""
    return WarehouseStationFactory()


@pytest.fixture
def stock_location(db: None) -> Location:
    """The county warehouse's stock, where intake and returned goods go."""
    return StockLocationFactory()


@pytest.fixture
def station(db: None) -> Station:
    """The village station where the station agent works and the buyer collects."""
    return VillageStationFactory()


@pytest.fixture
def other_station(db: None) -> Station:
    """A second village station, where the station agent does not work."""
    return VillageStationFactory()


# --- People --------------------------------------------------------------------------------------


@pytest.fixture
def warehouse_manager(depot: Station) -> User:
    return staff_member(StaffMember.Job.WAREHOUSE, depot)


@pytest.fixture
def packer(depot: Station) -> User:
    return staff_member(StaffMember.Job.PACKER, depot)


@pytest.fixture
def driver(depot: Station) -> User:
    return staff_member(StaffMember.Job.DRIVER, depot)


@pytest.fixture
def courier(depot: Station) -> User:
    return staff_member(StaffMember.Job.COURIER, depot)


@pytest.fixture
def station_agent(station: Station) -> User:
    return staff_member(StaffMember.Job.AGENT, station)


@pytest.fixture
def buyer(db: None) -> User:
    return UserFactory(name="王芳")


@pytest.fixture
def seller_owner(db: None) -> User:
    """The owner of an approved farm shop, with the seller role."""
    owner = user_with_role(Role.SELLER)
    SellerFactory(owner=owner)
    return owner


@pytest.fixture
def api_for() -> Callable[[User], Client]:
    def make(who: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {api_token_issue(user=who).token}"})

    return make


# --- Goods, orders and parcels -------------------------------------------------------------------


@pytest.fixture
def variant(warehouse_manager: User, stock_location: Location) -> Variant:
    """A farm shop's listed product with 50 units in the county warehouse."""
    return stocked_variant(warehouse_manager, stock_location)


@pytest.fixture
def paid_order_to_station(buyer: User, variant: Variant, station: Station) -> Order:
    """The buyer's paid order of one unit, to be collected at the station."""
    return paid_order(buyer, variant.pk, station=station)


@pytest.fixture
def packed_parcel(paid_order_to_station: Order, packer: User) -> Parcel:
    """That order packed at the warehouse, waiting for a van."""
    return packed(paid_order_to_station, packer)


@pytest.fixture
def parcel_at_station(packed_parcel: Parcel, driver: User) -> Parcel:
    """The parcel brought to the station by the driver, waiting there with its pickup code
    (`services.pickup_code_for`)."""
    return services.parcel_station_receive(actor=driver, parcel_id=packed_parcel.pk)


@pytest.fixture
def at_station(
    buyer: User, variant: Variant, station: Station, packer: User, driver: User
) -> Callable[..., Parcel]:
    """`at_station(quantity=1, lot=None)`: another paid order of the buyer's, of `quantity`
    units of the product (of the lot's product, packed from the lot, when given), packed and
    brought to the station, where it waits with its pickup code."""

    def make(*, quantity: int = 1, lot: Lot | None = None) -> Parcel:
        variant_id = lot.variant_id if lot is not None and lot.variant_id else variant.pk
        order = paid_order(buyer, variant_id, station=station, quantity=quantity)
        lots = {order.lines.get().pk: lot.pk} if lot is not None else None
        parcel = packed(order, packer, lots=lots)
        return services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)

    return make


@pytest.fixture
def farm_pickup(variant: Variant, warehouse_manager: User) -> FarmPickup:
    """Today's requested pickup of the product at its farm."""
    return FarmPickupFactory(variant=variant, requested_by=warehouse_manager)


# --- Vans and the day's plan ---------------------------------------------------------------------


@pytest.fixture
def van(depot: Station, driver: User, day: datetime.date) -> Vehicle:
    """A van in service at the depot, the driver on shift with it today (07:30-18:00)."""
    return van_on_shift(depot, day, driver=driver)


@pytest.fixture
def planned_pickup(
    farm_pickup: FarmPickup, van: Vehicle, warehouse_manager: User, day: datetime.date
) -> FarmPickup:
    """The farm pickup, planned into the van's route today."""
    services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)
    farm_pickup.refresh_from_db()
    assert farm_pickup.status == FarmPickup.Status.PLANNED
    return farm_pickup


@pytest.fixture
def planned_day(
    van: Vehicle, warehouse_manager: User, day: datetime.date, packed_parcel: Parcel
) -> RoutePlan:
    """Today planned from the start of the day: the van takes the packed parcel to the
    station (and whatever else is open when the test asks for it first, e.g. `farm_pickup`)."""
    return services.route_plan_day(actor=warehouse_manager, day=day, not_before_min=0)


# --- National carriers (task "carriers") -------------------------------------------------------


@pytest.fixture
def kuaidi100(settings: Any) -> Iterator[FakeKuaidi100]:
    """A running fake Kuaidi100 with our settings pointed at it (pushes come back to the
    test client's host)."""
    fake = FakeKuaidi100().start()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    settings.KUAIDI100_CALLBACK_URL = "http://testserver/logistics/carriers/kuaidi100/push"
    yield fake
    fake.stop()


@pytest.fixture
def no_kuaidi100(settings: Any) -> None:
    """Kuaidi100 not configured: waybills are typed by staff."""
    for name in ("KUAIDI100_KEY", "KUAIDI100_CUSTOMER", "KUAIDI100_SECRET", "KUAIDI100_SALT"):
        setattr(settings, name, "")


@pytest.fixture
def guangzhou_order(buyer: User, variant: Variant, station: Station) -> Order:
    """The buyer's paid order sent home to Guangzhou by SF, carrier charge ¥8.50."""
    return to_guangzhou(paid_order(buyer, variant.pk, station=station))
