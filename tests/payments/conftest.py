"""Fixtures for the payments tests: a station, cash staff, and handler lists of their own (the
buyer comes from tests/conftest.py)."""

from collections.abc import Iterator

import pytest

from tests.accounts.factories import user_with_role
from tests.regions.factories import StationFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.payments import services
from xiangcun.payments.types import PaymentResult, RefundCompleted
from xiangcun.regions.models import Station


@pytest.fixture(autouse=True)
def handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list, list]]:
    """Payment and refund handlers seen by these tests: only what a test registers (the
    orders app's own handlers would look for orders these tests do not make)."""
    payment_handlers: list = []
    refund_handlers: list = []
    monkeypatch.setattr("xiangcun.payments.services.settlement._payment_handlers", payment_handlers)
    monkeypatch.setattr("xiangcun.payments.services.settlement._refund_handlers", refund_handlers)
    return payment_handlers, refund_handlers


@pytest.fixture
def paid_results() -> list[PaymentResult]:
    results: list[PaymentResult] = []
    services.payment_succeeded_register(results.append)
    return results


@pytest.fixture
def refund_results() -> list[RefundCompleted]:
    results: list[RefundCompleted] = []
    services.refund_succeeded_register(results.append)
    return results


@pytest.fixture
def station(db: None) -> Station:
    station: Station = StationFactory(county_site=True, code="DZ-SC-1", name="丹寨县电商服务中心")
    return station


@pytest.fixture
def courier(db: None) -> User:
    return user_with_role(Role.COURIER)
