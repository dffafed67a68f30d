"""The public trace page a label's QR code opens: what it shows, to whom, and how fast."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.regions.models import Station
from xiangcun.regions.selectors import stations_list
from xiangcun.traceability import services
from xiangcun.traceability.identifiers import digital_link_path
from xiangcun.traceability.models import Lot

from .conftest import record


def trace_path(lot: Lot) -> str:
    return digital_link_path(gtin=lot.gtin, lot_code=lot.code)


@pytest.fixture
def journeyed(lot: Lot, warehouse_staff: User, sites: list[Station]) -> Lot:
    """The lot received and inspected at the county warehouse, then packed and shipped."""
    warehouse = stations_list(kind="warehouse")[0]
    services.event_receive(lot=lot, station_id=warehouse.id, actor=warehouse_staff)
    services.inspection_record(
        actor=warehouse_staff,
        lot_id=lot.pk,
        kind="农药残留快速检测",
        method="酶抑制率法",
        result="pass",
        measured="抑制率 6%",
        inspector="杨敏",
        inspected_at=timezone.now(),
    )
    services.event_pack(lot=lot, order_line_id=0, order_number="DM1", quantity=1)
    services.event_ship(lot=lot, order_number="DM1", tracking_number="SF1", carrier="顺丰速运")
    return lot


def test_the_digital_link_opens_the_trace_page_without_login(
    client: Client, journeyed: Lot
) -> None:
    response = client.get(trace_path(journeyed))
    assert response.status_code == 200
    page = response.content.decode()
    assert journeyed.product.name in page
    assert journeyed.code in page
    assert journeyed.seller.name in page
    assert journeyed.village.name in page
    assert "农药残留快速检测" in page
    assert "杨敏" in page
    assert page.count('class="timeline-event trace-step"') == 5
    assert 'data-testid="recall"' not in page


def test_a_gtin13_and_extra_query_parameters_open_the_same_page(client: Client, lot: Lot) -> None:
    response = client.get(f"/01/{lot.gtin[1:]}/10/{lot.code}?utm_source=label&x=1")
    assert response.status_code == 200
    assert lot.code in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/01/{gtin}/10/DZ0000-9999", "/01/{bad}/10/{code}", "/01/12345/10/{code}"],
)
def test_an_unknown_or_broken_link_is_a_404_page(client: Client, lot: Lot, path: str) -> None:
    bad = lot.gtin[:-1] + str((int(lot.gtin[-1]) + 1) % 10)
    response = client.get(path.format(gtin=lot.gtin, bad=bad, code=lot.code))
    assert response.status_code == 404


def test_the_farmers_name_shows_only_with_their_consent(
    client: Client, farmer: User, blueberry_variant: Variant
) -> None:
    private = record(farmer, blueberry_variant, farmer_consents_to_publish=False)
    public = record(farmer, blueberry_variant, farmer_consents_to_publish=True)
    assert "王小梅" not in client.get(trace_path(private)).content.decode()
    assert "王小梅" in client.get(trace_path(public)).content.decode()


def test_a_recall_is_shown_at_the_top(client: Client, lot: Lot, programme_manager: User) -> None:
    services.lot_recall(actor=programme_manager, lot_id=lot.pk, reason="农药残留超标，请勿食用")
    page = client.get(trace_path(lot)).content.decode()
    recall_at = page.index('data-testid="recall"')
    assert "农药残留超标，请勿食用" in page
    assert recall_at < page.index("<h1")


def test_the_trace_page_runs_a_fixed_number_of_queries(
    client: Client, journeyed: Lot, django_assert_max_num_queries: Any
) -> None:
    client.get(trace_path(journeyed))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(5):
        response = client.get(trace_path(journeyed))
    assert response.status_code == 200


def test_the_trace_page_loads_nothing_from_other_hosts(client: Client, journeyed: Lot) -> None:
    page = client.get(trace_path(journeyed)).content.decode()
    assert 'src="http' not in page
    assert 'href="http' not in page
    assert 'src="//' not in page
    assert 'href="//' not in page
