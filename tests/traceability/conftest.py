"""Fixtures for the lot, label and trace-page tests: a farm with blueberries (a fresh product
from its village), another farm, the county warehouse and a village station, staff, and an order
line to pack a lot into; all made with the factories, not the Danzhai demo (test_lots_demo.py
loads the demo, as it is about it)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.catalog.factories import VariantFactory
from tests.orders.factories import OrderLineFactory
from tests.regions.factories import StationFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.orders.models import OrderLine
from xiangcun.regions.models import Station
from xiangcun.traceability import services
from xiangcun.traceability.models import Lot


@pytest.fixture
def blueberry_variant(db: None) -> Variant:
    """Four punnets of fresh blueberries, kept cold for ten days, from the farm's village."""
    farm = SellerFactory(name="王家村蓝莓园", owner__name="王小梅")
    return VariantFactory(
        product__seller=farm,
        product__name="丹寨高山蓝莓",
        product__is_fresh=True,
        product__needs_cold_chain=True,
        product__shelf_life_days=10,
        product__origin_village=farm.village,
        sku="DZ-BLUE-125X4",
        name="4盒装",
        unit=Variant.Unit.BOX,
        price=Decimal("58.00"),
    )


@pytest.fixture
def farmer(blueberry_variant: Variant) -> User:
    owner: User = blueberry_variant.product.seller.owner
    return owner


@pytest.fixture
def other_variant(db: None) -> Variant:
    """An option of another approved farm, with another owner."""
    return VariantFactory(product__name="丹寨土蜂蜜", sku="DZ-HONEY-500", name="500克瓶装")


@pytest.fixture
def sites(db: None) -> list[Station]:
    """The county warehouse and a village station, where lots are received and delivered."""
    return [
        StationFactory(county_site=True, kind=Station.Kind.WAREHOUSE, name="丹寨县仓储中心"),
        StationFactory(name="高要村服务站"),
    ]


@pytest.fixture
def programme_manager(db: None) -> User:
    return user_with_role(Role.PROGRAMME_MANAGER)


@pytest.fixture
def warehouse_staff(db: None) -> User:
    return user_with_role(Role.WAREHOUSE)


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory()


def record(actor: User, variant: Variant, **overrides: Any) -> Lot:
    values: dict[str, Any] = {
        "actor": actor,
        "product_id": variant.product_id,
        "variant_id": variant.pk,
        "seller_id": variant.product.seller_id,
        "harvested_on": timezone.localdate() - datetime.timedelta(days=2),
        "quantity": Decimal("120"),
        "unit": "jin",
        "grade": "一级",
    }
    values.update(overrides)
    return services.lot_record(**values)


@pytest.fixture
def lot(farmer: User, blueberry_variant: Variant) -> Lot:
    return record(farmer, blueberry_variant)


def order_with_line(variant: Variant, *, buyer_name: str, phone: str, number: str) -> OrderLine:
    """An order of one unit of `variant`: enough for a packing event to name its line."""
    line: OrderLine = OrderLineFactory(
        variant=variant,
        order__number=number,
        order__buyer=UserFactory(name=buyer_name, phone=phone),
    )
    return line
