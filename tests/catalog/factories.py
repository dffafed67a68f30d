"""factory_boy factories for the catalogue: categories, listed products and their options
(variants), each of a new approved shop unless told otherwise."""

from decimal import Decimal

import factory

from tests.sellers.factories import SellerFactory
from xiangcun.catalog.models import Category, Direction, Product, Variant


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
