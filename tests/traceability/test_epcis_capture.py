"""EPCIS capture: GS1's examples round-trip, bad documents are refused whole, and the rules
for our own lots hold."""

import copy
import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.traceability.epcis_helpers import (
    GS1_EXAMPLES,
    auth,
    capture,
    document,
    gs1_example,
    object_event,
)
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.traceability import services
from xiangcun.traceability.epcis.serialise import document_meaning
from xiangcun.traceability.epcis.vocab import lot_class_epc
from xiangcun.traceability.models import Event, EventCapture, EventEpc, Lot


@pytest.fixture
def driver(db: None) -> User:
    return user_with_role(Role.DRIVER)


def _nothing_stored() -> bool:
    return not (
        Event.objects.exists() or EventCapture.objects.exists() or EventEpc.objects.exists()
    )


def _read_back(client: Client, user: User) -> dict[str, Any]:
    response = client.get("/api/v1/epcis/events", {"perPage": 100}, **auth(user))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("name", GS1_EXAMPLES)
def test_gs1_example_is_captured_and_read_back_equal_in_meaning(
    client: Client, driver: User, name: str
) -> None:
    sent = gs1_example(name)
    response = capture(client, sent, driver)
    assert response.status_code == 201, response.content
    events = sent["epcisBody"]["eventList"]
    assert response.json()["event_count"] == len(events)

    returned = _read_back(client, driver)
    assert returned["type"] == "EPCISQueryDocument"
    assert document_meaning(returned) == document_meaning(sent)
    read_back = returned["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(read_back) == len(events)
    for event in read_back:
        assert event["recordTime"].endswith("Z")


def test_a_single_event_is_captured(client: Client, driver: User) -> None:
    event = gs1_example(GS1_EXAMPLES[0])["epcisBody"]["eventList"][0]
    single = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]}
    single.update(event)
    response = capture(client, single, driver)
    assert response.status_code == 201, response.content
    assert Event.objects.get().event_id == event["eventID"]


def _second_event_broken(change: Any) -> dict[str, Any]:
    sent = gs1_example(GS1_EXAMPLES[0])
    change(sent["epcisBody"]["eventList"][1])
    return sent


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda event: event.update(bizStep="flying"), "unknown bizStep"),
        (lambda event: event.update(bizStep="https://ref.gs1.org/cbv/BizStep-flying"), "CBV"),
        (lambda event: event.update(action="UPDATE"), "action 'UPDATE'"),
        (lambda event: event.pop("eventTimeZoneOffset"), "eventTimeZoneOffset is missing"),
        (
            lambda event: event.update(bizStep="urn:epcglobal:cbv:bizstep:receiving"),
            "XML-style",
        ),
        (
            lambda event: event.update(disposition="urn:epcglobal:cbv:disp:in_progress"),
            "XML-style",
        ),
        (
            lambda event: event["bizTransactionList"][0].update(type="urn:epcglobal:cbv:btt:po"),
            "XML-style",
        ),
        (lambda event: event.update(eventTime="yesterday"), "date-time"),
        (lambda event: event.update(epcList=["not a uri"]), "uri"),
        (lambda event: event.update(readPoint={"id": "http://exa mple/"}), "uri"),
    ],
)
def test_a_bad_event_refuses_the_whole_document(
    client: Client, driver: User, change: Any, says: str
) -> None:
    sent = _second_event_broken(change)
    response = capture(client, sent, driver)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_epcis_document"
    assert body["details"]["event_index"] == 1
    assert body["details"]["event_id"] == sent["epcisBody"]["eventList"][1]["eventID"]
    assert says in body["details"]["reason"]
    assert _nothing_stored()


def test_blank_node_document_ids_are_accepted_but_other_non_uris_are_not(
    client: Client, driver: User
) -> None:
    sent = gs1_example(GS1_EXAMPLES[1])
    assert sent["id"] == "_:document1"
    sent["id"] = "document 1"
    response = capture(client, sent, driver)
    assert response.status_code == 400
    assert response.json()["details"]["event_index"] is None
    assert _nothing_stored()


def test_body_that_is_not_json_is_refused(client: Client, driver: User) -> None:
    response = client.post(
        "/api/v1/epcis/capture", data="{nope", content_type="application/json", **auth(driver)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_epcis_document"


def test_capture_needs_a_token_and_a_role(client: Client, db: None) -> None:
    sent = gs1_example(GS1_EXAMPLES[0])
    assert (
        client.post("/api/v1/epcis/capture", sent, content_type="application/json").status_code
        == 401
    )
    response = capture(client, sent, UserFactory())
    assert response.status_code == 403
    assert response.json()["code"] == "epcis_permission_denied"
    assert _nothing_stored()


def test_a_document_sent_twice_is_refused_the_second_time(client: Client, driver: User) -> None:
    sent = gs1_example(GS1_EXAMPLES[2])
    assert capture(client, sent, driver).status_code == 201
    response = capture(client, sent, driver)
    assert response.status_code == 400
    assert "already captured" in response.json()["details"]["reason"]
    assert Event.objects.count() == 1


# --- rules for our own lots -----------------------------------------------------------------


def _later(minutes: int = 5) -> str:
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def test_our_commissioned_lot_can_be_shipped_and_joins_its_chain(
    client: Client, driver: User, lot: Lot
) -> None:
    commissioning = Event.objects.get(lot=lot)
    epc = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    assert epc.startswith("urn:epc:class:lgtin:6975858.")
    response = capture(
        client, document(object_event(epc, biz_step="shipping", time=_later())), driver
    )
    assert response.status_code == 201, response.content
    shipped = Event.objects.get(lot=lot, biz_step="https://ref.gs1.org/cbv/BizStep-shipping")
    assert shipped.previous_hash == commissioning.event_hash


def _uncommissioned_lot(lot: Lot) -> Lot:
    twin = copy.copy(lot)
    twin.pk = None
    twin.code = lot.code + "X"
    twin.save()
    return twin


@pytest.mark.parametrize("step", ["packing", "shipping"])
def test_our_lot_must_be_commissioned_before_packing_or_shipping(
    client: Client, driver: User, lot: Lot, step: str
) -> None:
    bare = _uncommissioned_lot(lot)
    epc = lot_class_epc(gtin=bare.gtin, lot_code=bare.code)
    response = capture(client, document(object_event(epc, biz_step=step, time=_later())), driver)
    assert response.status_code == 400
    assert "must be commissioned" in response.json()["details"]["reason"]
    assert not Event.objects.filter(lot=bare).exists()


def test_commissioning_earlier_in_the_same_document_counts(
    client: Client, driver: User, lot: Lot
) -> None:
    bare = _uncommissioned_lot(lot)
    epc = lot_class_epc(gtin=bare.gtin, lot_code=bare.code)
    commission = object_event(epc, biz_step="commissioning", time=_later(1), action="ADD")
    ship = object_event(epc, biz_step="shipping", time=_later(2))
    response = capture(client, document(commission, ship), driver)
    assert response.status_code == 201, response.content
    first, second = Event.objects.filter(lot=bare).order_by("id")
    assert (first.previous_hash, second.previous_hash) == ("", first.event_hash)


def test_no_event_for_a_destroyed_lot(client: Client, driver: User, lot: Lot) -> None:
    services.event_destroy(lot=lot, reason="mould")
    epc = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    before = Event.objects.count()
    response = capture(
        client, document(object_event(epc, biz_step="receiving", time=_later())), driver
    )
    assert response.status_code == 400
    assert "destroyed" in response.json()["details"]["reason"]
    assert Event.objects.count() == before


def test_events_of_our_lot_come_in_time_order(client: Client, driver: User, lot: Lot) -> None:
    epc = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    response = capture(
        client, document(object_event(epc, biz_step="receiving", time=_later(-600))), driver
    )
    assert response.status_code == 400
    assert "time order" in response.json()["details"]["reason"]


def test_an_unknown_lot_under_our_prefix_is_refused(client: Client, driver: User, lot: Lot) -> None:
    epc = lot_class_epc(gtin=lot.gtin, lot_code="NO-SUCH-LOT")
    response = capture(
        client, document(object_event(epc, biz_step="receiving", time=_later())), driver
    )
    assert response.status_code == 400
    assert "no such lot" in response.json()["details"]["reason"]
