"""Fuzz of the sellers and catalog services: shop applications and edits, categories, brands,
certifications, products and variants, and the search a buyer types into."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import strategies as st
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.fuzz.driver import (
    Target,
    dates,
    decimals,
    fuzz,
    integers,
    texts,
    updates,
)
from tests.regions.factories import VillageFactory

from xiangcun.accounts.models import Household, User
from xiangcun.accounts.services import household_register, roles_sync
from xiangcun.catalog import selectors as catalog_selectors
from xiangcun.catalog import services as catalog
from xiangcun.catalog.errors import InvalidFieldError
from xiangcun.catalog.models import Brand, Category, Certification, Variant
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import NumberOutOfRangeError, UnstorableTextError
from xiangcun.regions.models import Village
from xiangcun.sellers import services as sellers
from xiangcun.sellers.errors import SellerNotFoundError
from xiangcun.sellers.models import PoorHouseholdLink, Seller


@dataclass
class World:
    admin: User
    owner: User
    stranger: User
    seller: Seller
    village: Village
    household: Household
    category: Category
    variant: Variant


@pytest.fixture
def world(db: None) -> World:
    roles_sync()
    admin = UserFactory(admin=True)
    variant = VariantFactory()
    seller = variant.product.seller
    village = VillageFactory()
    household = household_register(village_id=village.pk, head_name="杨秀英", registered_poor=True)
    return World(
        admin=admin,
        owner=seller.owner,
        stranger=UserFactory(),
        seller=seller,
        village=village,
        household=household,
        category=CategoryFactory(),
        variant=variant,
    )


def targets(world: World) -> list[Target]:
    actors = st.sampled_from([world.owner, world.admin, world.stranger])
    staff = st.sampled_from([world.admin, world.stranger])
    seller_ids = st.sampled_from([world.seller.pk, world.seller.pk + 1000])
    village_ids = st.sampled_from([None, world.village.pk])
    product_ids = st.just(world.variant.product_id)
    prices = st.one_of(decimals(), texts("12.50", "0.01"))
    product_fields = {
        "name": texts("高山云雾茶"),
        "name_en": texts("Mountain tea"),
        "description": texts("明前采摘。\n手工炒制。"),
        "category_id": st.one_of(st.just(world.category.pk), integers()),
        "direction": texts("up", "down"),
        "is_fresh": st.booleans(),
        "shelf_life_days": st.one_of(st.none(), integers()),
        "origin_village_id": st.one_of(village_ids, integers()),
    }
    return [
        Target(
            sellers.seller_apply,
            {
                "owner": st.sampled_from([world.stranger, world.owner]),
                "kind": st.sampled_from(Seller.Kind.values),
                "name": texts("高要村蜂蜜"),
                "story": texts("我们在村里养蜂。"),
                "village_id": village_ids,
                "origin_text": texts("浙江省义乌市"),
                "phone": texts("13800138000"),
            },
        ),
        Target(
            sellers.seller_update,
            {"actor": actors, "seller_id": seller_ids},
            fields=updates(
                name=texts("新店名"),
                story=texts("新的故事"),
                origin_text=texts("贵州丹寨"),
                phone=texts("13800138000"),
                village_id=st.one_of(village_ids, integers()),
            ),
        ),
        Target(
            sellers.seller_review,
            {"reviewer": staff, "seller_id": seller_ids, "note": texts("资料齐全")},
        ),
        Target(
            sellers.seller_suspend,
            {"reviewer": staff, "seller_id": seller_ids, "note": texts("投诉较多")},
        ),
        Target(
            sellers.household_link_add,
            {
                "actor": actors,
                "seller_id": seller_ids,
                "household_id": st.sampled_from([world.household.pk, world.household.pk + 9]),
                "relation": st.sampled_from(PoorHouseholdLink.Relation.values),
                "since": dates(),
            },
        ),
        Target(
            catalog.category_create,
            {
                "actor": staff,
                "slug": texts("tea", "wild-honey"),
                "name": texts("茶叶"),
                "direction": st.sampled_from([None, "up", "down"]),
                "parent_id": st.sampled_from([None, world.category.pk]),
                "position": integers(),
            },
        ),
        Target(
            catalog.brand_create,
            {
                "actor": staff,
                "kind": st.sampled_from(Brand.Kind.values),
                "slug": texts("danzhai-tea"),
                "name": texts("丹寨茶"),
                "story": texts("千年古茶树"),
                "origin_township_id": st.sampled_from([None, world.village.township_id]),
                "seller_id": st.sampled_from([None, world.seller.pk]),
            },
        ),
        Target(
            catalog.certification_add,
            {
                "actor": staff,
                "kind": st.sampled_from(Certification.Kind.values),
                "certificate_number": texts("FP-GZ-2020-0316"),
                "issuer": texts("贵州省扶贫办"),
                "valid_from": dates(),
                "valid_until": st.one_of(st.none(), dates()),
                "product_id": st.sampled_from([None, world.variant.product_id]),
            },
        ),
        Target(
            catalog.product_create,
            {
                "actor": actors,
                "seller_id": seller_ids,
                **{
                    name: strategy
                    for name, strategy in product_fields.items()
                    if name != "origin_village_id"
                },
                "origin_village_id": village_ids,
            },
        ),
        Target(
            catalog.product_update,
            {"actor": actors, "product_id": product_ids},
            fields=updates(**product_fields),
        ),
        Target(
            catalog.variant_create,
            {
                "actor": actors,
                "product_id": product_ids,
                "sku": texts("DZ-TEA-250"),
                "name": texts("250克装"),
                "unit": st.sampled_from(Variant.Unit.values),
                "price": prices,
                "net_weight_g": st.one_of(st.none(), integers()),
                "gtin": texts("6975858000017", ""),
            },
        ),
        Target(
            catalog.variant_update,
            {"actor": actors, "variant_id": st.just(world.variant.pk)},
            fields=updates(
                sku=texts("DZ-TEA-500"),
                name=texts("500克装"),
                unit=texts(*Variant.Unit.values),
                price=prices,
                net_weight_g=st.one_of(st.none(), integers()),
                gtin=texts("6975858000017"),
                is_active=st.booleans(),
                position=integers(),
            ),
        ),
        Target(
            catalog_selectors.product_ids_search,  # the checks; products_search adds rows
            {
                "query": texts("蜂蜜", "fengmi", "fm", "honey"),
                "category": st.one_of(st.none(), texts(world.category.slug)),
                "brand": st.one_of(st.none(), texts("danzhai")),
                "township": st.one_of(st.none(), texts(world.village.township.code)),
                "direction": st.one_of(st.none(), texts("up")),
                "price_min": st.one_of(st.none(), decimals()),
                "price_max": st.one_of(st.none(), decimals()),
                "sort": texts("relevance", "price", "-price", "new"),
                "page": integers(),
                "page_size": integers(),
            },
        ),
    ]


def test_sellers_and_catalog_services_refuse_bad_input_cleanly(world: World) -> None:
    answers = fuzz(targets(world))
    # Plausible arguments get past the first checks: some calls succeed.
    assert sum(outcome["ok"] for outcome in answers.values()) > 0, answers


# What the fuzz found, kept as plain examples (each failed before its fix).


def test_a_reviewer_cannot_link_a_household_to_a_shop_that_does_not_exist(world: World) -> None:
    with pytest.raises(SellerNotFoundError):
        sellers.household_link_add(
            actor=world.admin,
            seller_id=world.seller.pk + 1000,
            household_id=world.household.pk,
            relation="supplier",
        )


def test_a_brand_from_a_township_that_does_not_exist_is_refused(world: World) -> None:
    with pytest.raises(InvalidFieldError):
        catalog.brand_create(
            actor=world.admin,
            kind="regional",
            slug="danzhai-tea",
            name="丹寨茶",
            origin_township_id=world.village.township_id + 1000,
        )


def test_positions_and_counts_beyond_their_columns_are_refused(world: World) -> None:
    with pytest.raises(NumberOutOfRangeError):
        catalog.category_create(
            actor=world.admin, slug="tea", name="茶叶", direction="up", position=2**15
        )
    with pytest.raises(InvalidFieldError):
        catalog.variant_update(actor=world.owner, variant_id=world.variant.pk, net_weight_g=2**31)


def test_shop_and_product_text_with_a_lone_surrogate_is_refused(world: World) -> None:
    with pytest.raises(UnstorableTextError):
        sellers.seller_apply(owner=world.stranger, kind="farmer", name="高要\ud800村蜂蜜")
    with pytest.raises(UnstorableTextError):
        catalog.product_update(
            actor=world.owner, product_id=world.variant.product_id, description="好\x00茶"
        )


def test_variant_lookups_ignore_ids_no_row_can_have(world: World) -> None:
    ids = [world.variant.pk, 2**64, -(2**70)]
    assert catalog_selectors.variant_sellers(variant_ids=ids) == {world.variant.pk: world.seller.pk}
    assert list(catalog_selectors.variants_for_order(variant_ids=ids)) == [world.variant.pk]


def test_a_search_with_prices_that_are_not_numbers_or_a_page_past_the_end_is_refused(
    world: World,
) -> None:
    with pytest.raises(XiangcunError):
        catalog_selectors.products_search(query="蜂蜜", price_min=Decimal("NaN"))
    with pytest.raises(XiangcunError):
        catalog_selectors.products_search(query="蜂蜜", page=2**64)
