"""Fixtures for the inventory tests: a variant of a local farmer's product and its places."""

import pytest

from tests.accounts.factories import user_with_permissions
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory import services
from xiangcun.inventory.models import Location


@pytest.fixture
def variant(db: None) -> Variant:
    return VariantFactory()


@pytest.fixture
def farm(variant: Variant) -> Location:
    """The seller's own farm, where the seller may count stock."""
    return services.location_for_seller(seller_id=variant.product.seller_id)


@pytest.fixture
def warehouse(db: None) -> Location:
    return LocationFactory(kind=Location.Kind.WAREHOUSE)


@pytest.fixture
def owner(variant: Variant) -> User:
    return variant.product.seller.owner


@pytest.fixture
def keeper(db: None) -> User:
    """Warehouse staff: may change any stock."""
    return user_with_permissions("view_stock", "change_stock", app_label="inventory")
