"""Fixtures for the regions tests: the Danzhai demo county, loaded through the public service."""

from collections.abc import Iterator

import pytest

from xiangcun.regions import services
from xiangcun.regions.division_index import division_index_clear
from xiangcun.regions.types import DemoRegionsResult


@pytest.fixture
def danzhai(db: None) -> DemoRegionsResult:
    return services.danzhai_demo_load()


@pytest.fixture
def divisions_changed() -> Iterator[None]:
    """For a test that adds or changes divisions: each process keeps the table in memory
    once read (until a committed refresh), so drop that copy before and after the test."""
    division_index_clear()
    yield
    division_index_clear()
