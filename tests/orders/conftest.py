"""Fixtures for the orders tests: shops with stocked variants, a pickup station, a buyer with
an API token, staff, and helpers that pay an order the way the payment pages do."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from tests.regions.factories import StationFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services as inventory
from xiangcun.inventory.models import Location
from xiangcun.orders import services
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.regions.models import Station

ADDRESS = {
    "province": "贵州省",
    "city": "黔东南苗族侗族自治州",
    "county": "丹寨县",
    "detail": "龙泉镇东湖路12号",
    "recipient": "王芳",
    "phone": "13800138000",
}


@pytest.fixture
def warehouse(db: None) -> Location:
    return LocationFactory(kind=Location.Kind.WAREHOUSE)


@pytest.fixture
def stock_keeper(db: None) -> User:
    user: User = UserFactory(admin=True)
    return user


@pytest.fixture
def stocked(warehouse: Location, stock_keeper: User) -> Callable[..., Variant]:
    """A listed variant with `on_hand` units in the warehouse (seller: a new shop, or the
    given variant's shop)."""

    def make(on_hand: int = 10, price: str = "12.50", **kwargs: Any) -> Variant:
        variant = VariantFactory(price=Decimal(price), **kwargs)
        inventory.stock_receive(
            actor=stock_keeper,
            variant_id=variant.pk,
            location_id=warehouse.pk,
            quantity=on_hand,
        )
        return variant

    return make


@pytest.fixture
def variant(stocked: Callable[..., Variant]) -> Variant:
    return stocked(on_hand=10)


@pytest.fixture
def station(db: None) -> Station:
    station: Station = StationFactory(code="ST-001", name="高要村服务站")
    return station


@pytest.fixture
def buyer(db: None) -> User:
    return UserFactory(name="王芳", phone="13900139000")


@pytest.fixture
def courier(db: None) -> User:
    return user_with_role(Role.COURIER)


@pytest.fixture
def packer(db: None) -> User:
    return user_with_role(Role.PACKER)


@pytest.fixture
def warehouse_manager(db: None) -> User:
    return user_with_role(Role.WAREHOUSE)


@pytest.fixture
def api(buyer: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=buyer).token}"})


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user).token}"})

    return make


@pytest.fixture
def place(buyer: User, station: Station) -> Callable[..., Order]:
    """Place an order with sensible defaults: pickup at the station, sandbox payment."""

    def order(lines: list[tuple[int, int]], **kwargs: Any) -> Order:
        arguments: dict[str, Any] = {
            "buyer": buyer,
            "lines": lines,
            "delivery_method": "station_pickup",
            "station_id": station.pk,
            "address": None,
            "payment_method": "sandbox",
            "idempotency_key": None,
        }
        arguments.update(kwargs)
        return services.order_place(**arguments)

    return order


@pytest.fixture
def pay() -> Callable[[Order], Order]:
    """The buyer approves the sandbox payment, as on the sandbox page."""

    def approve(order: Order) -> Order:
        payments.sandbox_decide(number=order.payment_number, approve=True)
        order.refresh_from_db()
        return order

    return approve


def home(**changes: Any) -> dict[str, Any]:
    return {"delivery_method": "home", "station_id": None, "address": {**ADDRESS, **changes}}
