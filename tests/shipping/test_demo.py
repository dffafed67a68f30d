"""The shipping demo: carriers, zones from Guizhou, the fresh pork refused to Xinjiang and the
honey shop's free shipping; safe to run again."""

from decimal import Decimal

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory
from xiangcun.shipping.errors import CannotShipFreshError
from xiangcun.shipping.models import Carrier, CarrierService, Rate, Zone
from xiangcun.shipping.selectors import rate_quote
from xiangcun.shipping.services import shipping_demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_however_often_it_runs() -> None:
    honey_shop = SellerFactory()
    first = shipping_demo_load(sellers={"honey": honey_shop})
    counts = (Carrier.objects.count(), CarrierService.objects.count(), Zone.objects.count())
    assert shipping_demo_load(sellers={"honey": honey_shop}) == first
    assert (Carrier.objects.count(), CarrierService.objects.count(), Zone.objects.count()) == (
        counts
    )
    assert first == {"carriers": 3, "services": 4, "zones": 16, "free_shipping": 1}
    assert Rate.objects.count() == 16
    assert set(Carrier.objects.values_list("code", flat=True)) == {"sf", "ems", "county_courier"}


def test_the_demo_quotes_guangzhou_and_refuses_pork_to_xinjiang() -> None:
    shipping_demo_load()
    jar = VariantFactory(product=ProductFactory(name="蜂蜜"), shipping_weight_g=800)
    options = rate_quote(lines=[(jar.pk, 1)], county_code="440106")
    cheapest = options[0]
    assert (cheapest.carrier, cheapest.service) == ("ems", "standard")
    assert cheapest.fee == Decimal("12.00")
    assert {o.service for o in options} == {"standard", "cold_chain"}
    pork = VariantFactory(
        product=ProductFactory(
            name="丹寨黑毛猪鲜肉", is_fresh=True, needs_cold_chain=True, shelf_life_days=3
        )
    )
    with pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(pork.pk, 1)], county_code="650102")
    assert refused.value.details["days_min"] == 4
    assert refused.value.details["days_max"] == 6
    # To Guangdong the cold chain (1-2 days) carries it.
    [cold] = rate_quote(lines=[(pork.pk, 1)], county_code="440106")
    assert (cold.service, cold.days_max) == ("cold_chain", 2)


def test_the_honey_shop_ships_free_from_99_yuan() -> None:
    shop = SellerFactory()
    shipping_demo_load(sellers={"honey": shop})
    jar = VariantFactory(product=ProductFactory(seller=shop), price=Decimal("88.00"))
    assert rate_quote(lines=[(jar.pk, 1)], county_code="520102")[0].fee > 0
    assert rate_quote(lines=[(jar.pk, 2)], county_code="520102")[0].fee == Decimal("0.00")
