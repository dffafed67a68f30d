"""The marketplace in a real browser at phone size: a buyer finds honey by typing `fm` and
sees its brand and certificate; `laran`, `lr` and `蜡染` find batik (also with JavaScript
off); a seller lists a product with an option through the console and sends it for review."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import path
from django.views.static import serve
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone
from tests.storefront.market import HONEY_CERTIFICATE, Market, market_build
from xiangcun.catalog import services as catalog
from xiangcun.catalog.models import Product
from xiangcun.urls import urlpatterns as site_urlpatterns

from .conftest import PASSWORD

# The site's URLs plus uploaded photos (Django serves /media/ only with DEBUG on; production
# serves it from nginx), so the product page shows its photo as a phone would.
urlpatterns = [
    *site_urlpatterns,
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def market(transactional_db: Any, settings: Any, tmp_path: Path) -> Market:
    settings.MEDIA_ROOT = tmp_path
    urlpatterns[-1] = path("media/<path:path>", serve, {"document_root": tmp_path})
    built = market_build()
    catalog.product_photo_add(
        actor=built.farmer, product_id=built.honey.pk, image=honey_photo(), alt="一罐土蜂蜜"
    )
    return built


def honey_photo() -> io.BytesIO:
    image = Image.new("RGB", (960, 720), (246, 196, 72))
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 160, 660, 600), fill=(196, 120, 20))
    draw.rectangle((360, 100, 600, 180), fill=(120, 70, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    buffer.name = "honey.jpg"
    return buffer


def search_from_the_box(page: Any, words: str) -> None:
    box = page.locator('main form[role="search"] input[name="q"]').first
    box.fill(words)
    box.press("Enter")


def card(page: Any, name: str) -> Any:
    return page.locator(".card-name", has_text=name)


def test_buyer_types_fm_finds_honey_and_sees_its_brand_and_certificate(
    live_server: Any, phone_page: Any, market: Market
) -> None:
    page = phone_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/shop/")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "marketplace-shop-360.png", full_page=True)
    page.goto(f"{live_server.url}/")
    search_from_the_box(page, "fm")
    expect(page).to_have_url(f"{live_server.url}/shop/search/?q=fm")
    expect(card(page, "丹寨土蜂蜜")).to_be_visible()
    expect(page.locator(".card-name")).to_have_count(1)
    # The card's photo is the 240 px copy, sized before it loads.
    photo = page.locator(".card-photo").first
    assert photo.get_attribute("width") == "240"
    assert photo.get_attribute("loading") == "lazy"
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "marketplace-search-360.png", full_page=True)

    card(page, "丹寨土蜂蜜").click()
    expect(page.locator("h1.product-name")).to_have_text("丹寨土蜂蜜")
    expect(page.locator(".brand-link")).to_have_text("丹寨蜂蜜")
    expect(page.locator(".product-badges .badge").first).to_be_visible()
    expect(page.locator(".certificate")).to_contain_text(HONEY_CERTIFICATE)
    expect(page.locator(".certificate")).to_contain_text("贵州省扶贫开发办公室")
    expect(page.locator(".option-price").first).to_contain_text("¥68.00")
    expect(page.locator(".seller-link")).to_have_text("王家蜂场")
    gallery = page.locator(".gallery-photo").first
    expect(gallery).to_be_visible()
    # The photo is the 720 px copy. The assertion retries while the image is still loading;
    # it reads the property without evaluating a string, which the page's CSP (no unsafe-eval)
    # would refuse (`wait_for_function` with an expression polls through eval).
    expect(gallery).to_have_js_property("naturalWidth", 720)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "marketplace-product-360.png", full_page=True)
    page.screenshot(path=SCREENSHOT_DIR / "marketplace-product-360-top.png")

    page.locator(".brand-link").click()
    expect(page.locator("main h1")).to_have_text("丹寨蜂蜜")
    expect(card(page, "丹寨土蜂蜜")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_laran_lr_and_chinese_find_batik(
    live_server: Any, browser: Any, market: Market, javascript: bool
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/shop/search/")
    if javascript:
        page.locator(".filters summary").click()
        page.screenshot(path=SCREENSHOT_DIR / "marketplace-filters-360.png", full_page=True)
    for words in ("laran", "lr", "蜡染"):
        search_from_the_box(page, words)
        expect(card(page, "苗族蜡染围巾")).to_be_visible()
        expect(card(page, "丹寨土蜂蜜")).to_have_count(0)
        expect(page.locator('main input[name="q"]').first).to_have_value(words)
    fits_the_phone(page)
    context.close()


def test_seller_lists_a_product_with_an_option_and_sends_it_for_review(
    live_server: Any, phone_page: Any, market: Market
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="phone"]').fill(market.farmer.phone)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page.locator(".account-bar")).to_be_visible()

    page.locator('.site-nav [data-nav="shop"]').click()
    expect(page).to_have_url(f"{live_server.url}/console/")
    page.locator('a[href="/console/products/new/"]').first.click()

    page.locator('input[name="name"]').fill("高山绿茶")
    page.locator('select[name="category"]').select_option(str(market.farm.pk))
    page.locator('select[name="origin_village"]').select_option(str(market.village.pk))
    page.locator('textarea[name="description"]').fill("明前采摘的高山绿茶。")
    page.locator("main form button[type=submit]").click()

    # The option form: the price box asks for the number keyboard with a point.
    price = page.locator('input[name="price"]')
    expect(price).to_have_attribute("inputmode", "decimal")
    page.locator('input[name="name"]').fill("250克装")
    page.locator('select[name="unit"]').select_option("box")
    price.fill("45.5O")  # a typo: letter O for zero
    page.locator('input[name="sku"]').fill("TEA-250")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".field--error")).to_have_count(1)
    expect(page.locator('input[name="sku"]')).to_have_value("TEA-250")
    expect(page.locator('input[name="name"]')).to_have_value("250克装")
    page.locator('input[name="price"]').fill("45.50")
    page.locator("main form button[type=submit]").click()

    expect(page.locator("main h1")).to_have_text("高山绿茶")
    expect(page.locator(".cells")).to_contain_text("¥45.50")
    page.screenshot(path=SCREENSHOT_DIR / "marketplace-console-product-360.png", full_page=True)
    page.locator('form[action$="/submit/"] button').click()
    expect(page.locator(".status--in_review")).to_be_visible()
    product = Product.objects.get(name="高山绿茶")
    assert product.status == Product.Status.IN_REVIEW
    assert product.seller_id == market.honey_shop.pk
    assert [(v.sku, str(v.price)) for v in product.variants.all()] == [("TEA-250", "45.50")]
    fits_the_phone(page)
