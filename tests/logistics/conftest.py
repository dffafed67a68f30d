"""The logistics tests run on the Danzhai demo: regions, demo logins, shops, stock, and the
logistics demo day (vans, staff, shifts, paid orders packed into parcels, farm pickups, the
stored plan)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xiangcun.accounts import services as accounts_services
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.catalog import selectors as catalog_selectors
from xiangcun.catalog import services as catalog_services
from xiangcun.inventory import services as inventory_services
from xiangcun.logistics import services
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.regions import services as regions_services
from xiangcun.sellers import services as sellers_services

PASSWORD = "demo12345"


def marketplace_load() -> None:
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
def _morning(working_morning: None) -> None:
    """Every logistics test runs at 08:00 Shanghai time, whatever the hour (see the fixture)."""


@pytest.fixture
def day() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def demo(db: None, settings: Any, day: datetime.date) -> LogisticsDemoResult:
    settings.LOGISTICS_PLANNER_SECONDS = 0.5
    marketplace_load()
    return services.logistics_demo_load(day=day, password=PASSWORD)


def user(phone: str) -> User:
    return User.objects.get(phone=phone)


@pytest.fixture
def driver(demo: LogisticsDemoResult) -> User:
    return user("13800000007")


@pytest.fixture
def courier(demo: LogisticsDemoResult) -> User:
    return user("13800000008")


@pytest.fixture
def packer(demo: LogisticsDemoResult) -> User:
    return user("13800000006")


@pytest.fixture
def warehouse(demo: LogisticsDemoResult) -> User:
    return user("13800000005")


@pytest.fixture
def agent(demo: LogisticsDemoResult) -> User:
    return user("13800000004")


@pytest.fixture
def buyer(demo: LogisticsDemoResult) -> User:
    return user("13800000001")


@pytest.fixture
def api_for() -> Callable[[User], Client]:
    def make(who: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {api_token_issue(user=who).token}"})

    return make
