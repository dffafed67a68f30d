"""Certificates belong to what they certify: a certificate counts only for the products it
names and only once staff have checked it; cards, the product page, the search filter's SQL and
the programme's figures all follow that one rule."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.accounts.factories import UserFactory, user_with_permissions, user_with_role
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.catalog import errors, selectors, services
from xiangcun.catalog.models import Brand, Certification, Product
from xiangcun.sellers.models import Seller

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def brand_manager(db: None) -> User:
    return user_with_role(Role.BRAND_MANAGER)


@pytest.fixture
def blueberry_brand(admin: User) -> Brand:
    return services.brand_create(
        actor=admin, kind="regional", slug="danzhai-blueberry", name="丹寨蓝莓"
    )


def green_food(actor: User, brand: Brand, product_ids: list[int], **fields: Any) -> Certification:
    values: dict[str, Any] = {
        "kind": "green_food",
        "certificate_number": "LB-52-1806-0033",
        "issuer": "中国绿色食品发展中心",
        "valid_from": datetime.date(2018, 6, 1),
        "valid_until": datetime.date(2099, 5, 31),
        "brand_id": brand.pk,
        "product_ids": product_ids,
    }
    values.update(fields)
    return services.certification_add(actor=actor, **values)


def certified(product: Product, *, on: datetime.date = TODAY) -> bool:
    fresh = selectors.product_get(product_id=product.pk)
    return bool(selectors.product_certifications(fresh, on=on))


def test_a_new_product_of_the_brand_is_not_certified_by_the_brands_certificate(
    make_product: Callable[..., Product], blueberry_brand: Brand, brand_manager: User
) -> None:
    berries = make_product(name="高山蓝莓", listed=True, brand_id=blueberry_brand.pk)
    green_food(brand_manager, blueberry_brand, [berries.pk])
    jam = make_product(name="蓝莓果酱", listed=True, brand_id=blueberry_brand.pk)
    assert certified(berries)
    assert not certified(jam)
    cards = {card.id: card for card in selectors.product_cards(product_ids=[berries.pk, jam.pk])}
    assert cards[berries.pk].certified
    assert not cards[jam.pk].certified
    assert selectors.certified_product_ids(product_ids=[berries.pk, jam.pk], on=TODAY) == {
        berries.pk
    }


def test_a_brand_certificate_names_only_the_brands_products(
    make_product: Callable[..., Product], blueberry_brand: Brand, brand_manager: User
) -> None:
    stranger = make_product(name="土蜂蜜", listed=True)
    with pytest.raises(errors.CertificationProductsError):
        green_food(brand_manager, blueberry_brand, [stranger.pk])
    with pytest.raises(errors.CertificationProductsError):
        green_food(brand_manager, blueberry_brand, [2**70])
    assert not Certification.objects.exists()


def test_a_shops_certificate_waits_for_a_check_and_then_shows_on_the_products_it_names(
    make_product: Callable[..., Product], shop: Seller, brand_manager: User
) -> None:
    honey = make_product(name="土蜂蜜", listed=True)
    comb = make_product(name="蜂巢蜜", listed=True)
    sent = services.certification_submit(
        actor=shop.owner,
        seller_id=shop.pk,
        kind="organic",
        certificate_number="OR-2026-7",
        issuer="有机认证中心",
        valid_from=datetime.date(2026, 1, 1),
        product_ids=[honey.pk],
    )
    assert sent.status == Certification.Status.PENDING
    assert not certified(honey)
    checked = services.certification_verify(
        actor=brand_manager, certification_id=sent.pk, approve=True
    )
    assert checked.status == Certification.Status.VERIFIED
    assert checked.verified_by_id == brand_manager.pk
    assert checked.verified_at is not None
    assert certified(honey)
    assert not certified(comb)
    assert not certified(honey, on=datetime.date(2025, 12, 31))  # before it was valid
    with pytest.raises(errors.CertificationAlreadyCheckedError):
        services.certification_verify(actor=brand_manager, certification_id=sent.pk, approve=False)


def test_a_refused_certificate_needs_a_note_and_shows_nowhere(
    make_product: Callable[..., Product], shop: Seller, brand_manager: User
) -> None:
    honey = make_product(name="土蜂蜜", listed=True)
    sent = services.certification_submit(
        actor=shop.owner, seller_id=shop.pk, kind="organic", certificate_number="OR-1",
        issuer="某中心", valid_from=datetime.date(2026, 1, 1), product_ids=[honey.pk],
    )  # fmt: skip
    with pytest.raises(errors.RequiredFieldError):
        services.certification_verify(actor=brand_manager, certification_id=sent.pk, approve=False)
    services.certification_verify(
        actor=brand_manager, certification_id=sent.pk, approve=False, note="证书编号查不到"
    )
    sent.refresh_from_db()
    assert sent.status == Certification.Status.REJECTED
    assert sent.review_note == "证书编号查不到"
    assert not certified(honey)


def test_a_shop_names_only_its_own_products_and_only_its_managers_send_for_it(
    make_product: Callable[..., Product], shop: Seller, other_shop: Seller
) -> None:
    mine = make_product(name="土蜂蜜")
    theirs = make_product(name="别家蜂蜜", seller=other_shop)
    base: dict[str, Any] = {
        "kind": "organic", "certificate_number": "OR-3", "issuer": "某中心",
        "valid_from": datetime.date(2026, 1, 1),
    }  # fmt: skip
    with pytest.raises(errors.CertificationProductsError):
        services.certification_submit(
            actor=shop.owner, seller_id=shop.pk, product_ids=[theirs.pk], **base
        )
    with pytest.raises(errors.CertificationProductsError):
        services.certification_submit(actor=shop.owner, seller_id=shop.pk, product_ids=[], **base)
    with pytest.raises(errors.ProductPermissionDeniedError):
        services.certification_submit(
            actor=other_shop.owner, seller_id=shop.pk, product_ids=[mine.pk], **base
        )
    assert not Certification.objects.exists()


def test_only_staff_who_check_certificates_may_check_one(
    make_product: Callable[..., Product], shop: Seller
) -> None:
    honey = make_product(name="土蜂蜜")
    sent = services.certification_submit(
        actor=shop.owner, seller_id=shop.pk, kind="organic", certificate_number="OR-4",
        issuer="某中心", valid_from=datetime.date(2026, 1, 1), product_ids=[honey.pk],
    )  # fmt: skip
    for actor in (shop.owner, UserFactory(), user_with_role(Role.WAREHOUSE)):
        with pytest.raises(errors.CatalogStaffOnlyError):
            services.certification_verify(actor=actor, certification_id=sent.pk, approve=True)
    assert selectors.certification_may_verify(user=user_with_role(Role.PROGRAMME_MANAGER))
    with pytest.raises(errors.CertificationNotFoundError):
        services.certification_verify(
            actor=user_with_role(Role.BRAND_MANAGER), certification_id=sent.pk + 99, approve=True
        )


def test_staff_extend_a_brand_certificate_to_a_product_the_paper_names(
    make_product: Callable[..., Product], blueberry_brand: Brand, brand_manager: User
) -> None:
    berries = make_product(name="高山蓝莓", listed=True, brand_id=blueberry_brand.pk)
    jam = make_product(name="蓝莓果酱", listed=True, brand_id=blueberry_brand.pk)
    cert = green_food(brand_manager, blueberry_brand, [berries.pk])
    services.certification_cover(
        actor=brand_manager, certification_id=cert.pk, product_ids=[berries.pk, jam.pk]
    )
    assert certified(jam)


def test_only_poverty_alleviation_certificates_count_for_the_programme(
    make_product: Callable[..., Product], blueberry_brand: Brand, brand_manager: User
) -> None:
    berries = make_product(name="高山蓝莓", listed=True, brand_id=blueberry_brand.pk)
    rice = make_product(name="硒米", listed=True, brand_id=blueberry_brand.pk)
    green_food(brand_manager, blueberry_brand, [berries.pk])
    green_food(
        brand_manager, blueberry_brand, [rice.pk], kind="poverty_alleviation",
        certificate_number="FP-1",
    )  # fmt: skip
    figures = selectors.products_impact(product_ids=[berries.pk, rice.pk], on=TODAY)
    assert not figures[berries.pk].certified
    assert figures[rice.pk].certified


def test_the_search_filters_sql_finds_the_same_products_as_the_rule(
    make_product: Callable[..., Product], blueberry_brand: Brand, brand_manager: User, shop: Seller
) -> None:
    berries = make_product(name="高山蓝莓", listed=True, brand_id=blueberry_brand.pk)
    make_product(name="蓝莓果酱", listed=True, brand_id=blueberry_brand.pk)
    expired = make_product(name="旧蜂蜜", listed=True, brand_id=blueberry_brand.pk)
    green_food(brand_manager, blueberry_brand, [berries.pk])
    green_food(
        brand_manager, blueberry_brand, [expired.pk], certificate_number="OLD",
        valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1),
    )  # fmt: skip
    pending = make_product(name="土蜂蜜", listed=True)
    services.certification_submit(
        actor=shop.owner, seller_id=shop.pk, kind="organic", certificate_number="OR-5",
        issuer="某中心", valid_from=datetime.date(2026, 1, 1), product_ids=[pending.pk],
    )  # fmt: skip
    table = Product._meta.db_table
    sql, params = selectors.certified_products_sql(f"{table}.id", on=TODAY)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {table}.id FROM {table} WHERE {sql}", params)  # noqa: S608
        found = {row[0] for row in cursor.fetchall()}
    assert found == {berries.pk}
    everything = Product.objects.values_list("pk", flat=True)
    assert selectors.certified_product_ids(product_ids=everything, on=TODAY) == found


def test_staff_recording_without_the_check_permission_leave_it_waiting(
    make_product: Callable[..., Product], blueberry_brand: Brand
) -> None:
    berries = make_product(name="高山蓝莓", listed=True, brand_id=blueberry_brand.pk)
    clerk = user_with_permissions("add_certification")
    cert = green_food(clerk, blueberry_brand, [berries.pk])
    assert cert.status == Certification.Status.PENDING
    assert not certified(berries)  # until checked from the review queue
