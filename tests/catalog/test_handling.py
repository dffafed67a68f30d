"""Handling needs for shipping: a seller sets frozen, fragile, days it keeps and the parcel's
weight and size on the console and through the API, within bounds."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.catalog.factories import ProductFactory, VariantFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.errors import InvalidColdChainError, InvalidFieldError
from xiangcun.catalog.models import Product, Variant
from xiangcun.catalog.services import product_update, variant_create, variant_update

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog"


@pytest.fixture
def product() -> Product:
    product: Product = ProductFactory(is_fresh=True, needs_cold_chain=True)
    return product


def test_a_seller_sets_handling_needs(product: Product) -> None:
    owner = product.seller.owner
    product_update(actor=owner, product_id=product.pk, keep_frozen=True, keeps_days=3)
    product_update(actor=owner, product_id=product.pk, fragile=True)
    product.refresh_from_db()
    assert (product.keep_frozen, product.fragile, product.keeps_days) == (True, True, 3)


def test_frozen_goods_must_travel_in_the_cold_chain(product: Product) -> None:
    with pytest.raises(InvalidColdChainError) as refused:
        product_update(
            actor=product.seller.owner,
            product_id=product.pk,
            needs_cold_chain=False,
            keep_frozen=True,
        )
    assert refused.value.field == "keep_frozen"


@pytest.mark.parametrize("days", [0, -1, 366, True, "3"])
def test_keeps_days_out_of_bounds_is_refused(product: Product, days: Any) -> None:
    with pytest.raises(InvalidFieldError) as refused:
        product_update(actor=product.seller.owner, product_id=product.pk, keeps_days=days)
    assert refused.value.field == "keeps_days"


def test_a_variant_carries_its_parcel(product: Product) -> None:
    variant = variant_create(
        actor=product.seller.owner,
        product_id=product.pk,
        sku="PORK-PARCEL",
        name="1 kg",
        unit="kg",
        price="58.00",
        net_weight_g=1000,
        shipping_weight_g=1400,
        length_cm=30,
        width_cm=20,
        height_cm=15,
    )
    assert (variant.shipping_weight_g, variant.length_cm, variant.height_cm) == (1400, 30, 15)
    variant_update(actor=product.seller.owner, variant_id=variant.pk, length_cm=None)
    variant.refresh_from_db()
    assert variant.length_cm is None


@pytest.mark.parametrize(
    ("field", "value"), [("shipping_weight_g", 50_001), ("length_cm", 201), ("width_cm", 0)]
)
def test_a_parcel_out_of_bounds_is_refused(product: Product, field: str, value: int) -> None:
    variant = VariantFactory(product=product)
    with pytest.raises(InvalidFieldError) as refused:
        variant_update(actor=product.seller.owner, variant_id=variant.pk, **{field: value})
    assert refused.value.field == field


def test_the_console_form_saves_the_parcel(client: Client, product: Product) -> None:
    variant: Variant = VariantFactory(product=product)
    client.force_login(product.seller.owner)
    url = f"/console/products/{product.pk}/options/{variant.pk}/"
    page = client.get(url)
    assert 'name="shipping_weight_g"' in page.content.decode()
    answer = client.post(
        url,
        {
            "name": variant.name,
            "unit": variant.unit,
            "price": "12.50",
            "sku": variant.sku,
            "shipping_weight_g": "700",
            "length_cm": "20",
            "width_cm": "10",
            "height_cm": "10",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    variant.refresh_from_db()
    assert (variant.shipping_weight_g, variant.width_cm) == (700, 10)


def test_the_console_form_refuses_a_side_too_long(client: Client, product: Product) -> None:
    variant: Variant = VariantFactory(product=product)
    client.force_login(product.seller.owner)
    answer = client.post(
        f"/console/products/{product.pk}/options/{variant.pk}/",
        {"name": "x", "unit": "jin", "price": "1.00", "sku": variant.sku, "length_cm": "999"},
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors["length_cm"]


def test_the_product_form_shows_handling(client: Client, product: Product) -> None:
    client.force_login(product.seller.owner)
    url = f"/console/products/{product.pk}/edit/"
    html = client.get(url).content.decode()
    for name in ("keep_frozen", "keeps_days", "fragile"):
        assert f'name="{name}"' in html


def test_the_api_shows_and_changes_handling(
    client: Client, product: Product, bearer: Callable[[User], dict[str, str]]
) -> None:
    variant: Variant = VariantFactory(product=product, shipping_weight_g=900)
    headers = bearer(product.seller.owner)
    answer = client.patch(
        f"{API}/products/{product.pk}",
        {"keeps_days": 4, "fragile": True},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["keeps_days"], body["fragile"], body["keep_frozen"]) == (4, True, False)
    assert body["variants"][0]["shipping_weight_g"] == 900
    refused = client.patch(
        f"{API}/variants/{variant.pk}",
        {"height_cm": 500},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422
