"""Factories for the rows inventory tests stand on: a catalogue variant and locations."""

from decimal import Decimal

import factory

from tests.sellers.factories import SellerFactory
from xiangcun.catalog.models import Category, Direction, Product, Variant
from xiangcun.inventory.models import Location


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    direction = Direction.UP


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    direction = Direction.UP
    status = Product.Status.LISTED


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "500 g"
    unit = Variant.Unit.JIN
    price = Decimal("12.50")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    kind = Location.Kind.WAREHOUSE
    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
