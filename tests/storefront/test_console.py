"""The seller console: my products, create and edit products and options, photos, submit for
review; agents acting for farmers; a seller never reaches another shop's products; stock;
the staff review queues; and the "open a shop" application."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.accounts.factories import UserFactory
from tests.storefront.market import Market, agent_make
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog import services as catalog
from xiangcun.catalog.models import Product
from xiangcun.catalog.selectors import product_get
from xiangcun.inventory.selectors import available_by_variant
from xiangcun.sellers.models import Seller
from xiangcun.sellers.selectors import sellers_list

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def product_form(market: Market, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "高山绿茶",
        "name_en": "Mountain green tea",
        "category": str(market.farm.pk),
        "brand": "",
        "description": "明前采摘。",
        "description_en": "",
        "origin_village": str(market.village.pk),
        "shelf_life_days": "365",
    }
    data.update(changes)
    return data


def variant_form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "250克装",
        "unit": "box",
        "price": "45.50",
        "sku": "TEA-250",
        "net_weight_g": "250",
    }
    data.update(changes)
    return data


def draft(market: Market) -> Product:
    return catalog.product_create(
        actor=market.farmer, seller_id=market.honey_shop.pk, category_id=market.farm.pk, name="新蜜"
    )


# --- my products -------------------------------------------------------------------------------


def test_console_needs_a_login(client: Client) -> None:
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_seller_sees_their_products_with_status(client: Client, market: Market) -> None:
    pending = draft(market)
    client.force_login(market.farmer)
    html = client.get(reverse("console:home"), **EN).content.decode()
    assert "王家蜂场" in html
    assert "Danzhai wild honey" in html
    assert "Listed" in html
    assert pending.name in html
    assert "Draft" in html
    assert "Miao batik scarf" not in html  # another shop's product


def test_person_without_a_shop_is_told_how_to_open_one(client: Client, db: None) -> None:
    client.force_login(UserFactory())
    html = client.get(reverse("console:home"), **EN).content.decode()
    assert "You have no shop yet" in html
    assert reverse("sellers:apply") in html


def test_seller_creates_a_product_adds_an_option_and_a_photo_and_submits_it(
    client: Client, market: Market, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(market.farmer)
    response = client.post(reverse("console:product_create"), product_form(market))
    assert response.status_code == 302
    product = Product.objects.get(name="高山绿茶")
    assert product.seller_id == market.honey_shop.pk
    assert product.origin_village_id == market.village.pk
    assert product.shelf_life_days == 365
    assert response["Location"] == reverse(
        "console:variant_create", kwargs={"product_id": product.pk}
    )

    response = client.post(response["Location"], variant_form())
    assert response.status_code == 302
    variant = product.variants.get()
    assert (variant.sku, variant.unit, str(variant.price)) == ("TEA-250", "box", "45.50")
    # A second option with the code left empty: one is made, and editing it keeps it.
    url = reverse("console:variant_create", kwargs={"product_id": product.pk})
    assert client.post(url, variant_form(name="500克装", sku="")).status_code == 302
    second = product.variants.get(name="500克装")
    assert second.sku == f"XC{product.pk}-2"
    url = reverse(
        "console:variant_edit", kwargs={"product_id": product.pk, "variant_id": second.pk}
    )
    assert client.post(url, variant_form(name="500克装", sku="", price="80")).status_code == 302
    second.refresh_from_db()
    assert (second.sku, str(second.price)) == (f"XC{product.pk}-2", "80.00")
    second.delete()

    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (20, 120, 40)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("tea.jpg", buffer.getvalue(), content_type="image/jpeg")
    url = reverse("console:photo_add", kwargs={"product_id": product.pk})
    assert client.post(url, {"image": upload, "alt": "茶叶"}).status_code == 302
    assert product.photos.count() == 1

    url = reverse("console:product_submit", kwargs={"product_id": product.pk})
    assert client.post(url).status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.IN_REVIEW


def test_submitting_without_an_option_says_why(client: Client, market: Market) -> None:
    product = draft(market)
    client.force_login(market.farmer)
    url = reverse("console:product_submit", kwargs={"product_id": product.pk})
    response = client.post(url, follow=True, **EN)
    assert "Add at least one option with a price" in response.content.decode()
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT


def test_uploading_something_that_is_not_a_photo_is_refused_in_plain_words(
    client: Client, market: Market, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(market.farmer)
    upload = SimpleUploadedFile("notes.txt", b"not a photo", content_type="text/plain")
    url = reverse("console:photo_add", kwargs={"product_id": market.honey.pk})
    response = client.post(url, {"image": upload, "alt": "说明"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload a JPEG, PNG or WebP photo." in html
    assert re.search(r'name="alt"[^>]*value="说明"', html)


def test_seller_edits_their_own_product(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    url = reverse("console:product_edit", kwargs={"product_id": market.honey.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, product_form(market, name="丹寨野生土蜂蜜", brand=str(market.brand.pk))
    )
    assert response.status_code == 302
    market.honey.refresh_from_db()
    assert market.honey.name == "丹寨野生土蜂蜜"


def test_product_edit_form_starts_with_the_saved_values(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    url = reverse("console:product_edit", kwargs={"product_id": market.honey.pk})
    html = client.get(url).content.decode()
    assert re.search(r'name="name"[^>]*value="丹寨土蜂蜜"', html)
    assert re.search(rf'<option value="{market.brand.pk}" selected>', html)


# --- another shop's products --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["console:product", "console:product_edit", "console:variant_create", "console:photo_add"],
)
def test_seller_cannot_open_another_sellers_product_in_the_console(
    client: Client, market: Market, url_name: str
) -> None:
    client.force_login(market.maker)  # the batik maker
    url = reverse(url_name, kwargs={"product_id": market.honey.pk})
    assert client.get(url).status_code == 403


def test_seller_cannot_change_another_sellers_product(client: Client, market: Market) -> None:
    client.force_login(market.maker)
    variant = market.honey.variants.get()
    posts = [
        (
            reverse("console:product_edit", kwargs={"product_id": market.honey.pk}),
            product_form(market, name="被改了"),
        ),
        (reverse("console:variant_create", kwargs={"product_id": market.honey.pk}), variant_form()),
        (
            reverse(
                "console:variant_edit",
                kwargs={"product_id": market.honey.pk, "variant_id": variant.pk},
            ),
            variant_form(sku=variant.sku, price="0.01"),
        ),
        (reverse("console:product_delist", kwargs={"product_id": market.honey.pk}), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    market.honey.refresh_from_db()
    variant.refresh_from_db()
    assert market.honey.name == "丹寨土蜂蜜"
    assert market.honey.status == Product.Status.LISTED
    assert str(variant.price) == "68.00"
    assert market.honey.variants.count() == 1


def test_another_sellers_draft_is_not_even_shown(client: Client, market: Market) -> None:
    product = draft(market)
    client.force_login(market.maker)
    url = reverse("console:product_edit", kwargs={"product_id": product.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, product_form(market)).status_code == 404
    product.refresh_from_db()
    assert product.name == "新蜜"


# --- forms keep what was typed -----------------------------------------------------------------


def test_failed_option_form_keeps_what_was_typed_and_explains_next_to_the_field(
    client: Client, market: Market
) -> None:
    client.force_login(market.farmer)
    url = reverse("console:variant_create", kwargs={"product_id": market.honey.pk})
    response = client.post(url, variant_form(price="十二块", name="两罐装", sku="HONEY-2"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    price_field = re.search(r'<div class="field field--error">.*?</div>', html, re.S)
    assert price_field
    assert "Enter the price in yuan, like 12.50." in price_field.group(0)
    assert 'name="price"' in price_field.group(0)
    assert re.search(r'name="price"[^>]*value="十二块"', html)
    assert re.search(r'name="name"[^>]*value="两罐装"', html)
    assert re.search(r'name="sku"[^>]*value="HONEY-2"', html)
    assert re.search(r'<option value="box" selected>', html)
    assert re.search(
        r'name="price"[^>]*inputmode="decimal"|inputmode="decimal"[^>]*name="price"', html
    )


def test_duplicate_sku_from_the_service_is_shown_next_to_the_sku(
    client: Client, market: Market
) -> None:
    client.force_login(market.farmer)
    taken = market.batik.variants.get().sku
    url = reverse("console:variant_create", kwargs={"product_id": market.honey.pk})
    html = client.post(url, variant_form(sku=taken), **EN).content.decode()
    assert "Another product option already uses this SKU." in html
    assert re.search(rf'name="sku"[^>]*value="{taken}"', html)
    assert re.search(r'name="price"[^>]*value="45.50"', html)


def test_failed_product_form_keeps_what_was_typed(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    data = product_form(market, category="", description="春天的第一批茶", shelf_life_days="一年")
    html = client.post(reverse("console:product_create"), data, **EN).content.decode()
    assert "Choose a category." in html
    assert "Enter a whole number of days, like 30." in html
    assert re.search(r'name="name"[^>]*value="高山绿茶"', html)
    assert "春天的第一批茶</textarea>" in html
    assert re.search(r'name="shelf_life_days"[^>]*inputmode="numeric"', html)
    assert not Product.objects.filter(name="高山绿茶").exists()


def test_cold_chain_rule_from_the_service_is_shown_next_to_its_box(
    client: Client, market: Market
) -> None:
    client.force_login(market.farmer)
    data = product_form(market, needs_cold_chain="on")
    html = client.post(reverse("console:product_create"), data, **EN).content.decode()
    assert "Only fresh food can need the cold chain." in html
    assert re.search(r'name="needs_cold_chain"[^>]*checked', html)


# --- agents ------------------------------------------------------------------------------------


def test_agent_picks_a_farmer_and_lists_a_product_for_them(client: Client, market: Market) -> None:
    agent = agent_make()
    client.force_login(agent)
    html = client.get(reverse("console:home"), **EN).content.decode()
    assert "Which farmer are you helping?" in html
    assert "王家蜂场" in html
    assert "排调蜡染坊" in html
    assert "义乌农资" not in html  # agents act for local producers only

    html = client.get(
        reverse("console:home"), {"seller": market.honey_shop.pk}, **EN
    ).content.decode()
    assert "Danzhai wild honey" in html
    response = client.post(reverse("console:product_create"), product_form(market))
    assert response.status_code == 302
    assert Product.objects.get(name="高山绿茶").seller_id == market.honey_shop.pk


def test_agent_cannot_choose_a_maker_from_outside_the_county(
    client: Client, market: Market
) -> None:
    client.force_login(agent_make())
    html = client.get(
        reverse("console:home"), {"seller": market.outside_shop.pk}, **EN
    ).content.decode()
    assert "Which farmer are you helping?" in html
    url = reverse("console:product_edit", kwargs={"product_id": market.fertiliser.pk})
    assert client.get(url).status_code == 403


def test_agents_workspace_links_to_the_console(client: Client, db: None) -> None:
    client.force_login(agent_make())
    html = client.get(reverse("web:workspace", kwargs={"role": "agent"}), **EN).content.decode()
    assert "Help a farmer list products" in html
    assert f'href="{reverse("console:home")}"' in html


# --- stock -------------------------------------------------------------------------------------


def test_stock_page_shows_on_hand_held_and_available(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    html = client.get(reverse("inventory:stock"), **EN).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?Danzhai wild honey.*?</tr>", html, re.S)
    assert row
    assert re.findall(r'<td class="num[^"]*">(?:<strong>)?(\d+)', row.group(0)) == ["25", "0", "25"]


def test_seller_receives_and_counts_stock(client: Client, market: Market) -> None:
    variant = market.honey.variants.get()
    client.force_login(market.farmer)
    url = reverse("inventory:stock_variant", kwargs={"variant_id": variant.pk})
    page = client.get(url, **EN).content.decode()
    assert re.search(r'name="receive-quantity"[^>]*inputmode="numeric"', page)
    response = client.post(
        url, {"action": "receive", "receive-quantity": "5", "receive-note": "新收"}
    )
    assert response.status_code == 302
    assert available_by_variant(variant_ids=[variant.pk])[variant.pk] == 30
    response = client.post(url, {"action": "count", "count-counted": "12"})
    assert response.status_code == 302
    assert available_by_variant(variant_ids=[variant.pk])[variant.pk] == 12


def test_stock_count_that_is_not_a_number_is_explained_and_kept(
    client: Client, market: Market
) -> None:
    variant = market.honey.variants.get()
    client.force_login(market.farmer)
    url = reverse("inventory:stock_variant", kwargs={"variant_id": variant.pk})
    html = client.post(url, {"action": "count", "count-counted": "-3"}, **EN).content.decode()
    assert "Enter 0 or more." in html
    assert re.search(r'name="count-counted"[^>]*value="-3"', html)
    assert available_by_variant(variant_ids=[variant.pk])[variant.pk] == 25


def test_seller_cannot_open_another_sellers_stock(client: Client, market: Market) -> None:
    variant = market.honey.variants.get()
    client.force_login(market.maker)
    url = reverse("inventory:stock_variant", kwargs={"variant_id": variant.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "count", "count-counted": "0"}).status_code == 404
    assert available_by_variant(variant_ids=[variant.pk])[variant.pk] == 25


# --- staff review ------------------------------------------------------------------------------


def reviewer_make(codename: str) -> User:
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return User.objects.get(pk=user.pk)


def test_review_queue_is_for_reviewers_only(client: Client, market: Market) -> None:
    client.force_login(market.farmer)
    assert client.get(reverse("console:review_queue")).status_code == 403
    assert client.get(reverse("sellers:review_queue")).status_code == 403


def test_reviewer_lists_a_product_from_the_queue(
    client: Client, market: Market, on_commit: Any
) -> None:
    product = draft(market)
    catalog.variant_create(
        actor=market.farmer, product_id=product.pk, sku="NEW-1", name="一罐", unit="jar", price="30"
    )
    catalog.product_submit(actor=market.farmer, product_id=product.pk)
    client.force_login(reviewer_make("review_product"))
    html = client.get(reverse("console:review_queue"), **EN).content.decode()
    assert "新蜜" in html
    url = reverse("console:review_product", kwargs={"product_id": product.pk})
    html = client.post(url, {"decision": "reject"}, **EN).content.decode()
    assert "Say why the product is rejected" in html
    with on_commit():
        assert client.post(url, {"decision": "approve"}).status_code == 302
    assert product_get(product_id=product.pk).status == Product.Status.LISTED
    html = client.get(reverse("shop:search"), {"q": "xinmi"}, **EN).content.decode()
    assert "新蜜" in html


def test_person_applies_for_a_shop_and_staff_approve_it(client: Client, market: Market) -> None:
    applicant = UserFactory()
    client.force_login(applicant)
    url = reverse("sellers:apply")
    html = client.post(
        url,
        {"kind": "farmer", "name": "", "village": str(market.village.pk), "story": "养蓝莓"},
        **EN,
    ).content.decode()
    assert "Enter a name for your shop." in html
    assert "养蓝莓</textarea>" in html
    response = client.post(
        url, {"kind": "farmer", "name": "杨家蓝莓园", "village": str(market.village.pk)}
    )
    assert response.status_code == 302
    seller = Seller.objects.get(name="杨家蓝莓园")
    assert seller.status == Seller.Status.SUBMITTED
    html = client.get(url, **EN).content.decode()
    assert "杨家蓝莓园" in html
    assert "Waiting for review" in html

    client.force_login(reviewer_make("review_seller"))
    html = client.get(reverse("sellers:review_queue"), **EN).content.decode()
    assert "杨家蓝莓园" in html
    review = reverse("sellers:review", kwargs={"seller_id": seller.pk})
    assert client.post(review, {"decision": "approve"}).status_code == 302
    assert seller in sellers_list()
    assert Role.SELLER in user_roles(user=applicant)


def test_second_application_while_one_waits_is_refused_in_plain_words(
    client: Client, market: Market
) -> None:
    client.force_login(UserFactory())
    url = reverse("sellers:apply")
    client.post(url, {"kind": "farmer", "name": "一号", "village": str(market.village.pk)})
    html = client.post(url, {"kind": "farmer", "name": "二号"}, **EN).content.decode()
    assert "You already have a shop application waiting for review." in html
    assert re.search(r'name="name"[^>]*value="二号"', html)
