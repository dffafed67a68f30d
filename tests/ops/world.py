"""A small shop with history, built through the services as the site builds it: stock in a
warehouse, a pickup station, buyers, an admin, and orders in every state the checks look at."""

from dataclasses import dataclass, field
from decimal import Decimal

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from tests.regions.factories import StationFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services as inventory
from xiangcun.inventory.models import Location
from xiangcun.orders import services as orders
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.regions.models import Station


@dataclass
class Shop:
    warehouse: Location
    station: Station
    admin: User
    buyers: list[User]
    variants: list[Variant]
    orders: dict[str, Order] = field(default_factory=dict)


def shop_build(*, buyers: int = 1, variants: int = 2, on_hand: int = 20) -> Shop:
    """Locations, `variants` variants with `on_hand` units each, `buyers` buyers, an admin."""
    warehouse = LocationFactory(kind=Location.Kind.WAREHOUSE)
    admin = UserFactory(admin=True)
    role_grant(user=admin, role=Role.ADMIN)
    station = StationFactory(code="ST-OPS", name="高要村服务站")
    stocked = []
    for index in range(variants):
        variant = VariantFactory(price=Decimal("12.50") + index)
        inventory.stock_receive(
            actor=admin, variant_id=variant.pk, location_id=warehouse.pk, quantity=on_hand
        )
        stocked.append(variant)
    people = [UserFactory(name=f"买家{index}") for index in range(buyers)]
    return Shop(warehouse=warehouse, station=station, admin=admin, buyers=people, variants=stocked)


def order_place(shop: Shop, lines: list[tuple[int, int]], *, buyer: int = 0) -> Order:
    return orders.order_place(
        buyer=shop.buyers[buyer],
        lines=lines,
        delivery_method="station_pickup",
        station_id=shop.station.pk,
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )


def order_pay(order: Order) -> Order:
    payments.sandbox_decide(number=order.payment_number, approve=True)
    order.refresh_from_db()
    return order


def shop_with_history() -> Shop:
    """Orders paid, waiting, cancelled, and one delivered then returned and refunded."""
    shop = shop_build()
    first, second = (variant.pk for variant in shop.variants)
    shop.orders["paid"] = order_pay(order_place(shop, [(first, 2), (second, 1)]))
    shop.orders["pending"] = order_place(shop, [(first, 1)])
    cancelled = order_place(shop, [(second, 3)])
    shop.orders["cancelled"] = orders.order_cancel(actor=shop.buyers[0], order_id=cancelled.pk)
    returned = order_pay(order_place(shop, [(first, 2)]))
    for status in ("packing", "shipped", "delivered"):
        orders.order_transition(actor=shop.admin, order_id=returned.pk, to_status=status)
    line = returned.lines.get()
    request = orders.return_request(
        actor=shop.buyers[0], order_id=returned.pk, lines=[(line.pk, 1)], reason="damaged"
    )
    orders.return_decide(actor=shop.admin, return_id=request.pk, approve=True)
    returned.refresh_from_db()
    shop.orders["returned"] = returned
    return shop
