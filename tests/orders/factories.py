"""factory_boy factories for order rows that other apps' tests only need to name (a packing
event's order line, say). They skip checkout: no stock is reserved, no payment is taken and no
ledger entry is written. A test about an order itself places and pays it through the orders
services instead (the `place` and `pay` fixtures in tests/orders/conftest.py)."""

from decimal import Decimal

import factory

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from xiangcun.orders.models import Order, OrderLine, SavedAddress


class OrderFactory(factory.django.DjangoModelFactory):
    """A cash order for home delivery, marked paid, for one line of `goods_total`."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"XC-F{n:06d}")
    buyer = factory.SubFactory(UserFactory)
    status = Order.Status.PAID
    payment_method = Order.PaymentMethod.CASH
    delivery_method = Order.Delivery.HOME
    recipient = factory.LazyAttribute(lambda order: order.buyer.name)
    phone = factory.LazyAttribute(lambda order: order.buyer.phone)
    goods_total = Decimal("12.50")
    delivery_fee = Decimal("0.00")
    total = factory.LazyAttribute(lambda order: order.goods_total + order.delivery_fee)


class OrderLineFactory(factory.django.DjangoModelFactory):
    """One unit of a variant, with the name and price copied as checkout copies them."""

    class Meta:
        model = OrderLine

    variant = factory.SubFactory(VariantFactory)
    order = factory.SubFactory(OrderFactory, goods_total=factory.SelfAttribute("..line_total"))
    seller_id = factory.LazyAttribute(lambda line: line.variant.product.seller_id)
    product_id = factory.LazyAttribute(lambda line: line.variant.product_id)
    product_name = factory.LazyAttribute(lambda line: line.variant.product.name)
    variant_name = factory.LazyAttribute(lambda line: line.variant.name)
    sku = factory.LazyAttribute(lambda line: line.variant.sku)
    unit = factory.LazyAttribute(lambda line: line.variant.unit)
    unit_price = factory.LazyAttribute(lambda line: line.variant.price)
    quantity = 1
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)


class SavedAddressFactory(factory.django.DjangoModelFactory):
    """An address in 天河区, Guangzhou, in a buyer's book (not the default unless asked)."""

    class Meta:
        model = SavedAddress

    user = factory.SubFactory(UserFactory)
    county_code = "440106"
    province = "广东省"
    city = "广州市"
    county = "天河区"
    detail = factory.Sequence(lambda n: f"体育西路{n % 10**6}号")
    recipient = "张三"
    phone = "13912345678"
    is_default = False
