"""Links both ways between a product and its lots: the product page's "trace this product"
(the lots on sale, with their harvest village and date), and the trace page's way back to buy."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.catalog.factories import VariantFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Product, Variant
from xiangcun.traceability import services
from xiangcun.traceability.identifiers import digital_link_path
from xiangcun.traceability.models import Lot
from xiangcun.traceability.selectors import lot_links_for_order_lines

from .conftest import order_with_line, record

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def lots_url(product_id: int) -> str:
    return reverse("traceability:product_lots", kwargs={"product_id": product_id})


def test_the_product_lots_list_names_each_active_lot_with_its_village_and_harvest_day(
    client: Client, farmer: User, blueberry_variant: Variant, programme_manager: User
) -> None:
    today = timezone.localdate()
    older = record(farmer, blueberry_variant, harvested_on=today - datetime.timedelta(days=9))
    newer = record(farmer, blueberry_variant, harvested_on=today - datetime.timedelta(days=1))
    recalled = record(farmer, blueberry_variant)
    services.lot_recall(actor=programme_manager, lot_id=recalled.pk, reason="农药残留超标")
    page = client.get(lots_url(blueberry_variant.product_id), **ZH).content.decode()
    assert newer.code in page
    assert older.code in page
    assert page.index(newer.code) < page.index(older.code)  # newest harvest first
    assert recalled.code not in page
    assert digital_link_path(gtin=newer.gtin, lot_code=newer.code) in page
    village = blueberry_variant.product.origin_village
    assert village is not None
    assert village.name in page
    assert f"{newer.harvested_on.year}年{newer.harvested_on.month}月{newer.harvested_on.day}日" in (
        page
    )


def test_htmx_gets_the_list_alone_and_a_plain_request_a_whole_page_back_to_the_product(
    client: Client, lot: Lot, blueberry_variant: Variant
) -> None:
    fragment = client.get(lots_url(blueberry_variant.product_id), **HTMX, **EN).content.decode()
    assert 'data-testid="product-lots"' in fragment
    assert "<html" not in fragment
    whole = client.get(lots_url(blueberry_variant.product_id), **EN).content.decode()
    assert "<html" in whole
    assert "Trace this product" in whole
    assert reverse("shop:product", kwargs={"product_id": blueberry_variant.product_id}) in whole


def test_a_product_without_lots_says_none_is_recorded(
    client: Client, other_variant: Variant
) -> None:
    page = client.get(lots_url(other_variant.product_id), **EN).content.decode()
    assert "No harvest of this product has been recorded yet." in page
    assert 'data-testid="product-lot"' not in page


def test_an_unlisted_or_unknown_product_has_no_public_lots_page(client: Client, lot: Lot) -> None:
    Product.objects.filter(pk=lot.product_id).update(status=Product.Status.DELISTED)
    assert client.get(lots_url(lot.product_id)).status_code == 404
    assert client.get(lots_url(lot.product_id + 1000)).status_code == 404
    assert client.get("/trace/products/99999999999999999999/lots/").status_code == 404


def test_the_product_page_offers_to_trace_the_product(
    client: Client, blueberry_variant: Variant
) -> None:
    url = reverse("shop:product", kwargs={"product_id": blueberry_variant.product_id})
    page = client.get(url, **EN).content.decode()
    assert 'data-testid="trace-this"' in page
    assert f'hx-get="{lots_url(blueberry_variant.product_id)}"' in page
    assert f'href="{lots_url(blueberry_variant.product_id)}"' in page  # works without JS


def test_the_trace_page_links_back_to_buy_the_product_while_it_is_listed(
    client: Client, lot: Lot
) -> None:
    path = digital_link_path(gtin=lot.gtin, lot_code=lot.code)
    product_url = reverse("shop:product", kwargs={"product_id": lot.product_id})
    listed = client.get(path, **EN).content.decode()
    assert 'data-testid="buy-product"' in listed
    assert f'href="{product_url}"' in listed
    Product.objects.filter(pk=lot.product_id).update(status=Product.Status.DELISTED)
    gone = client.get(path, **EN).content.decode()
    assert 'data-testid="buy-product"' not in gone
    assert "This product is no longer sold here." in gone
    assert "这个产品已不在这里出售。" in client.get(path, **ZH).content.decode()


def test_order_lines_name_the_lots_packed_into_them(
    farmer: User, blueberry_variant: Variant, lot: Lot
) -> None:
    second = record(farmer, blueberry_variant)
    line = order_with_line(blueberry_variant, buyer_name="李娜", phone="13912340001", number="A1")
    bare = order_with_line(VariantFactory(), buyer_name="王芳", phone="13912340002", number="A2")
    services.event_pack(lot=lot, order_line_id=line.pk, order_number="A1", quantity=1)
    services.event_pack(lot=second, order_line_id=line.pk, order_number="A1", quantity=1)
    links = lot_links_for_order_lines(order_line_ids=[line.pk, bare.pk])
    assert [link.code for link in links[line.pk]] == [lot.code, second.code]
    assert bare.pk not in links
    assert lot_links_for_order_lines(order_line_ids=[]) == {}
