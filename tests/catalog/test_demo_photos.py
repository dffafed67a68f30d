"""The demo's drawn product pictures: one small, distinct WebP per demo product, loaded through
the seller's photo pipeline once, never over a photo the product already has."""

import hashlib
import io

from django.test import Client
from PIL import Image

from tests.catalog.conftest import image_bytes
from xiangcun.catalog import demo_data, services
from xiangcun.catalog.models import Product, ProductPhoto
from xiangcun.catalog.services.demo_load import DEMO_PHOTOS
from xiangcun.sellers.models import Seller


def test_every_demo_product_has_its_own_small_webp_picture() -> None:
    digests = set()
    for data in demo_data.PRODUCTS:
        path = DEMO_PHOTOS / f"{data.variants[0].sku.lower()}.webp"
        content = path.read_bytes()
        with Image.open(io.BytesIO(content)) as picture:
            assert (picture.format, picture.size) == ("WEBP", (400, 400)), path.name
        assert len(content) <= 12 * 1024, path.name
        digests.add(hashlib.sha256(content).hexdigest())
    assert len(digests) == len(demo_data.PRODUCTS)
    assert (DEMO_PHOTOS / "README.md").read_text().count("AGPL-3.0-or-later") == 1


def test_demo_pictures_go_through_the_photo_pipeline_once(
    demo_catalogue: dict[str, Seller], client: Client
) -> None:
    honey = Product.objects.get(variants__sku="DZ-HONEY-500")
    owner = Seller.objects.get(pk=honey.seller_id).owner
    services.product_photo_add(actor=owner, product_id=honey.pk, image=io.BytesIO(image_bytes()))

    added = services.catalog_demo_photos_load()
    again = services.catalog_demo_photos_load()

    assert added == len(demo_data.PRODUCTS) - 1  # the honey keeps its seller's photo only
    assert again == 0
    assert ProductPhoto.objects.filter(product=honey).count() == 1
    rice = ProductPhoto.objects.get(product__variants__sku="DZ-RICE-SZ-1J")
    assert rice.image.name.endswith(".webp")
    assert (rice.width, rice.height) == (400, 400)
    with rice.thumbnail.open("rb") as thumbnail, Image.open(thumbnail) as small:
        assert (small.format, small.size) == ("JPEG", (240, 240))
    page = client.get(f"/shop/p/{rice.product_id}/").content.decode()
    assert rice.medium.url in page
