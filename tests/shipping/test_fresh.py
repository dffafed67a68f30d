"""Fresh goods: chilled goods ride only the cold chain, frozen ones only a service that keeps
them frozen, perishable ones only a service that arrives before they spoil; when none can, the
refusal names the product and why, in the reader's language."""

from decimal import Decimal

import pytest
from django.utils import translation

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.shipping.conftest import GUANGZHOU_TIANHE, GUIYANG, URUMQI
from tests.shipping.factories import CarrierServiceFactory, RateFactory, ZoneFactory
from xiangcun.catalog.models import Variant
from xiangcun.shipping.errors import CannotShipFreshError
from xiangcun.shipping.models import CarrierService
from xiangcun.shipping.selectors import (
    packing_instructions,
    packing_instructions_render,
    rate_quote,
)


def test_chilled_goods_are_offered_only_the_cold_chain(
    standard: CarrierService, cold_chain: CarrierService, pork: Variant, honey: Variant
) -> None:
    options = rate_quote(lines=[(pork.pk, 1), (honey.pk, 1)], county_code=GUIYANG)
    assert [(o.service, o.cold_chain) for o in options] == [("cold_chain", True)]


def test_perishable_goods_are_offered_only_services_that_arrive_in_time(
    standard: CarrierService, cold_chain: CarrierService
) -> None:
    # Keeps 2 days, no cold chain needed: Guangdong's standard (2-3 days) is too slow.
    cakes = VariantFactory(product=ProductFactory(name="糯米粑", is_fresh=True, keeps_days=2))
    options = rate_quote(lines=[(cakes.pk, 1)], county_code=GUANGZHOU_TIANHE)
    assert [o.service for o in options] == ["cold_chain"]


def test_a_fresh_product_without_keeps_days_is_held_to_its_shelf_life(
    standard: CarrierService,
) -> None:
    greens = VariantFactory(product=ProductFactory(name="野菜", is_fresh=True, shelf_life_days=2))
    with pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(greens.pk, 1)], county_code=GUANGZHOU_TIANHE)
    assert refused.value.details["reason"] == "too_slow"
    assert refused.value.details["keeps_days"] == 2


def test_pork_to_xinjiang_is_refused_naming_the_product_and_the_days(
    standard: CarrierService, pork: Variant
) -> None:
    service = CarrierServiceFactory(
        carrier=standard.carrier, code="cold_chain", name="冷运", cold_chain=True
    )
    RateFactory(
        zone=ZoneFactory(
            service=service, name="新疆", provinces=["650000"], days_min=4, days_max=6
        ),
        first_fee=Decimal("68.00"),
    )
    with translation.override("zh-hans"), pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(pork.pk, 1)], county_code=URUMQI)
    error = refused.value
    assert error.code == "cannot_ship_fresh"
    assert error.status == 409
    assert error.details == {
        "reason": "too_slow",
        "product_id": pork.product_id,
        "product": "丹寨黑毛猪鲜肉",
        "province_code": "650000",
        "keeps_days": 3,
        "days_min": 4,
        "days_max": 6,
    }
    assert "丹寨黑毛猪鲜肉" in str(error.message)
    assert "新疆" in str(error.message)
    for days in ("3", "4", "6"):
        assert days in str(error.message)


def test_the_reason_is_in_english_for_an_english_reader(
    standard: CarrierService, pork: Variant
) -> None:
    with translation.override("en"), pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(pork.pk, 1)], county_code=GUIYANG)
    assert refused.value.details["reason"] == "cold_chain"
    assert str(refused.value.message) == (
        "Danzhai black-hair pork must be kept cold, and no cold-chain service delivers to Guizhou."
    )


def test_frozen_goods_need_a_service_that_keeps_them_frozen(
    standard: CarrierService, cold_chain: CarrierService
) -> None:
    dumplings = VariantFactory(
        product=ProductFactory(
            name="冻饺子", is_fresh=True, needs_cold_chain=True, keep_frozen=True
        )
    )
    with pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(dumplings.pk, 1)], county_code=GUIYANG)
    assert refused.value.details["reason"] == "frozen"
    cold_chain.frozen_ok = True
    cold_chain.save()
    assert [o.service for o in rate_quote(lines=[(dumplings.pk, 1)], county_code=GUIYANG)] == [
        "cold_chain"
    ]


def test_goods_no_single_service_carries_together_are_named_both(
    standard: CarrierService,
) -> None:
    # A frozen service that is slow, and a fast standard one: frozen dumplings need the first,
    # cakes that keep one day need the second.
    freezer = CarrierServiceFactory(
        carrier=standard.carrier, code="frozen", cold_chain=True, frozen_ok=True
    )
    RateFactory(zone=ZoneFactory(service=freezer, days_min=2, days_max=3))
    standard.zones.filter(name="贵州").update(days_min=1, days_max=1)
    dumplings = VariantFactory(
        product=ProductFactory(
            name="冻饺子", is_fresh=True, needs_cold_chain=True, keep_frozen=True
        )
    )
    cakes = VariantFactory(product=ProductFactory(name="糯米粑", is_fresh=True, keeps_days=1))
    assert rate_quote(lines=[(dumplings.pk, 1)], county_code=GUIYANG)
    assert rate_quote(lines=[(cakes.pk, 1)], county_code=GUIYANG)
    with pytest.raises(CannotShipFreshError) as refused:
        rate_quote(lines=[(dumplings.pk, 1), (cakes.pk, 1)], county_code=GUIYANG)
    assert refused.value.details["reason"] == "not_together"
    assert {refused.value.details["product"], refused.value.details["other_product"]} == {
        "冻饺子",
        "糯米粑",
    }


def test_packing_follows_the_goods_needs(pork: Variant, honey: Variant) -> None:
    honey.product.fragile = True
    honey.product.save()
    assert packing_instructions([(honey.pk, 1)]) == ["foam_wrap", "this_side_up"]
    assert packing_instructions([(pork.pk, 1), (honey.pk, 2)]) == [
        "ice_packs",
        "foam_box",
        "foam_wrap",
        "this_side_up",
        "ship_today",
    ]
    plain = VariantFactory()
    assert packing_instructions([(plain.pk, 3)]) == []


def test_packing_instructions_read_in_either_language(pork: Variant) -> None:
    codes = packing_instructions([(pork.pk, 1)])
    english = packing_instructions_render(codes, language="en")
    chinese = packing_instructions_render(codes, language="zh-hans")
    assert english[0] == "Add frozen ice packs around the goods"
    assert len(chinese) == len(codes) == 3
    assert all(not any("a" <= ch.lower() <= "z" for ch in text) for text in chinese)
