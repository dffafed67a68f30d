"""The quote: fee by zone and chargeable weight, volumetric weight, remote surcharges, free
shipping, and the fresh rule that keeps chilled and perishable goods on services that can
carry them."""

from decimal import Decimal

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.shipping.conftest import GUANGZHOU_TIANHE, GUIYANG
from xiangcun.catalog.models import Variant
from xiangcun.shipping.models import CarrierService
from xiangcun.shipping.selectors import rate_quote


def test_honey_to_guiyang_pays_the_first_weight(standard: CarrierService, honey: Variant) -> None:
    [option] = rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)
    assert (option.carrier, option.service) == ("sf", "standard")
    assert option.fee == Decimal("12.00")
    assert option.cost == Decimal("8.00")
    assert (option.days_min, option.days_max) == (1, 2)
    assert option.cold_chain is False


def test_heavier_parcels_pay_each_started_kilogram(
    standard: CarrierService, honey: Variant
) -> None:
    # Three jars: 2.4 kg packed -> 1 kg first + 2 started kilograms.
    [option] = rate_quote(lines=[(honey.pk, 3)], county_code=GUANGZHOU_TIANHE)
    assert option.chargeable_weight_g == 3000
    assert option.fee == Decimal("18.00") + 2 * Decimal("6.00")
    assert option.cost == Decimal("14.00") + 2 * Decimal("4.00")


def test_a_light_bulky_box_pays_its_volumetric_weight(standard: CarrierService) -> None:
    # 40 x 30 x 30 cm = 36,000 cm³ / 8000 = 4.5 kg, though it weighs 600 g.
    lantern = VariantFactory(
        product=ProductFactory(name="苗绣灯笼"),
        shipping_weight_g=600,
        length_cm=40,
        width_cm=30,
        height_cm=30,
    )
    [option] = rate_quote(lines=[(lantern.pk, 1)], county_code=GUIYANG)
    assert option.chargeable_weight_g == 5000
    assert option.fee == Decimal("12.00") + 4 * Decimal("2.00")


@pytest.mark.parametrize(("county", "days"), [(GUIYANG, (1, 2)), (GUANGZHOU_TIANHE, (2, 3))])
def test_the_zone_is_chosen_by_the_county_s_province(
    standard: CarrierService, honey: Variant, county: str, days: tuple[int, int]
) -> None:
    [option] = rate_quote(lines=[(honey.pk, 1)], county_code=county)
    assert (option.days_min, option.days_max) == days
