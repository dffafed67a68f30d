"""Fixtures for the lot, label and trace-page tests: the Danzhai demo market (regions, role
logins, shops, products) loaded through the public services, a lot of blueberries, staff, and
an order with one line to pack a lot into."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import demo_users_ensure, role_grant, roles_sync
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.catalog.selectors import variants_by_sku
from xiangcun.catalog.services import catalog_demo_load
from xiangcun.orders.models import Order, OrderLine
from xiangcun.regions.services import danzhai_demo_load
from xiangcun.sellers.models import Seller
from xiangcun.sellers.services import sellers_demo_load
from xiangcun.traceability import services
from xiangcun.traceability.models import Lot

DEMO_PASSWORD = "Danzhai-2016-rice"
BLUEBERRY_SKU = "DZ-BLUE-125X4"


@pytest.fixture
def demo_sellers(db: None) -> dict[str, Seller]:
    danzhai_demo_load()
    roles_sync()
    demo_users_ensure(password=DEMO_PASSWORD)
    sellers = sellers_demo_load()
    catalog_demo_load(sellers=sellers)
    return sellers


@pytest.fixture
def blueberry_variant(demo_sellers: dict[str, Seller]) -> Variant:
    return variants_by_sku(skus=[BLUEBERRY_SKU])[BLUEBERRY_SKU]


@pytest.fixture
def farmer(blueberry_variant: Variant) -> User:
    owner: User = blueberry_variant.product.seller.owner
    owner.name = "王小梅"
    owner.save(update_fields=["name"])
    return owner


def staff(role: Role, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    role_grant(user=user, role=role)
    return user


@pytest.fixture
def programme_manager(demo_sellers: dict[str, Seller]) -> User:
    return staff(Role.PROGRAMME_MANAGER)


@pytest.fixture
def warehouse_staff(demo_sellers: dict[str, Seller]) -> User:
    return staff(Role.WAREHOUSE)


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
    """An order straight in the orders tables: enough for a packing event to name its line."""
    buyer = UserFactory(name=buyer_name, phone=phone)
    order = Order.objects.create(
        number=number,
        buyer=buyer,
        status=Order.Status.PAID,
        payment_method=Order.PaymentMethod.CASH,
        delivery_method=Order.Delivery.HOME,
        recipient=buyer_name,
        phone=phone,
        goods_total=variant.price,
        delivery_fee=Decimal("0.00"),
        total=variant.price,
    )
    return OrderLine.objects.create(
        order=order,
        seller_id=variant.product.seller_id,
        variant=variant,
        product_id=variant.product_id,
        product_name=variant.product.name,
        variant_name=variant.name,
        sku=variant.sku,
        unit=variant.unit,
        unit_price=variant.price,
        quantity=1,
        line_total=variant.price,
    )
