"""factory_boy factories for the places stock is kept (the catalogue's variants come from
tests/catalog/factories.py)."""

import factory

from xiangcun.inventory.models import Location


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    kind = Location.Kind.WAREHOUSE
    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
