"""The order page links each line to the trace page of the lots packed into it."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.orders_pages.conftest import Shop
from tests.orders_pages.test_order_pages import place
from xiangcun.traceability import services as traceability
from xiangcun.traceability.identifiers import digital_link_path
from xiangcun.traceability.models import Lot

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def honey_lot(shop: Shop) -> Lot:
    market = shop.market
    return traceability.lot_record(
        actor=market.farmer,
        product_id=market.honey.pk,
        variant_id=shop.honey_variant,
        seller_id=market.honey_shop.pk,
        harvested_on=timezone.localdate() - datetime.timedelta(days=3),
        quantity=Decimal("40"),
        unit="jin",
    )


def order_page(client: Client, shop: Shop, order_id: int, **headers: str) -> str:
    client.force_login(shop.buyer)
    response = client.get(f"/orders/{order_id}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_packed_line_links_to_its_lots_trace_page_and_an_unpacked_one_does_not(
    client: Client, shop: Shop
) -> None:
    order = place(shop, lines=[(shop.honey_variant, 1), (shop.batik_variant, 1)])
    honey_line = order.lines.get(variant_id=shop.honey_variant)
    lot = honey_lot(shop)
    traceability.event_pack(
        lot=lot, order_line_id=honey_line.pk, order_number=order.number, quantity=1
    )
    page = order_page(client, shop, order.pk, **EN)
    trace = digital_link_path(gtin=lot.gtin, lot_code=lot.code)
    assert page.count('data-testid="line-trace"') == 1  # the batik line has no lot
    assert f'href="{trace}"' in page
    assert f"Where it comes from: lot {lot.code}" in page
    assert f"查看产地：批次 {lot.code}" in order_page(client, shop, order.pk, **ZH)
    assert client.get(trace).status_code == 200


def test_an_order_without_lots_shows_no_trace_link_and_costs_one_query_for_it(
    client: Client, shop: Shop
) -> None:
    order = place(shop)
    page = order_page(client, shop, order.pk, **EN)
    assert 'data-testid="line-trace"' not in page
    with CaptureQueriesContext(connection) as captured:
        order_page(client, shop, order.pk, **EN)
    lot_queries = [q for q in captured if "traceability_event" in q["sql"]]
    assert len(lot_queries) == 1
