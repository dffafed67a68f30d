"""The pages of shipments into the county: the seller announces and follows, the warehouse
lists what is expected and counts it in."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.inventory.factories import InboundLineFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import InboundShipment, Location, Stock

pytestmark = pytest.mark.django_db


def test_a_seller_announces_a_shipment_on_the_page_and_sees_it(
    client: Client, owner: User, variant: Variant, warehouse: Location
) -> None:
    client.force_login(owner)
    page = client.get("/console/stock/inbound/new/")
    assert page.status_code == 200
    assert f'name="quantity_{variant.pk}"' in page.content.decode()
    day = timezone.localdate() + datetime.timedelta(days=2)
    answer = client.post(
        "/console/stock/inbound/new/",
        {
            "carrier": "SF Express",
            "tracking_number": "SF0001",
            "expected_on": day.isoformat(),
            f"quantity_{variant.pk}": "8",
        },
    )
    shipment = InboundShipment.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/console/stock/inbound/{shipment.pk}/"
    assert shipment.lines.get().expected == 8
    listed = client.get("/console/stock/inbound/").content.decode()
    assert "SF0001" in listed


def test_a_notice_with_nothing_in_it_keeps_what_was_typed(
    client: Client, owner: User, variant: Variant, warehouse: Location
) -> None:
    client.force_login(owner)
    answer = client.post(
        "/console/stock/inbound/new/",
        {"carrier": "ZTO", "tracking_number": "ZT9", "expected_on": "2026-13-40"},
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert 'value="ZT9"' in body
    assert "field-error" in body
    assert not InboundShipment.objects.exists()


def test_the_warehouse_counts_a_delivery_in_on_the_page(
    client: Client, keeper: User, warehouse: Location
) -> None:
    line = InboundLineFactory(shipment__warehouse=warehouse, expected=10)
    client.force_login(keeper)
    expected = client.get("/console/stock/inbound/expected/")
    assert expected.status_code == 200
    assert line.shipment.tracking_number in expected.content.decode()
    url = f"/console/stock/inbound/{line.shipment.pk}/receive/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()  # the phone layout of the base page
    refused = client.post(url, {f"received_{line.pk}": "9"})
    assert refused.status_code == 200
    assert "field-error" in refused.content.decode()  # a difference needs a reason
    done = client.post(
        url, {f"received_{line.pk}": "9", f"damaged_{line.pk}": "1", f"note_{line.pk}": "wet"}
    )
    assert done.status_code == 302
    stock = Stock.objects.get(variant=line.variant, location=warehouse)
    assert stock.on_hand == 8
    detail = client.get(done["Location"]).content.decode()
    assert "wet" in detail


def test_sellers_cannot_receive_or_see_other_shops_notices(
    client: Client, owner: User, warehouse: Location
) -> None:
    theirs = InboundLineFactory(shipment__warehouse=warehouse).shipment
    client.force_login(owner)
    assert client.get(f"/console/stock/inbound/{theirs.pk}/").status_code == 404
    assert client.get(f"/console/stock/inbound/{theirs.pk}/receive/").status_code == 403
    assert client.get("/console/stock/inbound/expected/").status_code == 403


def test_the_notices_page_reads_in_chinese_and_in_english(
    client: Client, owner: User, variant: Variant, warehouse: Location
) -> None:
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/console/stock/inbound/").content.decode()
    assert "发货到县仓" in chinese
    assert "Shipments to the county warehouse" not in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/console/stock/inbound/").content.decode()
    assert "Shipments to the county warehouse" in english
    assert "发货到县仓" not in english
