"""The factories that lived here now live per app (tests/accounts/factories.py,
tests/regions/factories.py); this name stays only while tests/logistics still imports it."""

from tests.accounts.factories import PASSWORD, UserFactory
from tests.regions.factories import CountyFactory, TownshipFactory, VillageFactory

__all__ = ["PASSWORD", "CountyFactory", "TownshipFactory", "UserFactory", "VillageFactory"]
