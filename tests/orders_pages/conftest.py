"""The order pages stand on the storefront's small market (honey with stock, batik, fertiliser)
plus a village station, the county shop and a buyer, all made through the services."""

from dataclasses import dataclass
from typing import Any

import pytest

from tests.accounts.factories import UserFactory
from tests.storefront.market import Market, market_build
from xiangcun.accounts.models import User
from xiangcun.inventory import services as inventory
from xiangcun.regions.models import Station
from xiangcun.regions.services import station_create


@dataclass
class Shop:
    market: Market
    station: Station
    county_shop: Station
    buyer: User
    honey_variant: int
    batik_variant: int


def shop_build() -> Shop:
    market = market_build()
    township_id = market.village.township_id
    station = station_create(
        kind="village_station",
        code="ST-KALA",
        name="卡拉村服务站",
        township_id=township_id,
        village_id=market.village.pk,
        address_detail="村委会一楼",
        opening_hours="8:00-18:00",
    )
    county_shop = station_create(
        kind="service_centre",
        code="SC-DANZHAI",
        name="丹寨县电商服务中心",
        township_id=township_id,
        address_detail="龙泉镇东湖路1号",
    )
    batik_variant = market.batik.variants.get()
    farm = inventory.location_for_seller(seller_id=market.batik_shop.pk)
    inventory.stock_receive(
        actor=market.maker, variant_id=batik_variant.pk, location_id=farm.pk, quantity=5
    )
    return Shop(
        market=market,
        station=station,
        county_shop=county_shop,
        buyer=UserFactory(name="张大姐", phone="13912340001"),
        honey_variant=market.honey.variants.get().pk,
        batik_variant=batik_variant.pk,
    )


@pytest.fixture
def shop(db: None, django_capture_on_commit_callbacks: Any) -> Shop:
    # The search index is written on commit; run those callbacks inside the test transaction.
    with django_capture_on_commit_callbacks(execute=True):
        return shop_build()
