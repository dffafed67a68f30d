"""factory_boy factories for the places stock is kept (the catalogue's variants come from
tests/catalog/factories.py)."""

import datetime

import factory
from django.utils import timezone

from xiangcun.inventory.models import InboundLine, InboundShipment, Location


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    kind = Location.Kind.WAREHOUSE
    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")


class InboundShipmentFactory(factory.django.DjangoModelFactory):
    """A notice of goods on their way to the county warehouse (lines: InboundLineFactory)."""

    class Meta:
        model = InboundShipment

    seller = factory.SubFactory("tests.sellers.factories.SellerFactory")
    warehouse = factory.SubFactory(LocationFactory, kind=Location.Kind.WAREHOUSE)
    carrier = "SF Express"
    tracking_number = factory.Sequence(lambda n: f"SF{n:010d}")
    expected_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    created_by = factory.LazyAttribute(lambda shipment: shipment.seller.owner)


class InboundLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundLine

    shipment = factory.SubFactory(InboundShipmentFactory)
    variant = factory.SubFactory(
        "tests.catalog.factories.VariantFactory",
        product__seller=factory.SelfAttribute("...shipment.seller"),
    )
    expected = 10
