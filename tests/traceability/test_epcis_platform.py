"""The EPCIS events the platform writes itself: valid EPCIS 2.0, hashed, chained per lot,
readable as a journey; and `xiangcun trace-verify` notices any change in the database."""

import copy
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from tests.accounts.factories import user_with_role
from tests.traceability.conftest import order_with_line
from xiangcun.accounts.types import Role
from xiangcun.regions.selectors import stations_list
from xiangcun.traceability import selectors, services
from xiangcun.traceability.epcis.hashing import event_hash
from xiangcun.traceability.epcis.serialise import single_event_document
from xiangcun.traceability.epcis.validation import ParsedDocument, document_parse
from xiangcun.traceability.errors import LotDestroyedError, LotNotCommissionedError
from xiangcun.traceability.models import Event, Inspection, Lot

# The journey starts at the county warehouse and ends at a village station.
pytestmark = pytest.mark.usefixtures("sites")


def _journey(lot: Lot) -> None:
    """Every platform event once, in the order goods move."""
    stations = stations_list()
    warehouse, station = stations[0], stations[-1]
    services.event_receive(lot=lot, station_id=warehouse.id, quantity=Decimal("118.5"))
    inspection = Inspection.objects.create(
        lot=lot,
        kind="农药残留",
        method="GB/T 5009.199 快速检测",
        result="pass",
        measured="抑制率 12%",
        inspector="李检",
        inspected_at=timezone.now(),
    )
    services.event_inspect(lot=lot, inspection=inspection)
    line = order_with_line(lot.variant, buyer_name="张三", phone="13999990017", number="XC-1")
    services.event_pack(lot=lot, order_line_id=line.pk, order_number="XC-1", quantity=2)
    services.event_ship(lot=lot, order_number="XC-1", tracking_number="SF123", carrier="顺丰")
    services.event_deliver(lot=lot, order_number="XC-1", station_id=station.id)
    services.event_deliver(lot=lot, order_number="XC-1")


def test_every_platform_event_is_valid_epcis_and_chained(lot: Lot) -> None:
    _journey(lot)
    services.event_destroy(lot=lot, reason="过期")
    events = list(Event.objects.filter(lot=lot).order_by("id"))
    steps = [event.biz_step.rsplit("-", 1)[-1] for event in events]
    assert steps == [
        "commissioning",
        "receiving",
        "inspecting",
        "packing",
        "shipping",
        "receiving",
        "accepting",
        "destroying",
    ]
    previous = ""
    for event in events:
        whole = single_event_document(event=event.data, context=event.context)
        assert isinstance(document_parse(whole), ParsedDocument), event.data
        assert event.event_hash == event_hash(event=event.data, context=event.context)
        assert event.event_hash.startswith("ni:///sha-256;")
        assert event.event_hash.endswith("?ver=CBV2.0")
        assert event.previous_hash == previous
        previous = event.event_hash
    lot.refresh_from_db()
    assert lot.status == Lot.Status.DESTROYED


def test_commissioning_names_the_lot_in_ilmd(lot: Lot) -> None:
    event = Event.objects.get(lot=lot)
    ilmd = event.data["ilmd"]
    assert ilmd["cbvmda:lotNumber"] == lot.code
    assert ilmd["cbvmda:harvestStartDate"] == lot.harvested_on.isoformat()
    assert event.data["action"] == "ADD"
    quantity = event.data["quantityList"][0]
    assert quantity == {
        "epcClass": quantity["epcClass"],
        "quantity": 60,  # 120 jin
        "uom": "KGM",
    }
    assert lot.product.shelf_life_days == 10  # blueberries keep ten days
    expires = lot.harvested_on + datetime.timedelta(days=10)
    assert ilmd["cbvmda:itemExpirationDate"] == expires.isoformat()


def test_item_expiration_date_when_shelf_life_is_known(lot: Lot) -> None:
    product = lot.product
    product.shelf_life_days = 30
    product.save(update_fields=["shelf_life_days"])
    twin = copy.copy(lot)
    twin.pk, twin.code = None, lot.code + "B"
    twin.save()
    event = services.event_commission(lot=Lot.objects.get(pk=twin.pk))
    expected = (lot.harvested_on + datetime.timedelta(days=30)).isoformat()
    assert event.data["ilmd"]["cbvmda:itemExpirationDate"] == expected


def test_packing_links_the_lot_to_order_lines(lot: Lot) -> None:
    assert selectors.order_line_ids_for_lot(lot_id=lot.pk) == []
    _journey(lot)
    line_ids = selectors.order_line_ids_for_lot(lot_id=lot.pk)
    assert len(line_ids) == 1
    packed = Event.objects.get(lot=lot, order_line_id=line_ids[0])
    assert packed.data["bizTransactionList"][0]["type"] == "https://ref.gs1.org/cbv/BTT-po"


def test_a_lot_without_a_harvest_record_cannot_be_packed(lot: Lot) -> None:
    bare = copy.copy(lot)
    bare.pk, bare.code = None, lot.code + "N"
    bare.save()
    with pytest.raises(LotNotCommissionedError):
        services.event_pack(lot=bare, order_line_id=1, order_number="XC-9", quantity=1)
    with pytest.raises(LotNotCommissionedError):
        services.event_ship(lot=bare, order_number="XC-9")
    assert not Event.objects.filter(lot=bare).exists()


def test_nothing_follows_destruction(lot: Lot) -> None:
    services.event_destroy(lot=lot, reason="霉变")
    with pytest.raises(LotDestroyedError):
        services.event_ship(lot=lot, order_number="XC-2")


def test_journey_in_plain_words(lot: Lot) -> None:
    _journey(lot)
    with translation.override("en"):
        steps = selectors.lot_journey(lot=lot)
    assert [step.biz_step for step in steps][:3] == ["commissioning", "receiving", "inspecting"]
    assert steps[0].what == "Harvested and recorded as a lot"
    assert steps[2].what == "Inspected: passed"
    assert steps[1].place == stations_list()[0].name
    assert steps[2].disposition == "conformant"
    assert steps[-1].biz_step == "accepting"
    assert all(str(step.time.tzinfo) == "Asia/Shanghai" for step in steps)
    assert lot.village is not None
    assert steps[0].place == lot.village.name


# --- trace-verify ---------------------------------------------------------------------------


def _verify() -> str:
    out = io.StringIO()
    call_command("trace_verify", stdout=out)
    return out.getvalue()


def test_trace_verify_passes_untouched_events(lot: Lot) -> None:
    _journey(lot)
    assert _verify().startswith("OK: 7 events")


def test_trace_verify_names_an_event_changed_in_the_database(lot: Lot) -> None:
    _journey(lot)
    shipped = Event.objects.get(lot=lot, biz_step__endswith="shipping")
    data = dict(shipped.data, **{"xiangcun:trackingNumber": "FAKE"})
    Event.objects.filter(pk=shipped.pk).update(data=data)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("trace_verify", stdout=out)
    report = out.getvalue()
    assert shipped.event_id in report
    assert "no longer matches its event hash" in report
    assert report.count("TAMPERED") == 1


def test_trace_verify_notices_a_rehashed_event_and_a_missing_one(lot: Lot) -> None:
    _journey(lot)
    events = list(Event.objects.filter(lot=lot).order_by("id"))
    received = events[1]
    data = dict(received.data, quantityList=[dict(received.data["quantityList"][0], quantity=1)])
    Event.objects.filter(pk=received.pk).update(
        data=data, event_hash=event_hash(event=data, context=received.context)
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("trace_verify", stdout=out)
    assert events[2].event_id in out.getvalue()  # its previous hash no longer fits

    Event.objects.filter(pk=events[4].pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("trace_verify", stdout=out)
    assert events[5].event_id in out.getvalue()


def test_trace_verify_notices_changed_index_columns(lot: Lot) -> None:
    user_with_role(Role.DRIVER)
    Event.objects.filter(lot=lot).update(biz_step="https://ref.gs1.org/cbv/BizStep-shipping")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("trace_verify", stdout=out)
    assert "indexed columns" in out.getvalue()
