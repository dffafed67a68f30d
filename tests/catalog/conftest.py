"""Fixtures for the catalog tests: shops, staff, the Danzhai demo catalogue and a commit helper.

The services update the search index in `transaction.on_commit`, which never fires inside a
test's transaction; `committed` runs those callbacks as a real commit would.
"""

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.accounts.factories import UserFactory, user_with_permissions
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.catalog import services
from xiangcun.catalog.models import Category, Product, Variant
from xiangcun.regions.services import danzhai_demo_load
from xiangcun.sellers.models import Seller
from xiangcun.sellers.services import sellers_demo_load

Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    def run() -> AbstractContextManager[Any]:
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def admin(db: None) -> User:
    user: User = UserFactory(admin=True)
    return user


@pytest.fixture
def reviewer(db: None) -> User:
    """Staff who may approve products."""
    return user_with_permissions("review_product")


@pytest.fixture
def shop(db: None) -> Seller:
    return SellerFactory(name="高要村农户")


@pytest.fixture
def other_shop(db: None) -> Seller:
    return SellerFactory(name="别家店铺")


@pytest.fixture
def honey_category(admin: User) -> Category:
    farm = services.category_create(
        actor=admin, slug="farm", name="农产品", name_en="Farm produce", direction="up"
    )
    return services.category_create(
        actor=admin, slug="honey", name="蜂蜜", name_en="Honey", parent_id=farm.pk
    )


@pytest.fixture
def make_product(shop: Seller, honey_category: Category) -> Callable[..., Product]:
    """A product with one variant, in draft unless `listed=True` (submitted and approved)."""

    def make(
        *,
        name: str = "土蜂蜜",
        price: str = "88.00",
        sku: str | None = None,
        listed: bool = False,
        seller: Seller | None = None,
        reviewer: User | None = None,
        **fields: Any,
    ) -> Product:
        owner = (seller or shop).owner
        product = services.product_create(
            actor=owner,
            seller_id=(seller or shop).pk,
            category_id=fields.pop("category_id", honey_category.pk),
            name=name,
            **fields,
        )
        services.variant_create(
            actor=owner,
            product_id=product.pk,
            sku=sku or f"SKU-{product.pk}",
            name="500克",
            unit="jar",
            price=price,
        )
        if listed:
            services.product_submit(actor=owner, product_id=product.pk)
            staff = reviewer or UserFactory(admin=True)
            services.product_review(reviewer=staff, product_id=product.pk, approve=True)
        product.refresh_from_db()
        return product

    return make


@pytest.fixture
def demo_catalogue(db: None, committed: Committed) -> dict[str, Seller]:
    """The Danzhai demo: regions, demo shops, categories, brands and about 28 products."""
    danzhai_demo_load()
    with committed():
        sellers = sellers_demo_load()
        services.catalog_demo_load(sellers=sellers)
    return sellers


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (1200, 800), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (26.0, 12.0, 0.0)}  # GPS latitude: where the farmer lives
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture
def variant_of() -> Callable[[Product], Variant]:
    def first(product: Product) -> Variant:
        variant = product.variants.order_by("id").first()
        assert variant is not None
        return variant

    return first
