"""Carrier rates for the nationwide checkout tests (orders, order pages, Chromium): SF
standard to Guangdong and Xinjiang, and SF cold chain to Guangdong only, made with shipping's
factories."""

from decimal import Decimal

from tests.shipping.factories import (
    CarrierServiceFactory,
    RateFactory,
    ZoneFactory,
)
from xiangcun.shipping.models import CarrierService

TIANHE = "440106"
URUMQI = "650102"
DANZHAI = "522636"


def sf_cold_chain_build(standard: CarrierService) -> CarrierService:
    """SF cold chain to Guangdong, 2 days at ¥45 + ¥10/kg; none to Xinjiang."""
    service: CarrierService = CarrierServiceFactory(
        carrier=standard.carrier, code="cold_chain", name="冷运", cold_chain=True
    )
    RateFactory(
        zone=ZoneFactory(
            service=service, name="华南", provinces=["440000"], days_min=2, days_max=2
        ),
        first_fee=Decimal("45.00"),
        step_fee=Decimal("10.00"),
    )
    return service
