"""Shipments into the county (issue 15 part 6): a seller announces, the warehouse receives line
by line, good units go on hand at the warehouse once, differences are kept for the seller."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import InboundLineFactory, InboundShipmentFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import XiangcunError
from xiangcun.inventory import selectors, services
from xiangcun.inventory.errors import (
    InboundAlreadyReceivedError,
    InboundNotFoundError,
    InboundPermissionDeniedError,
    InvalidInboundError,
)
from xiangcun.inventory.models import InboundShipment, Location, Stock
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

Bearer = Callable[[User], dict[str, str]]
SOON = datetime.timedelta(days=3)


def announce(owner: User, variant: Variant, quantity: int = 10, **extra: Any) -> InboundShipment:
    values: dict[str, Any] = {
        "actor": owner,
        "seller_id": variant.product.seller_id,
        "carrier": "SF Express",
        "tracking_number": "SF1234567890",
        "expected_on": timezone.localdate() + SOON,
        "lines": [{"variant_id": variant.pk, "quantity": quantity}],
    }
    values.update(extra)
    return services.inbound_create(**values)


def on_hand(variant: Variant, location: Location) -> int:
    stock = Stock.objects.filter(variant=variant, location=location).first()
    return stock.on_hand if stock else 0


def test_a_seller_announces_a_shipment_to_the_warehouse(
    owner: User, variant: Variant, warehouse: Location
) -> None:
    shipment = announce(owner, variant, quantity=12)
    assert shipment.warehouse_id == warehouse.pk
    assert shipment.status == InboundShipment.Status.EXPECTED
    line = shipment.lines.get()
    assert (line.variant_id, line.expected, line.received) == (variant.pk, 12, None)
    assert on_hand(variant, warehouse) == 0  # nothing is stock until it is received


def test_only_the_shops_own_products_can_be_announced(
    owner: User, variant: Variant, warehouse: Location
) -> None:
    stranger = VariantFactory()
    with pytest.raises(InvalidInboundError) as caught:
        announce(owner, variant, lines=[{"variant_id": stranger.pk, "quantity": 1}])
    assert caught.value.field == "lines[0].variant_id"


def test_someone_else_cannot_announce_for_a_shop(variant: Variant, warehouse: Location) -> None:
    with pytest.raises(InboundPermissionDeniedError):
        announce(UserFactory(), variant)


def test_a_shop_waiting_for_review_cannot_announce(variant: Variant, warehouse: Location) -> None:
    seller = variant.product.seller
    Seller.objects.filter(pk=seller.pk).update(status=Seller.Status.SUBMITTED)
    with pytest.raises(InboundPermissionDeniedError):
        announce(seller.owner, variant)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"carrier": ""}, "carrier"),
        ({"tracking_number": "x" * 41}, "tracking_number"),
        ({"expected_on": datetime.date(2001, 1, 1)}, "expected_on"),
        ({"lines": []}, "lines"),
        ({"lines": [{"variant_id": 1, "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": [{"variant_id": 1, "quantity": 2**31}]}, "lines[0].quantity"),
        ({"lines": [{"variant_id": True, "quantity": 1}]}, "lines[0].variant_id"),
    ],
)
def test_bad_notices_are_refused_naming_the_field(
    owner: User, variant: Variant, warehouse: Location, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(XiangcunError) as caught:
        announce(owner, variant, **change)
    assert caught.value.field == field
    assert not InboundShipment.objects.exists()


def test_the_same_product_twice_on_one_notice_is_refused(
    owner: User, variant: Variant, warehouse: Location
) -> None:
    lines = [{"variant_id": variant.pk, "quantity": 1}] * 2
    with pytest.raises(InvalidInboundError) as caught:
        announce(owner, variant, lines=lines)
    assert caught.value.field == "lines[1].variant_id"


def test_receiving_puts_good_units_on_hand_and_records_the_differences(
    owner: User, keeper: User, variant: Variant, warehouse: Location
) -> None:
    other = VariantFactory(product=variant.product, sku="IN-2")
    shipment = announce(
        owner,
        variant,
        lines=[{"variant_id": variant.pk, "quantity": 10}, {"variant_id": other.pk, "quantity": 5}],
    )
    first, second = shipment.lines.order_by("pk")
    services.inbound_receive(
        actor=keeper,
        shipment_id=shipment.pk,
        lines=[{"line_id": first.pk, "received": 9, "damaged": 2, "note": "box crushed"}],
    )
    assert on_hand(variant, warehouse) == 7
    shipment.refresh_from_db()
    assert shipment.status == InboundShipment.Status.PARTLY_RECEIVED
    services.inbound_receive(
        actor=keeper,
        shipment_id=shipment.pk,
        lines=[{"line_id": second.pk, "received": 6, "note": "one extra jar"}],
    )
    assert on_hand(other, warehouse) == 6
    seen = selectors.inbound_get(user=owner, shipment_id=shipment.pk)
    assert seen.status == InboundShipment.Status.RECEIVED
    assert seen.received_at is not None
    lines = {line.variant_id: line for line in seen.lines.all()}
    assert (lines[variant.pk].short, lines[variant.pk].damaged, lines[variant.pk].good) == (1, 2, 7)
    assert (lines[other.pk].over, lines[other.pk].note) == (1, "one extra jar")


def test_receiving_the_same_line_twice_adds_the_stock_once(
    owner: User, keeper: User, variant: Variant, warehouse: Location
) -> None:
    shipment = announce(owner, variant)
    line = shipment.lines.get()
    entry = [{"line_id": line.pk, "received": 10}]
    services.inbound_receive(actor=keeper, shipment_id=shipment.pk, lines=entry)
    services.inbound_receive(actor=keeper, shipment_id=shipment.pk, lines=entry)
    assert on_hand(variant, warehouse) == 10
    with pytest.raises(InboundAlreadyReceivedError):
        services.inbound_receive(
            actor=keeper,
            shipment_id=shipment.pk,
            lines=[{"line_id": line.pk, "received": 8, "note": "recount"}],
        )
    assert on_hand(variant, warehouse) == 10


def test_a_difference_needs_a_reason(
    owner: User, keeper: User, variant: Variant, warehouse: Location
) -> None:
    shipment = announce(owner, variant)
    line = shipment.lines.get()
    with pytest.raises(InvalidInboundError) as caught:
        services.inbound_receive(
            actor=keeper, shipment_id=shipment.pk, lines=[{"line_id": line.pk, "received": 8}]
        )
    assert caught.value.field == "lines[0].note"
    with pytest.raises(InvalidInboundError) as caught:
        services.inbound_receive(
            actor=keeper,
            shipment_id=shipment.pk,
            lines=[{"line_id": line.pk, "received": 3, "damaged": 4, "note": "wet"}],
        )
    assert caught.value.field == "lines[0].damaged"
    assert on_hand(variant, warehouse) == 0


def test_only_warehouse_staff_receive(owner: User, variant: Variant, warehouse: Location) -> None:
    shipment = announce(owner, variant)
    line = shipment.lines.get()
    with pytest.raises(InboundPermissionDeniedError):
        services.inbound_receive(
            actor=owner, shipment_id=shipment.pk, lines=[{"line_id": line.pk, "received": 10}]
        )
    assert on_hand(variant, warehouse) == 0


def test_a_seller_sees_only_their_own_notices(
    owner: User, keeper: User, variant: Variant, warehouse: Location
) -> None:
    mine = announce(owner, variant)
    theirs = InboundLineFactory(shipment__warehouse=warehouse).shipment
    assert [row.pk for row in selectors.inbound_list(user=owner)] == [mine.pk]
    with pytest.raises(InboundNotFoundError):
        selectors.inbound_get(user=owner, shipment_id=theirs.pk)
    assert {row.pk for row in selectors.inbound_list(user=keeper)} == {mine.pk, theirs.pk}
    with pytest.raises(InboundPermissionDeniedError):
        selectors.inbound_list(user=UserFactory())


# --- API ------------------------------------------------------------------------------------


def test_api_announce_list_detail_and_receive(
    client: Client, bearer: Bearer, owner: User, keeper: User, variant: Variant, warehouse: Location
) -> None:
    body = {
        "seller_id": variant.product.seller_id,
        "carrier": "ZTO",
        "tracking_number": "ZT778899",
        "expected_on": str(timezone.localdate() + SOON),
        "lines": [{"variant_id": variant.pk, "quantity": 4}],
    }
    made = client.post(
        "/api/v1/inventory/inbound", body, content_type="application/json", headers=bearer(owner)
    )
    assert made.status_code == 201, made.content
    shipment = made.json()
    assert shipment["status"] == "expected"
    assert shipment["lines"][0]["received"] is None
    listed = client.get("/api/v1/inventory/inbound", headers=bearer(owner)).json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == shipment["id"]
    line_id = shipment["lines"][0]["id"]
    url = f"/api/v1/inventory/inbound/{shipment['id']}/receive"
    receipt = {"lines": [{"line_id": line_id, "received": 3, "note": "one missing"}]}
    denied = client.post(url, receipt, content_type="application/json", headers=bearer(owner))
    assert denied.status_code == 403
    done = client.post(url, receipt, content_type="application/json", headers=bearer(keeper))
    assert done.status_code == 200, done.content
    again = client.post(url, receipt, content_type="application/json", headers=bearer(keeper))
    assert again.status_code == 200
    assert on_hand(variant, warehouse) == 3
    seen = client.get(f"/api/v1/inventory/inbound/{shipment['id']}", headers=bearer(owner)).json()
    assert seen["status"] == "received"
    assert (seen["lines"][0]["short"], seen["lines"][0]["note"]) == (1, "one missing")
    other = client.post(
        url,
        {"lines": [{"line_id": line_id, "received": 4}]},
        content_type="application/json",
        headers=bearer(keeper),
    )
    assert other.status_code == 409
    assert other.json()["code"] == "inbound_already_received"


@pytest.mark.parametrize(
    "path", ["/api/v1/inventory/inbound/999999", f"/api/v1/inventory/inbound/{2**70}"]
)
def test_api_unknown_notice_is_404(client: Client, bearer: Bearer, keeper: User, path: str) -> None:
    answer = client.get(path, headers=bearer(keeper))
    assert answer.status_code == 404
    assert answer.json()["code"] == "inbound_not_found"


def test_api_another_shops_notice_is_404(
    client: Client, bearer: Bearer, owner: User, warehouse: Location
) -> None:
    theirs = InboundShipmentFactory(warehouse=warehouse, seller=SellerFactory())
    answer = client.get(f"/api/v1/inventory/inbound/{theirs.pk}", headers=bearer(owner))
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"seller_id": "x"},
        {
            "seller_id": 1,
            "carrier": "a",
            "tracking_number": "b",
            "expected_on": "soon",
            "lines": [],
        },
        {
            "seller_id": 2**70,
            "carrier": "a",
            "tracking_number": "b",
            "expected_on": "2026-01-01",
            "lines": [],
        },
    ],
)
def test_api_bad_bodies_get_a_coded_4xx(
    client: Client, bearer: Bearer, owner: User, body: dict[str, Any]
) -> None:
    answer = client.post(
        "/api/v1/inventory/inbound", body, content_type="application/json", headers=bearer(owner)
    )
    assert 400 <= answer.status_code < 500
    assert answer.json()["code"]
