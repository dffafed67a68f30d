"""The quote: fee by zone and chargeable weight, volumetric weight, remote surcharges, free
shipping, and the fresh rule that keeps chilled and perishable goods on services that can
carry them."""

from decimal import Decimal

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.shipping.conftest import GUANGZHOU_TIANHE, GUIYANG
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import XiangcunError
from xiangcun.shipping.errors import (
    NoShippingError,
    ShippingOptionNotFoundError,
    UnknownVariantError,
)
from xiangcun.shipping.models import CarrierService
from xiangcun.shipping.selectors import option_get, rate_quote


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


def test_a_variant_without_a_shipping_weight_counts_its_net_weight(
    standard: CarrierService,
) -> None:
    rice = VariantFactory(product=ProductFactory(name="大米"), net_weight_g=2500)
    [option] = rate_quote(lines=[(rice.pk, 1)], county_code=GUIYANG)
    assert option.chargeable_weight_g == 3000
    assert option.fee == Decimal("12.00") + 2 * Decimal("2.00")


def test_the_cheapest_option_comes_first(
    standard: CarrierService, cold_chain: CarrierService, honey: Variant
) -> None:
    options = rate_quote(lines=[(honey.pk, 1)], county_code=GUANGZHOU_TIANHE)
    assert [(o.service, o.fee, o.cold_chain) for o in options] == [
        ("standard", Decimal("18.00"), False),
        ("cold_chain", Decimal("45.00"), True),
    ]


def test_an_inactive_service_or_carrier_is_not_offered(
    standard: CarrierService, cold_chain: CarrierService, honey: Variant
) -> None:
    cold_chain.is_active = False
    cold_chain.save()
    assert [o.service for o in rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)] == [
        "standard"
    ]
    standard.carrier.is_active = False
    standard.carrier.save()
    with pytest.raises(NoShippingError):
        rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)


def test_a_province_no_zone_names_cannot_be_shipped_to(
    standard: CarrierService, honey: Variant
) -> None:
    with pytest.raises(NoShippingError) as refused:
        rate_quote(lines=[(honey.pk, 1)], county_code="310115")  # Shanghai Pudong
    assert refused.value.code == "no_shipping_to_destination"
    assert refused.value.status == 409


@pytest.mark.parametrize("county", ["", "44010", "4401066", "abcdef", "000000", "990000", "710000"])
def test_a_county_code_that_is_no_mainland_county_is_refused(
    standard: CarrierService, honey: Variant, county: str
) -> None:
    with pytest.raises(XiangcunError) as refused:
        rate_quote(lines=[(honey.pk, 1)], county_code=county)
    assert refused.value.status == 400
    assert refused.value.field == "county_code"


def test_an_unknown_variant_is_named(standard: CarrierService, honey: Variant) -> None:
    with pytest.raises(UnknownVariantError) as refused:
        rate_quote(lines=[(honey.pk, 1), (honey.pk + 1000, 1)], county_code=GUIYANG)
    assert refused.value.code == "unknown_variant"
    assert refused.value.details == {"variant": honey.pk + 1000}


@pytest.mark.parametrize("lines", [[], [(1, 0)], [(1, 1000)], [(1, -1)], [(1, 1)] * 51])
def test_lines_out_of_bounds_are_refused(standard: CarrierService, lines: list) -> None:
    with pytest.raises(XiangcunError) as refused:
        rate_quote(lines=lines, county_code=GUIYANG)
    assert refused.value.status == 400


def test_option_get_reprices_the_chosen_service(
    standard: CarrierService, cold_chain: CarrierService, honey: Variant
) -> None:
    option = option_get(
        carrier="sf", service="cold_chain", lines=[(honey.pk, 2)], county_code=GUIYANG
    )
    assert option.fee == Decimal("30.00") + Decimal("8.00")
    with pytest.raises(ShippingOptionNotFoundError) as refused:
        option_get(carrier="sf", service="express", lines=[(honey.pk, 1)], county_code=GUIYANG)
    assert refused.value.code == "shipping_option_unavailable"


def test_a_quote_takes_a_few_queries_whatever_the_basket(
    standard: CarrierService,
    honey: Variant,
    pork: Variant,
    cold_chain: CarrierService,
    django_assert_max_num_queries,
) -> None:
    others = [VariantFactory() for _ in range(5)]
    lines = [(honey.pk, 1), (pork.pk, 2), *[(v.pk, 1) for v in others]]
    # variants, zones, free-shipping rules, surcharges (regions' division table may add one).
    with django_assert_max_num_queries(5):
        rate_quote(lines=lines, county_code=GUIYANG)
