"""Catalog services: who may change what, the review status machine, prices and photos."""

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.catalog.conftest import image_bytes
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.catalog import errors, services
from xiangcun.catalog.models import Category, Product, Variant
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def test_product_starts_in_draft_and_takes_the_category_direction(
    shop: Seller, honey_category: Category
) -> None:
    product = services.product_create(
        actor=shop.owner, seller_id=shop.pk, category_id=honey_category.pk, name="  土蜂蜜  "
    )
    assert product.status == Product.Status.DRAFT
    assert product.direction == "up"
    assert product.name == "土蜂蜜"


def test_seller_cannot_create_a_product_for_another_shop(
    shop: Seller, other_shop: Seller, honey_category: Category
) -> None:
    with pytest.raises(errors.ProductPermissionDeniedError) as caught:
        services.product_create(
            actor=shop.owner, seller_id=other_shop.pk, category_id=honey_category.pk, name="x"
        )
    assert caught.value.code == "permission_denied"


def test_seller_cannot_change_another_shops_product(
    make_product: Callable[..., Product], other_shop: Seller
) -> None:
    product = make_product()
    with pytest.raises(errors.ProductPermissionDeniedError):
        services.product_update(actor=other_shop.owner, product_id=product.pk, name="偷改")
    with pytest.raises(errors.ProductPermissionDeniedError):
        services.variant_update(
            actor=other_shop.owner, variant_id=product.variants.get().pk, price="1.00"
        )
    product.refresh_from_db()
    assert product.name == "土蜂蜜"
    assert product.variants.get().price == Decimal("88.00")


def test_agent_acts_for_a_local_farmer_but_not_for_an_outside_maker(
    agent: User, shop: Seller, honey_category: Category
) -> None:
    product = services.product_create(
        actor=agent, seller_id=shop.pk, category_id=honey_category.pk, name="代农户上架的蜂蜜"
    )
    assert product.seller_id == shop.pk
    outside = SellerFactory(outside=True)
    with pytest.raises(errors.ProductPermissionDeniedError):
        services.product_create(
            actor=agent, seller_id=outside.pk, category_id=honey_category.pk, name="化肥"
        )


def test_submit_needs_an_active_variant(shop: Seller, honey_category: Category) -> None:
    product = services.product_create(
        actor=shop.owner, seller_id=shop.pk, category_id=honey_category.pk, name="蜂蜜"
    )
    with pytest.raises(errors.ProductHasNoActiveVariantError):
        services.product_submit(actor=shop.owner, product_id=product.pk)


def test_review_lists_and_listed_edits_stay_listed(
    make_product: Callable[..., Product], reviewer: User, shop: Seller
) -> None:
    product = make_product()
    services.product_submit(actor=shop.owner, product_id=product.pk)
    listed = services.product_review(reviewer=reviewer, product_id=product.pk, approve=True)
    assert listed.status == Product.Status.LISTED
    assert listed.listed_at is not None
    edited = services.product_update(actor=shop.owner, product_id=product.pk, name="百花土蜂蜜")
    assert edited.status == Product.Status.LISTED


def test_rejection_needs_a_note_and_an_edit_returns_to_draft(
    make_product: Callable[..., Product], reviewer: User, shop: Seller
) -> None:
    product = make_product()
    services.product_submit(actor=shop.owner, product_id=product.pk)
    with pytest.raises(errors.ReviewNoteRequiredError):
        services.product_review(reviewer=reviewer, product_id=product.pk, approve=False)
    rejected = services.product_review(
        reviewer=reviewer, product_id=product.pk, approve=False, note="照片看不清"
    )
    assert rejected.status == Product.Status.REJECTED
    assert rejected.review_note == "照片看不清"
    again = services.product_update(actor=shop.owner, product_id=product.pk, description="新照片")
    assert again.status == Product.Status.DRAFT


def test_delisted_product_goes_back_to_draft_on_edit(
    make_product: Callable[..., Product], shop: Seller
) -> None:
    product = make_product(listed=True)
    assert services.product_delist(actor=shop.owner, product_id=product.pk).status == "delisted"
    with pytest.raises(errors.InvalidProductStatusError):
        services.product_delist(actor=shop.owner, product_id=product.pk)
    assert services.product_update(actor=shop.owner, product_id=product.pk, name="新").status == (
        Product.Status.DRAFT
    )


def test_only_staff_with_the_permission_review(
    make_product: Callable[..., Product], shop: Seller
) -> None:
    product = make_product()
    services.product_submit(actor=shop.owner, product_id=product.pk)
    with pytest.raises(errors.CatalogStaffOnlyError) as caught:
        services.product_review(reviewer=shop.owner, product_id=product.pk, approve=True)
    assert caught.value.status == 403


def test_a_draft_cannot_be_reviewed(make_product: Callable[..., Product], reviewer: User) -> None:
    product = make_product()
    with pytest.raises(errors.InvalidProductStatusError):
        services.product_review(reviewer=reviewer, product_id=product.pk, approve=True)


def test_unapproved_shop_cannot_be_listed(
    make_product: Callable[..., Product], reviewer: User
) -> None:
    pending = SellerFactory(status=Seller.Status.SUBMITTED)
    product = make_product(seller=pending)
    services.product_submit(actor=pending.owner, product_id=product.pk)
    with pytest.raises(errors.SellerNotApprovedError):
        services.product_review(reviewer=reviewer, product_id=product.pk, approve=True)


@pytest.mark.parametrize("price", ["-1", "0", "1.999", "abc", "NaN", "1e20"])
def test_bad_prices_are_refused(make_product: Callable[..., Product], price: str) -> None:
    product = make_product()
    with pytest.raises(errors.InvalidPriceError):
        services.variant_create(
            actor=product.seller.owner,
            product_id=product.pk,
            sku="X-1",
            name="x",
            unit="jar",
            price=price,
        )


def test_price_keeps_two_places(make_product: Callable[..., Product]) -> None:
    product = make_product()
    variant = services.variant_create(
        actor=product.seller.owner, product_id=product.pk, sku="X-2", name="x", unit="jin",
        price="12.5",
    )  # fmt: skip
    assert variant.price == Decimal("12.50")


def test_sku_is_unique(make_product: Callable[..., Product]) -> None:
    product = make_product(sku="HONEY-1")
    with pytest.raises(errors.DuplicateSkuError):
        services.variant_create(
            actor=product.seller.owner, product_id=product.pk, sku="HONEY-1", name="x",
            unit="jar", price="1.00",
        )  # fmt: skip


def test_last_variant_of_a_listed_product_stays_on_sale(
    make_product: Callable[..., Product], variant_of: Callable[[Product], Variant]
) -> None:
    product = make_product(listed=True)
    with pytest.raises(errors.LastActiveVariantError):
        services.variant_update(
            actor=product.seller.owner, variant_id=variant_of(product).pk, is_active=False
        )


def test_unknown_field_is_refused(make_product: Callable[..., Product]) -> None:
    product = make_product()
    with pytest.raises(errors.InvalidFieldError):
        services.product_update(actor=product.seller.owner, product_id=product.pk, status="listed")


def test_cold_chain_only_for_fresh_food(shop: Seller, honey_category: Category) -> None:
    with pytest.raises(errors.InvalidColdChainError):
        services.product_create(
            actor=shop.owner, seller_id=shop.pk, category_id=honey_category.pk, name="猪肉",
            needs_cold_chain=True,
        )  # fmt: skip


def test_photo_gets_thumbnail_and_medium_copies(make_product: Callable[..., Product]) -> None:
    product = make_product()
    upload = SimpleUploadedFile("honey.png", image_bytes("PNG", (1600, 1200)), "image/png")
    photo = services.product_photo_add(
        actor=product.seller.owner, product_id=product.pk, image=upload, alt="一罐蜂蜜"
    )
    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == 240
    with Image.open(photo.medium.path) as medium:
        assert medium.format == "JPEG"
        assert medium.size == (720, 540)
    with Image.open(photo.image.path) as original:
        assert original.format == "PNG"


def test_photo_loses_its_exif(make_product: Callable[..., Product]) -> None:
    product = make_product()
    upload = SimpleUploadedFile("p.jpg", image_bytes("JPEG", (800, 600), exif=True), "image/jpeg")
    photo = services.product_photo_add(
        actor=product.seller.owner, product_id=product.pk, image=upload
    )
    with Image.open(photo.image.path) as original:
        assert not original.getexif()
        assert "exif" not in original.info


def test_not_an_image_is_refused(make_product: Callable[..., Product]) -> None:
    product = make_product()
    upload = SimpleUploadedFile("x.jpg", b"this is not a photo", "image/jpeg")
    with pytest.raises(errors.InvalidImageError) as caught:
        services.product_photo_add(actor=product.seller.owner, product_id=product.pk, image=upload)
    assert caught.value.code == "invalid_image"
    assert not product.photos.exists()


def test_gif_is_refused(make_product: Callable[..., Product]) -> None:
    product = make_product()
    upload = SimpleUploadedFile("x.gif", image_bytes("GIF", (100, 100)), "image/gif")
    with pytest.raises(errors.InvalidImageError):
        services.product_photo_add(actor=product.seller.owner, product_id=product.pk, image=upload)


def test_huge_image_is_refused(make_product: Callable[..., Product]) -> None:
    product = make_product()
    upload = SimpleUploadedFile("x.png", image_bytes("PNG", (6500, 10)), "image/png")
    with pytest.raises(errors.ImageTooLargeError) as caught:
        services.product_photo_add(actor=product.seller.owner, product_id=product.pk, image=upload)
    assert caught.value.code == "image_too_large"


def test_large_file_is_refused(make_product: Callable[..., Product]) -> None:
    product = make_product()
    big = io.BytesIO(b"\0" * (8 * 1024 * 1024 + 1))
    with pytest.raises(errors.ImageTooLargeError):
        services.product_photo_add(actor=product.seller.owner, product_id=product.pk, image=big)


def test_other_seller_cannot_add_photos(
    make_product: Callable[..., Product], other_shop: Seller
) -> None:
    product = make_product()
    upload = SimpleUploadedFile("honey.png", image_bytes(), "image/png")
    with pytest.raises(errors.ProductPermissionDeniedError):
        services.product_photo_add(actor=other_shop.owner, product_id=product.pk, image=upload)


def test_certification_needs_staff(shop: Seller, admin: User) -> None:
    brand = services.brand_create(
        actor=admin, kind="regional", slug="danzhai-rice", name="丹寨硒米"
    )
    with pytest.raises(errors.CatalogStaffOnlyError):
        services.certification_add(
            actor=shop.owner, kind="poverty_alleviation", certificate_number="FP-1",
            issuer="县扶贫办", valid_from=brand.created_at.date(), brand_id=brand.pk,
        )  # fmt: skip
    cert = services.certification_add(
        actor=admin, kind="poverty_alleviation", certificate_number="FP-1", issuer="县扶贫办",
        valid_from=brand.created_at.date(), brand_id=brand.pk,
    )  # fmt: skip
    assert cert.brand_id == brand.pk


def test_demo_load_is_idempotent(demo_catalogue: dict[str, Seller]) -> None:
    products = Product.objects.count()
    result = services.catalog_demo_load(sellers=demo_catalogue)
    assert result.created == 0
    assert result.updated == products
    assert Product.objects.count() == products >= 25
    assert not Product.objects.exclude(status=Product.Status.LISTED).exists()


def test_demo_generate_makes_listed_searchable_products(
    demo_catalogue: dict[str, Seller],
) -> None:
    before = Product.objects.count()
    steps: list[int] = []
    assert services.catalog_demo_generate(count=120, progress=steps.append) == 120
    assert sum(steps) == 120
    assert Product.objects.filter(status="listed").count() == before + 120
    assert Variant.objects.filter(sku__startswith="GEN-").count() >= 120


def test_an_option_without_a_sku_gets_one_made_from_its_numbers(
    make_product: Callable[..., Product],
) -> None:
    product = make_product()  # one option already, with the seller's own code
    owner = product.seller.owner
    made = services.variant_create(
        actor=owner, product_id=product.pk, name="两斤装", unit="jin", price="20"
    )
    assert made.sku == f"XC{product.pk}-2"
    # A code the seller typed that looks like the next one is stepped over.
    services.variant_create(
        actor=owner, product_id=product.pk, sku=f"XC{product.pk}-4", name="三斤装", unit="jin",
        price="30",
    )  # fmt: skip
    blank = services.variant_create(
        actor=owner, product_id=product.pk, name="四斤装", unit="jin", price="40", sku="  "
    )
    assert blank.sku == f"XC{product.pk}-5"
    assert list(product.variants.values_list("position", flat=True)) == [0, 1, 2, 3]
