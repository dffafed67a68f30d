"""Fixtures for the sellers tests: a reviewer of shop applications (agents and API tokens
come from tests/conftest.py)."""

import pytest

from tests.accounts.factories import user_with_permissions
from xiangcun.accounts.models import User


@pytest.fixture
def reviewer(db: None) -> User:
    """Staff who may approve shop applications."""
    return user_with_permissions("review_seller")
