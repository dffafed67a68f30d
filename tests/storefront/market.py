"""A small Danzhai market built through the public services, so the search index is kept the
way it is in production: honey (certified, under a brand), batik, and fertiliser going into the
villages. Shared by the storefront page tests and the browser test."""

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.accounts.factories import PASSWORD, UserFactory
from tests.regions.factories import VillageFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant, roles_sync
from xiangcun.accounts.types import Role
from xiangcun.catalog import services as catalog
from xiangcun.catalog.models import Brand, Category, Product
from xiangcun.inventory import services as inventory
from xiangcun.sellers import services as sellers
from xiangcun.sellers.models import Seller

HONEY_CERTIFICATE = "FP-GZ-2020-0316"
_sku = itertools.count(1)


@dataclass
class Market:
    staff: User
    farmer: User
    maker: User
    honey_shop: Seller
    batik_shop: Seller
    outside_shop: Seller
    farm: Category
    crafts: Category
    tools: Category
    brand: Brand
    honey: Product
    batik: Product
    fertiliser: Product
    village: Any
    extra: list[Product] = field(default_factory=list)


def seller_open(
    *, staff: User, owner: User, name: str, kind: str, village_id: int | None
) -> Seller:
    seller = sellers.seller_apply(
        owner=owner,
        kind=kind,
        name=name,
        story=f"{name}的故事：我们在村里养蜂、种田、做手工。",
        village_id=village_id,
        origin_text="" if village_id else "浙江省义乌市",
    )
    return sellers.seller_review(reviewer=staff, seller_id=seller.pk, approve=True)


def product_list(
    *,
    staff: User,
    actor: User,
    seller: Seller,
    category: Category,
    name: str,
    price: str = "12.50",
    unit: str = "jar",
    stock: int = 0,
    **extra: Any,
) -> Product:
    """Create, price, stock, submit and approve a product: what a seller and a reviewer do."""
    product = catalog.product_create(
        actor=actor, seller_id=seller.pk, category_id=category.pk, name=name, **extra
    )
    variant = catalog.variant_create(
        actor=actor,
        product_id=product.pk,
        sku=f"T-{next(_sku):05d}",
        name="500克装",
        unit=unit,
        price=Decimal(price),
    )
    if stock:
        farm = inventory.location_for_seller(seller_id=seller.pk)
        inventory.stock_receive(
            actor=actor, variant_id=variant.pk, location_id=farm.pk, quantity=stock
        )
    catalog.product_submit(actor=actor, product_id=product.pk)
    return catalog.product_review(reviewer=staff, product_id=product.pk, approve=True)


def market_build() -> Market:
    roles_sync()
    staff = UserFactory(is_superuser=True, is_staff=True, name="审核员")
    farmer = UserFactory(name="王德富")
    maker = UserFactory(name="杨秀英")
    trader = UserFactory(name="义乌商行")
    village = VillageFactory(name="卡拉村", township__name="兴仁镇")
    honey_shop = seller_open(
        staff=staff, owner=farmer, name="王家蜂场", kind="farmer", village_id=village.pk
    )
    batik_shop = seller_open(
        staff=staff, owner=maker, name="排调蜡染坊", kind="craft_maker", village_id=village.pk
    )
    outside_shop = seller_open(
        staff=staff, owner=trader, name="义乌农资", kind="industrial_maker", village_id=None
    )
    farm = catalog.category_create(
        actor=staff, slug="farm", name="农产品", name_en="Farm goods", direction="up"
    )
    crafts = catalog.category_create(
        actor=staff, slug="crafts", name="苗族手工", name_en="Miao crafts", direction="up"
    )
    tools = catalog.category_create(
        actor=staff, slug="farm-supplies", name="农资", name_en="Farm supplies", direction="down"
    )
    brand = catalog.brand_create(
        actor=staff,
        kind="regional",
        slug="danzhai-honey",
        name="丹寨蜂蜜",
        name_en="Danzhai Honey",
        story="丹寨山高林密，蜜蜂采百花。",
        origin_text="贵州省丹寨县",
    )
    honey_certificate = catalog.certification_add(
        actor=staff,
        kind="poverty_alleviation",
        certificate_number=HONEY_CERTIFICATE,
        issuer="贵州省扶贫开发办公室",
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
        brand_id=brand.pk,
    )
    honey = product_list(
        staff=staff,
        actor=farmer,
        seller=honey_shop,
        category=farm,
        name="丹寨土蜂蜜",
        name_en="Danzhai wild honey",
        description="山里的土蜂蜜，一年只取一次。",
        brand_id=brand.pk,
        origin_village_id=village.pk,
        price="68.00",
        stock=25,
    )
    # The brand's certificate names the honey (a certificate covers only what it names).
    catalog.certification_cover(
        actor=staff, certification_id=honey_certificate.pk, product_ids=[honey.pk]
    )
    batik = product_list(
        staff=staff,
        actor=maker,
        seller=batik_shop,
        category=crafts,
        name="苗族蜡染围巾",
        name_en="Miao batik scarf",
        price="128.00",
        unit="piece",
        origin_village_id=village.pk,
    )
    fertiliser = product_list(
        staff=staff,
        actor=trader,
        seller=outside_shop,
        category=tools,
        name="复合肥",
        name_en="Compound fertiliser",
        price="95.00",
        unit="bag",
    )
    return Market(
        staff=staff,
        farmer=farmer,
        maker=maker,
        honey_shop=honey_shop,
        batik_shop=batik_shop,
        outside_shop=outside_shop,
        farm=farm,
        crafts=crafts,
        tools=tools,
        brand=brand,
        honey=honey,
        batik=batik,
        fertiliser=fertiliser,
        village=village,
    )


def agent_make() -> User:
    agent = UserFactory(name="潘小燕")
    role_grant(user=agent, role=Role.AGENT)
    return agent


__all__ = ["HONEY_CERTIFICATE", "PASSWORD", "Market", "agent_make", "market_build", "product_list"]
