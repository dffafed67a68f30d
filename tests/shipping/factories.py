"""factory_boy factories for shipping: a carrier, a service, a zone with its rate, a remote
surcharge and free-shipping rules. Codes stay inside their field lengths however many rows a
test process makes (Carrier.code 16, CarrierService.code 32)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.sellers.factories import SellerFactory
from xiangcun.shipping.models import (
    Carrier,
    CarrierService,
    FreeShipping,
    Rate,
    RemoteSurcharge,
    Zone,
)
from xiangcun.shipping.types import CarrierKind, FreeShippingKind


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"c{n % 10**9}")
    name = factory.Sequence(lambda n: f"快递{n % 10**6}")
    name_en = factory.Sequence(lambda n: f"Express {n % 10**6}")
    kind = CarrierKind.AGGREGATOR


class CarrierServiceFactory(factory.django.DjangoModelFactory):
    """A standard (not cold-chain) service dividing volume by 8000 cm³ a kilogram."""

    class Meta:
        model = CarrierService

    carrier = factory.SubFactory(CarrierFactory)
    code = "standard"
    name = "标准快递"
    name_en = "Standard"
    volumetric_divisor = 8000


class ZoneFactory(factory.django.DjangoModelFactory):
    """Guizhou, one to two days."""

    class Meta:
        model = Zone

    service = factory.SubFactory(CarrierServiceFactory)
    name = "贵州"
    name_en = "Guizhou"
    provinces = factory.LazyFunction(lambda: ["520000"])
    days_min = 1
    days_max = 2


class RateFactory(factory.django.DjangoModelFactory):
    """首重 1 kg ¥12, 续重 ¥2 a kilogram; the carrier charges ¥8 and ¥1.50."""

    class Meta:
        model = Rate

    zone = factory.SubFactory(ZoneFactory)
    first_weight_g = 1000
    first_fee = Decimal("12.00")
    step_g = 1000
    step_fee = Decimal("2.00")
    cost_first_fee = Decimal("8.00")
    cost_step_fee = Decimal("1.50")


class RemoteSurchargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemoteSurcharge

    area_code = "650000"
    fee = Decimal("20.00")
    cost = Decimal("15.00")


class SellerFreeShippingFactory(factory.django.DjangoModelFactory):
    """A shop's goods ship free from ¥99."""

    class Meta:
        model = FreeShipping

    kind = FreeShippingKind.SELLER
    seller = factory.SubFactory(SellerFactory)
    threshold = Decimal("99.00")


class PromotionFactory(factory.django.DjangoModelFactory):
    """A week's promotion from yesterday: free shipping from ¥59, everywhere."""

    class Meta:
        model = FreeShipping

    kind = FreeShippingKind.PROMOTION
    name = "双十二"
    threshold = Decimal("59.00")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=6))


def sf_standard_build() -> CarrierService:
    """SF standard: Guangdong 2-3 days at ¥18 first kg + ¥6/kg (costs us ¥14 + ¥4);
    Xinjiang 5-8 days at ¥25 + ¥10/kg."""
    service: CarrierService = CarrierServiceFactory(carrier=CarrierFactory(code="sf", name="顺丰"))
    RateFactory(
        zone=ZoneFactory(
            service=service, name="华南", provinces=["440000"], days_min=2, days_max=3
        ),
        first_fee=Decimal("18.00"),
        step_fee=Decimal("6.00"),
        cost_first_fee=Decimal("14.00"),
        cost_step_fee=Decimal("4.00"),
    )
    RateFactory(
        zone=ZoneFactory(
            service=service, name="新疆", provinces=["650000"], days_min=5, days_max=8
        ),
        first_fee=Decimal("25.00"),
        step_fee=Decimal("10.00"),
    )
    return service
