"""Fixtures for the regions tests: the Danzhai demo county, loaded through the public service."""

import pytest

from xiangcun.regions import services
from xiangcun.regions.types import DemoRegionsResult


@pytest.fixture
def danzhai(db: None) -> DemoRegionsResult:
    return services.danzhai_demo_load()
