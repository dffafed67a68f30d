"""Fixtures for the shipping tests: a standard service over Guizhou and Guangdong, a cold-chain
service over the same, and goods (honey, fresh pork) to send."""

from decimal import Decimal

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.shipping.factories import (
    CarrierServiceFactory,
    RateFactory,
    ZoneFactory,
    sf_standard_build,
)
from xiangcun.catalog.models import Variant
from xiangcun.shipping.models import CarrierService

GUIYANG = "520102"
DANZHAI = "522636"
GUANGZHOU_TIANHE = "440106"
URUMQI = "650102"


@pytest.fixture
def standard(db: None) -> CarrierService:
    """SF standard: Guangdong 2-3 days at ¥18 + ¥6/kg, Xinjiang 5-8 days at ¥25 + ¥10/kg (as
    the orders tests have it), and Guizhou 1-2 days at ¥12 + ¥2/kg."""
    service = sf_standard_build()
    RateFactory(zone=ZoneFactory(service=service))
    return service


@pytest.fixture
def cold_chain(standard: CarrierService) -> CarrierService:
    """SF cold chain (not frozen): Guizhou 1-1 day at ¥30 + ¥8/kg; Guangdong 2-2 at ¥45."""
    service: CarrierService = CarrierServiceFactory(
        carrier=standard.carrier, code="cold_chain", name="冷运", cold_chain=True
    )
    RateFactory(
        zone=ZoneFactory(service=service, days_min=1, days_max=1),
        first_fee=Decimal("30.00"),
        step_fee=Decimal("8.00"),
    )
    RateFactory(
        zone=ZoneFactory(
            service=service, name="华南", provinces=["440000"], days_min=2, days_max=2
        ),
        first_fee=Decimal("45.00"),
        step_fee=Decimal("10.00"),
    )
    return service


@pytest.fixture
def honey(db: None) -> Variant:
    """A 500 g jar of honey, 800 g packed, ¥68."""
    variant: Variant = VariantFactory(
        product=ProductFactory(name="苗岭土蜂蜜", name_en="Miaoling honey"),
        net_weight_g=500,
        shipping_weight_g=800,
        price=Decimal("68.00"),
    )
    return variant


@pytest.fixture
def pork(db: None) -> Variant:
    """Fresh pork belly, chilled, keeps 3 days: 1 kg, 1.4 kg packed with ice, ¥58."""
    variant: Variant = VariantFactory(
        product=ProductFactory(
            name="丹寨黑毛猪鲜肉",
            name_en="Danzhai black-hair pork",
            is_fresh=True,
            needs_cold_chain=True,
            keeps_days=3,
        ),
        net_weight_g=1000,
        shipping_weight_g=1400,
        price=Decimal("58.00"),
    )
    return variant
