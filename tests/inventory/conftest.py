"""Fixtures for the inventory tests: a variant of a local farmer's product and its places."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory
from tests.inventory.factories import LocationFactory, VariantFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
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
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inventory", codename__in=["view_stock", "change_stock"]
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token_issue(user=user).token}"}

    return headers
