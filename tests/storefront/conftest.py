"""The storefront tests stand on a small market made through the services (see market.py)."""

from typing import Any

import pytest

from tests.storefront.market import Market, market_build


@pytest.fixture
def market(db: None, django_capture_on_commit_callbacks: Any) -> Market:
    # The search index is written on commit; run those callbacks inside the test transaction.
    with django_capture_on_commit_callbacks(execute=True):
        return market_build()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on-commit work (index updates) of writes made inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
