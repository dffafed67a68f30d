"""factory_boy factories and builders for the logistics tests: the county warehouse and village
stations with their map points, vans, staff with their jobs and shifts, farm pickups, and the
staff, stock, paid orders, packed parcels and lots that only the services can make valid.

Places sit around Danzhai's county seat (26.20 N, 107.79 E) so the route planner's offline
travel times are those of a county, not of a continent."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.regions.factories import StationFactory, TownshipFactory, VillageFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services as inventory_services
from xiangcun.inventory.models import Location
from xiangcun.logistics import services
from xiangcun.logistics.models import (
    CarrierException,
    CarrierHandover,
    CarrierPickupSlot,
    FarmPickup,
    Parcel,
    Shift,
    StaffMember,
    Vehicle,
    Waybill,
)
from xiangcun.logistics.models.carriers import ExceptionKind
from xiangcun.orders import services as orders_services
from xiangcun.orders.models import Order
from xiangcun.payments.services import sandbox_decide
from xiangcun.regions.models import Station
from xiangcun.traceability.models import Lot
from xiangcun.traceability.services import lot_record

DEPOT_POINT = (Decimal("26.198000"), Decimal("107.794000"))
# Where a village station stands: a few kilometres out of town, one point per station.
VILLAGE_POINTS = [
    (Decimal("26.231000"), Decimal("107.821000")),
    (Decimal("26.171000"), Decimal("107.762000")),
    (Decimal("26.245000"), Decimal("107.748000")),
]
FARM_POINT = (Decimal("26.252000"), Decimal("107.853000"))
SHIFT = (7 * 60 + 30, 18 * 60)  # 07:30-18:00, the demo's day shift


class WarehouseStationFactory(StationFactory):
    """The county warehouse: the vans' depot, with its point on the map."""

    kind = Station.Kind.WAREHOUSE
    code = factory.Sequence(lambda n: f"WH-{n:03d}")
    name = factory.Sequence(lambda n: f"County warehouse {n}")
    village = None
    township = factory.SubFactory(TownshipFactory)
    latitude = DEPOT_POINT[0]
    longitude = DEPOT_POINT[1]


class VillageStationFactory(StationFactory):
    """A village station the vans can reach: its village and point on the map."""

    village = factory.SubFactory(
        VillageFactory,
        latitude=factory.SelfAttribute("..latitude"),
        longitude=factory.SelfAttribute("..longitude"),
    )
    latitude = factory.Sequence(lambda n: VILLAGE_POINTS[n % len(VILLAGE_POINTS)][0])
    longitude = factory.Sequence(lambda n: VILLAGE_POINTS[n % len(VILLAGE_POINTS)][1])


class StockLocationFactory(factory.django.DjangoModelFactory):
    """The county warehouse's stock location (inventory), where intake and returns go."""

    class Meta:
        model = Location
        django_get_or_create = ("code",)

    kind = Location.Kind.WAREHOUSE
    code = "WH-COUNTY"
    name = "County warehouse"


class VehicleFactory(factory.django.DjangoModelFactory):
    """A van in service, 800 kg and 40 crates, based at a new county warehouse unless told."""

    class Meta:
        model = Vehicle

    plate = factory.Sequence(lambda n: f"贵H·T{n:04d}")
    name = factory.Sequence(lambda n: f"Van {n}")
    capacity_kg = 800
    capacity_crates = 40
    cost_per_km = Decimal("1.50")
    home_station = factory.SubFactory(WarehouseStationFactory)


class ShiftFactory(factory.django.DjangoModelFactory):
    """A staff member's (`staff=`) 07:30-18:00 shift today, with no van unless told."""

    class Meta:
        model = Shift

    day = factory.LazyFunction(timezone.localdate)
    start_min = SHIFT[0]
    end_min = SHIFT[1]
    vehicle = None


class FarmPickupFactory(factory.django.DjangoModelFactory):
    """A requested pickup of a shop's product at the farm, today 09:00-12:00, as the demo
    loader records them (the request service is tested on its own)."""

    class Meta:
        model = FarmPickup

    variant = factory.SubFactory(VariantFactory)
    seller = factory.LazyAttribute(lambda pickup: pickup.variant.product.seller)
    requested_by = factory.SubFactory(UserFactory)
    place = factory.Sequence(lambda n: f"Farm gate {n}")
    latitude = FARM_POINT[0]
    longitude = FARM_POINT[1]
    contact_phone = "13900000000"
    day = factory.LazyFunction(timezone.localdate)
    window_start_min = 9 * 60
    window_end_min = 12 * 60
    expected_kg = 120
    crates = 6


def staff_member(job: StaffMember.Job, station: Station) -> User:
    """A new user who works in logistics as `job` at `station`, recorded by the service (which
    grants the job's role)."""
    user: User = UserFactory()
    services.staff_member_set(actor=None, user=user, job=job, station_id=station.pk)
    return user


def van_on_shift(
    depot: Station, day: datetime.date, *, driver: User | None = None, **van_fields: object
) -> Vehicle:
    """A van in service at `depot` with its driver (a new one unless given) on a shift with it
    on `day`."""
    driver = driver or staff_member(StaffMember.Job.DRIVER, depot)
    vehicle: Vehicle = VehicleFactory(home_station=depot, **van_fields)
    ShiftFactory(staff=StaffMember.objects.get(user=driver), day=day, vehicle=vehicle)
    return vehicle


def stocked_variant(keeper: User, location: Location, *, on_hand: int = 50) -> Variant:
    """A listed product of a new farm shop with `on_hand` units received at `location` by
    `keeper` (someone who may change stock)."""
    variant: Variant = VariantFactory()
    inventory_services.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=location.pk, quantity=on_hand
    )
    return variant


def paid_order(
    buyer: User,
    variant_id: int,
    *,
    station: Station | None = None,
    quantity: int = 1,
    address: dict[str, object] | None = None,
) -> Order:
    """An order of `quantity` units of the variant, to `station` (or home to `address`), paid
    in the sandbox."""
    order = orders_services.order_place(
        buyer=buyer,
        lines=[(variant_id, quantity)],
        delivery_method="home" if address is not None else "station_pickup",
        station_id=station.pk if station is not None else None,
        address=address,
        payment_method="sandbox",
        idempotency_key=None,
    )
    sandbox_decide(number=order.payment_number, approve=True)
    return Order.objects.get(pk=order.pk)


def packed(
    order: Order, packer: User, *, weight_g: int = 1500, lots: dict[int, int] | None = None
) -> Parcel:
    """The order packed into its parcel by `packer` (from the given lots per order line)."""
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    return services.packing_complete(actor=packer, task_id=task.pk, weight_g=weight_g, lots=lots)


def lot_of(variant: Variant, actor: User) -> Lot:
    """Yesterday's harvest of 100 kg of the variant at its farm, recorded by `actor`."""
    return lot_record(
        actor=actor,
        product_id=variant.product_id,
        variant_id=variant.pk,
        seller_id=variant.product.seller_id,
        harvested_on=timezone.localdate() - datetime.timedelta(days=1),
        quantity=Decimal("100"),
        unit="kg",
    )


# --- National carriers (task "carriers") -------------------------------------------------------

GUANGZHOU_ADDRESS = "广东省广州市天河区体育西路123号"


def to_guangzhou(
    order: Order, *, carrier: str = "sf", service: str = "standard", cost: str = "8.50"
) -> Order:
    """The order sent home to Guangzhou (outside the county) with `carrier`, as checkout
    records a nationwide order: county code, carrier, service and what the carrier charges."""
    Order.objects.filter(pk=order.pk).update(
        delivery_method="home",
        station=None,
        township=None,
        village=None,
        address_text=GUANGZHOU_ADDRESS,
        county_code="440106",
        shipping_carrier=carrier,
        shipping_service=service,
        shipping_cost=Decimal(cost),
    )
    return Order.objects.get(pk=order.pk)


class CarrierPickupSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarrierPickupSlot
        django_get_or_create = ("carrier",)

    carrier = "sf"
    window_start_min = 15 * 60
    window_end_min = 17 * 60


class CarrierHandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarrierHandover

    carrier = "sf"
    day = factory.LazyFunction(timezone.localdate)
    courier_name = "李师傅"
    parcel_count = 1
    total_weight_g = 1500
    handed_by = factory.SubFactory(UserFactory)
    signed_at = factory.LazyFunction(timezone.now)


class WaybillFactory(factory.django.DjangoModelFactory):
    """A made waybill (typed by staff) for an existing parcel: pass `parcel`."""

    class Meta:
        model = Waybill

    carrier = "sf"
    service = "standard"
    via = Waybill.Via.MANUAL
    status = Waybill.Status.CREATED
    tracking_number = factory.Sequence(lambda n: f"SF{1500000000 + n % 10**9}")
    made_at = factory.LazyFunction(timezone.now)


class CarrierExceptionFactory(factory.django.DjangoModelFactory):
    """An open problem on a parcel: pass `parcel` and `event` (its timeline step)."""

    class Meta:
        model = CarrierException

    kind = ExceptionKind.ADDRESS_PROBLEM
    carrier_text = "地址不详，联系不上收件人"
