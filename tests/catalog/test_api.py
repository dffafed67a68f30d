"""Catalog API: response shapes, errors with codes (never a 500), and object permissions."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.catalog.conftest import Committed, image_bytes
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Category, Product
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalog"
Bearer = Callable[[User], dict[str, str]]


@pytest.fixture
def api() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {f"HTTP_{key.upper()}": value for key, value in headers.items()}


def test_search_answers_items_count_and_pages(
    api: Client, demo_catalogue: dict[str, Seller]
) -> None:
    body = api.get(f"{BASE}/products", {"q": "fm"}).json()
    assert set(body) == {
        "items",
        "count",
        "count_capped",
        "count_text",
        "relaxed",
        "searched",
        "notice",
        "page",
        "pages",
    }
    assert body["count"] >= 3
    honey = body["items"][0]
    assert honey["category"]["slug"] == "honey"
    assert {"id", "name", "name_en", "brand", "seller", "price", "variants", "photo", "certified",
            "origin_village"} <= set(honey)  # fmt: skip
    assert honey["brand"]["slug"] == "miaoling-honey"
    assert honey["certified"] is True
    assert honey["origin_village"]["township_code"] == "522636200"
    assert isinstance(honey["price"], str)
    variant = honey["variants"][0]
    assert set(variant) >= {"id", "sku", "unit", "price", "available"}
    assert variant["unit"] == "jar"


def test_search_filters_through_the_api(api: Client, demo_catalogue: dict[str, Seller]) -> None:
    body = api.get(
        f"{BASE}/products", {"category": "farm", "certified": "true", "sort": "price"}
    ).json()
    prices = [float(item["price"]) for item in body["items"]]
    assert prices == sorted(prices)
    assert all(item["certified"] for item in body["items"])
    batik = api.get(f"{BASE}/products", {"q": "蜡染", "township": "522636102"}).json()
    assert batik["count"] == 3


@pytest.mark.parametrize(
    "params",
    [{"sort": "cheapest"}, {"page": "0"}, {"price_min": "-1"}, {"price_max": "abc"},
     {"direction": "sideways"}, {"page": "x"}],
)  # fmt: skip
def test_bad_search_input_is_422_with_a_code(api: Client, params: dict[str, str]) -> None:
    response = api.get(f"{BASE}/products", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_reversed_price_range_is_400(api: Client, db: None) -> None:
    response = api.get(f"{BASE}/products", {"price_min": "50", "price_max": "10"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_price_range"


def test_product_detail_and_not_found(api: Client, demo_catalogue: dict[str, Seller]) -> None:
    product = Product.objects.get(name="丹寨硒锌大米")
    body = api.get(f"{BASE}/products/{product.pk}").json()
    assert body["brand"]["name"] == "丹寨硒米"
    assert body["certifications"][0]["kind"] == "poverty_alleviation"
    assert len(body["variants"]) == 3
    missing = api.get(f"{BASE}/products/999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "product_not_found"


def test_unlisted_product_only_for_its_shop(
    api: Client, make_product: Callable[..., Product], bearer: Bearer, other_shop: Seller
) -> None:
    product = make_product()
    assert api.get(f"{BASE}/products/{product.pk}").status_code == 404
    other = api.get(f"{BASE}/products/{product.pk}", **_headers(bearer(other_shop.owner)))
    assert other.status_code == 404
    own = api.get(f"{BASE}/products/{product.pk}", **_headers(bearer(product.seller.owner)))
    assert own.status_code == 200
    assert own.json()["status"] == "draft"


def test_brands_and_categories(api: Client, demo_catalogue: dict[str, Seller]) -> None:
    brands = api.get(f"{BASE}/brands").json()
    assert brands["count"] == 5
    rice = api.get(f"{BASE}/brands/danzhai-selenium-rice").json()
    assert rice["certified"] is True
    assert rice["products_count"] == 3
    assert rice["sellers_count"] == 1
    assert {item["name"] for item in rice["products"]} >= {"丹寨硒锌大米"}
    assert api.get(f"{BASE}/brands/nope").json()["code"] == "brand_not_found"
    tree = api.get(f"{BASE}/categories").json()["items"]
    assert [node["slug"] for node in tree] == ["farm", "crafts", "industrial"]
    assert "honey" in [child["slug"] for child in tree[0]["children"]]


def _create(api: Client, headers: dict[str, str], **payload: Any) -> Any:
    return api.post(
        f"{BASE}/products", payload, content_type="application/json", **_headers(headers)
    )


def test_seller_creates_prices_submits_through_the_api(
    api: Client, shop: Seller, honey_category: Category, bearer: Bearer, committed: Committed
) -> None:
    auth = bearer(shop.owner)
    created = _create(api, auth, seller_id=shop.pk, category_id=honey_category.pk, name="土蜂蜜")
    assert created.status_code == 201, created.json()
    product_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    variant = api.post(
        f"{BASE}/products/{product_id}/variants",
        {"sku": "API-1", "name": "500克", "unit": "jar", "price": "88.5"},
        content_type="application/json",
        **_headers(auth),
    )
    assert variant.status_code == 201, variant.json()
    assert variant.json()["price"] == "88.50"
    changed = api.patch(
        f"{BASE}/variants/{variant.json()['id']}",
        {"price": 79},
        content_type="application/json",
        **_headers(auth),
    )
    assert changed.json()["price"] == "79.00"
    # Without a SKU the API makes one, as the console does.
    unnamed = api.post(
        f"{BASE}/products/{product_id}/variants",
        {"name": "1千克", "unit": "jar", "price": "150"},
        content_type="application/json",
        **_headers(auth),
    )
    assert unnamed.status_code == 201, unnamed.json()
    assert unnamed.json()["sku"] == f"XC{product_id}-2"
    submitted = api.post(f"{BASE}/products/{product_id}/submit", **_headers(auth))
    assert submitted.json()["status"] == "in_review"


@pytest.mark.parametrize("price", ["-5", "0", "abc", "1.234", None])
def test_bad_variant_price_is_422(
    api: Client, make_product: Callable[..., Product], bearer: Bearer, price: Any
) -> None:
    product = make_product()
    response = api.post(
        f"{BASE}/products/{product.pk}/variants",
        {"sku": "API-2", "name": "x", "unit": "jar", "price": price},
        content_type="application/json",
        **_headers(bearer(product.seller.owner)),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_another_seller_gets_403_on_every_write(
    api: Client, make_product: Callable[..., Product], bearer: Bearer, other_shop: Seller
) -> None:
    product = make_product()
    variant = product.variants.get()
    auth = _headers(bearer(other_shop.owner))
    responses = [
        api.patch(f"{BASE}/products/{product.pk}", {"name": "偷改"},
                  content_type="application/json", **auth),
        api.patch(f"{BASE}/variants/{variant.pk}", {"price": "1.00"},
                  content_type="application/json", **auth),
        api.post(f"{BASE}/products/{product.pk}/variants",
                 {"sku": "X-9", "name": "x", "unit": "jar", "price": "1.00"},
                 content_type="application/json", **auth),
        api.post(f"{BASE}/products/{product.pk}/submit", **auth),
        api.post(f"{BASE}/products/{product.pk}/photos",
                 {"image": _upload(image_bytes())}, **auth),
    ]  # fmt: skip
    for response in responses:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    product.refresh_from_db()
    assert product.name == "土蜂蜜"
    assert product.variants.count() == 1


def test_creating_for_another_shop_is_403(
    api: Client, shop: Seller, other_shop: Seller, honey_category: Category, bearer: Bearer
) -> None:
    response = _create(
        api, bearer(shop.owner), seller_id=other_shop.pk, category_id=honey_category.pk, name="x"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_writes_need_a_token(api: Client, make_product: Callable[..., Product]) -> None:
    product = make_product()
    response = api.post(f"{BASE}/products/{product.pk}/submit")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_category_is_404_with_a_code(api: Client, shop: Seller, bearer: Bearer) -> None:
    response = _create(api, bearer(shop.owner), seller_id=shop.pk, category_id=9999, name="x")
    assert response.status_code == 404
    assert response.json()["code"] == "category_not_found"


def _upload(data: bytes, name: str = "photo.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, "image/png")


def test_photo_upload(api: Client, make_product: Callable[..., Product], bearer: Bearer) -> None:
    product = make_product()
    auth = _headers(bearer(product.seller.owner))
    response = api.post(
        f"{BASE}/products/{product.pk}/photos",
        {"image": _upload(image_bytes()), "alt": "蜂蜜"},
        **auth,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["thumbnail"].endswith("-240.jpg")
    assert body["medium"].endswith("-720.jpg")
    bad = api.post(
        f"{BASE}/products/{product.pk}/photos", {"image": _upload(b"not an image")}, **auth
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_image"


def test_search_endpoint_costs_a_fixed_number_of_queries(
    api: Client,
    demo_catalogue: dict[str, Seller],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    with django_assert_max_num_queries(8):
        body = api.get(f"{BASE}/products", {"page_size": 20}).json()
    assert len(body["items"]) == 20
