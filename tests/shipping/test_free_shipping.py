"""Remote-area surcharges and free shipping (a shop's threshold, a promotion's window)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory
from tests.shipping.conftest import GUIYANG, URUMQI
from tests.shipping.factories import (
    PromotionFactory,
    RemoteSurchargeFactory,
    SellerFreeShippingFactory,
)
from xiangcun.catalog.models import Variant
from xiangcun.shipping.models import CarrierService
from xiangcun.shipping.selectors import rate_quote


def test_a_remote_province_pays_its_surcharge(standard: CarrierService, honey: Variant) -> None:
    RemoteSurchargeFactory(area_code="650000", fee=Decimal("15.00"), cost=Decimal("12.00"))
    [option] = rate_quote(lines=[(honey.pk, 1)], county_code=URUMQI)
    assert option.fee == Decimal("25.00") + Decimal("15.00")
    assert option.cost == Decimal("8.00") + Decimal("12.00")
    assert option.surcharge == Decimal("15.00")


def test_a_county_s_own_surcharge_wins_over_its_province_s(
    standard: CarrierService, honey: Variant
) -> None:
    RemoteSurchargeFactory(area_code="650000", fee=Decimal("15.00"))
    RemoteSurchargeFactory(area_code=URUMQI, fee=Decimal("5.00"))
    RemoteSurchargeFactory(area_code="520000", fee=Decimal("3.00"), service=None)
    [option] = rate_quote(lines=[(honey.pk, 1)], county_code=URUMQI)
    assert option.surcharge == Decimal("5.00")


def test_a_surcharge_for_another_service_does_not_apply(
    standard: CarrierService, cold_chain: CarrierService, honey: Variant
) -> None:
    RemoteSurchargeFactory(area_code="520000", service=cold_chain, fee=Decimal("4.00"))
    fees = {o.service: o.fee for o in rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)}
    assert fees == {"standard": Decimal("12.00"), "cold_chain": Decimal("34.00")}


def test_a_shop_s_goods_over_its_threshold_ship_free(standard: CarrierService) -> None:
    shop = SellerFactory()
    SellerFreeShippingFactory(seller=shop, threshold=Decimal("99.00"))
    jar = VariantFactory(product=ProductFactory(seller=shop), price=Decimal("50.00"))
    [one] = rate_quote(lines=[(jar.pk, 1)], county_code=GUIYANG)
    [two] = rate_quote(lines=[(jar.pk, 2)], county_code=GUIYANG)
    assert (one.fee, one.free_shipping) == (Decimal("12.00"), False)
    assert (two.fee, two.free_shipping, two.full_fee) == (Decimal("0.00"), True, Decimal("12.00"))
    # The carrier still charges us.
    assert two.cost == Decimal("8.00")


def test_seller_goods_given_by_the_caller_decide(standard: CarrierService, honey: Variant) -> None:
    SellerFreeShippingFactory(seller=honey.product.seller, threshold=Decimal("99.00"))
    [option] = rate_quote(
        lines=[(honey.pk, 1)],
        county_code=GUIYANG,
        seller_goods={honey.product.seller_id: Decimal("120.00")},
    )
    assert option.fee == Decimal("0.00")


def test_an_order_ships_free_only_if_every_shop_in_it_does(
    standard: CarrierService, honey: Variant
) -> None:
    SellerFreeShippingFactory(seller=honey.product.seller, threshold=Decimal("50.00"))
    other = VariantFactory(price=Decimal("10.00"), shipping_weight_g=100)
    [option] = rate_quote(lines=[(honey.pk, 1), (other.pk, 1)], county_code=GUIYANG)
    assert option.fee == Decimal("12.00")


def test_free_shipping_waives_the_rate_not_a_remote_surcharge(
    standard: CarrierService, honey: Variant
) -> None:
    SellerFreeShippingFactory(seller=honey.product.seller, threshold=Decimal("50.00"))
    RemoteSurchargeFactory(area_code="650000", fee=Decimal("15.00"))
    [option] = rate_quote(lines=[(honey.pk, 1)], county_code=URUMQI)
    assert option.fee == Decimal("15.00")
    assert option.free_shipping is True


def test_a_promotion_frees_orders_over_its_threshold_inside_its_window(
    standard: CarrierService, honey: Variant
) -> None:
    today = timezone.localdate()
    PromotionFactory(
        threshold=Decimal("60.00"),
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
    )
    lines = [(honey.pk, 1)]  # ¥68
    assert rate_quote(lines=lines, county_code=GUIYANG)[0].fee == Decimal("0.00")
    assert rate_quote(lines=lines, county_code=GUIYANG, on=today + datetime.timedelta(days=2))[
        0
    ].fee == Decimal("0.00")
    for day in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=3)):
        assert rate_quote(lines=lines, county_code=GUIYANG, on=day)[0].fee == Decimal("12.00")


def test_a_promotion_for_some_provinces_frees_only_those(
    standard: CarrierService, honey: Variant
) -> None:
    PromotionFactory(threshold=Decimal("10.00"), provinces=["440000"])
    assert rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)[0].fee == Decimal("12.00")
    assert rate_quote(lines=[(honey.pk, 1)], county_code="440106")[0].fee == Decimal("0.00")


def test_an_inactive_rule_frees_nothing(standard: CarrierService, honey: Variant) -> None:
    PromotionFactory(threshold=Decimal("10.00"), is_active=False)
    assert rate_quote(lines=[(honey.pk, 1)], county_code=GUIYANG)[0].fee == Decimal("12.00")
