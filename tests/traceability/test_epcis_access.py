"""Who may read and record EPCIS events: staff by role, the owner of an APPROVED shop only the
events of its own lots, an applicant waiting for review nothing; order references only for
who may see the order."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.traceability.conftest import order_with_line, record
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
from xiangcun.catalog.models import Variant
from xiangcun.sellers.models import Seller
from xiangcun.sellers.services import seller_apply, seller_suspend
from xiangcun.traceability import services
from xiangcun.traceability.epcis.platform import order_uri
from xiangcun.traceability.epcis.vocab import lot_class_epc
from xiangcun.traceability.models import Event, Lot

READ_ALL_ROLES = [
    Role.WAREHOUSE,
    Role.PACKER,
    Role.DRIVER,
    Role.COURIER,
    Role.BRAND_MANAGER,
    Role.PROGRAMME_MANAGER,
    Role.ADMIN,
]
NO_ACCESS_ROLES = [Role.BUYER, Role.RESIDENT, Role.LOAN_OFFICER, Role.RECRUITER, Role.TRAINER]


def _later(minutes: int = 5) -> str:
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def _events(client: Client, user: User, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/epcis/events", {"perPage": 100, **params}, **auth(user))
    assert response.status_code == 200, response.content
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def _ids(client: Client, user: User) -> set[str]:
    return {event["eventID"] for event in _events(client, user)}


def _event_ids(lot: Lot) -> set[str]:
    return set(Event.objects.filter(lots=lot).values_list("event_id", flat=True))


@pytest.fixture
def other_farmer(other_variant: Variant) -> User:
    owner: User = other_variant.product.seller.owner
    return owner


@pytest.fixture
def other_lot(other_farmer: User, other_variant: Variant) -> Lot:
    return record(other_farmer, other_variant)


@pytest.fixture
def applicant(db: None) -> User:
    """Someone whose shop application waits for review."""
    user = UserFactory()
    shop = seller_apply(owner=user, kind=Seller.Kind.FARMER, name="还在审核的农场")
    assert shop.status == Seller.Status.SUBMITTED
    return user


# --- an application is not an approval --------------------------------------------------------


def test_an_applicant_waiting_for_review_may_not_read_events(
    client: Client, lot: Lot, applicant: User
) -> None:
    response = client.get("/api/v1/epcis/events", **auth(applicant))
    assert response.status_code == 403
    assert response.json()["code"] == "epcis_permission_denied"


def test_an_applicant_waiting_for_review_may_not_capture(
    client: Client, lot: Lot, applicant: User
) -> None:
    before = Event.objects.count()
    response = capture(client, gs1_example(GS1_EXAMPLES[0]), applicant)
    assert response.status_code == 403
    assert response.json()["code"] == "epcis_permission_denied"
    assert Event.objects.count() == before


def test_a_suspended_shop_reads_nothing_more(
    client: Client, lot: Lot, farmer: User, programme_manager: User
) -> None:
    assert _ids(client, farmer) == _event_ids(lot)
    seller_suspend(reviewer=programme_manager, seller_id=lot.seller_id, note="检查中")
    response = client.get("/api/v1/epcis/events", **auth(farmer))
    assert response.status_code == 403


@pytest.mark.parametrize("role", NO_ACCESS_ROLES)
def test_other_roles_read_and_record_nothing(client: Client, lot: Lot, role: Role) -> None:
    user = user_with_role(role)
    assert client.get("/api/v1/epcis/events", **auth(user)).status_code == 403
    assert capture(client, gs1_example(GS1_EXAMPLES[0]), user).status_code == 403


# --- sellers: their own lots only -------------------------------------------------------------


def test_a_seller_reads_only_the_events_of_their_own_lots(
    client: Client, lot: Lot, other_lot: Lot, farmer: User, other_farmer: User
) -> None:
    services.event_destroy(lot=other_lot, reason="霉变")
    mine, theirs = _event_ids(lot), _event_ids(other_lot)
    assert mine
    assert theirs
    assert not mine & theirs
    assert _ids(client, farmer) == mine
    assert _ids(client, other_farmer) == theirs


def test_a_seller_sees_an_event_that_names_their_lot_in_another_lots_chain(
    client: Client, lot: Lot, other_lot: Lot, farmer: User, other_farmer: User
) -> None:
    # Staff record one event naming both lots; it joins the first lot's chain only.
    both = object_event(
        lot_class_epc(gtin=lot.gtin, lot_code=lot.code), biz_step="receiving", time=_later()
    )
    both["quantityList"].append(
        {"epcClass": lot_class_epc(gtin=other_lot.gtin, lot_code=other_lot.code), "quantity": 1}
    )
    warehouse = user_with_role(Role.WAREHOUSE)
    response = capture(client, document(both), warehouse)
    assert response.status_code == 201, response.content
    event = Event.objects.get(capture_id=response.json()["capture_id"])
    assert event.lot_id == lot.pk
    assert event.event_id in _ids(client, farmer)
    assert event.event_id in _ids(client, other_farmer)


def test_a_seller_records_events_of_their_own_lots_only(
    client: Client, lot: Lot, other_lot: Lot, farmer: User, other_farmer: User
) -> None:
    epc = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    sent = document(object_event(epc, biz_step="receiving", time=_later()))
    response = capture(client, sent, other_farmer)
    assert response.status_code == 400
    assert "may not record" in response.json()["details"]["reason"]
    assert capture(client, sent, farmer).status_code == 201


@pytest.mark.parametrize("how", ["same_event", "parent", "second_event", "digital_link"])
def test_a_seller_may_not_slip_another_farms_lot_in_beside_their_own(
    client: Client, lot: Lot, other_lot: Lot, farmer: User, how: str
) -> None:
    own = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    theirs = lot_class_epc(gtin=other_lot.gtin, lot_code=other_lot.code)
    if how == "digital_link":
        theirs = f"https://id.gs1.org/01/{other_lot.gtin}/10/{other_lot.code}"
    first = object_event(own, biz_step="receiving", time=_later())
    if how == "second_event":
        sent = document(first, object_event(theirs, biz_step="receiving", time=_later(6)))
    elif how == "parent":
        sent = document(
            {
                "type": "AggregationEvent",
                "eventTime": _later(),
                "eventTimeZoneOffset": "+08:00",
                "action": "ADD",
                "parentID": f"https://id.gs1.org/01/{other_lot.gtin}/10/{other_lot.code}",
                "childQuantityList": [{"epcClass": own, "quantity": 1, "uom": "KGM"}],
            }
        )
    else:
        first["quantityList"].append({"epcClass": theirs, "quantity": 1, "uom": "KGM"})
        sent = document(first)
    before = Event.objects.count()
    response = capture(client, sent, farmer)
    assert response.status_code == 400, response.content
    assert "may not record" in response.json()["details"]["reason"]
    assert Event.objects.count() == before


def test_a_seller_may_not_record_events_that_name_none_of_their_lots(
    client: Client, lot: Lot, farmer: User
) -> None:
    before = Event.objects.count()
    response = capture(client, gs1_example(GS1_EXAMPLES[0]), farmer)
    assert response.status_code == 400
    assert "names none of your lots" in response.json()["details"]["reason"]
    assert Event.objects.count() == before


# --- staff: every event ------------------------------------------------------------------------


@pytest.mark.parametrize("role", READ_ALL_ROLES)
def test_staff_read_every_event(client: Client, lot: Lot, other_lot: Lot, role: Role) -> None:
    driver = user_with_role(Role.DRIVER)
    assert capture(client, gs1_example(GS1_EXAMPLES[2]), driver).status_code == 201
    every = set(Event.objects.values_list("event_id", flat=True))
    assert _event_ids(lot) | _event_ids(other_lot) < every
    assert _ids(client, user_with_role(role)) == every


# --- order references ---------------------------------------------------------------------------


def _packed(lot: Lot, number: str) -> Event:
    line = order_with_line(lot.variant, buyer_name="张三", phone="13999990017", number=number)
    return services.event_pack(lot=lot, order_line_id=line.pk, order_number=number, quantity=2)


def _shown(client: Client, user: User, event: Event) -> dict[str, Any]:
    return next(found for found in _events(client, user) if found["eventID"] == event.event_id)


def _orders_named(event: dict[str, Any]) -> list[str]:
    return [entry["bizTransaction"] for entry in event.get("bizTransactionList", [])]


def test_order_references_show_only_to_who_may_see_the_order(
    client: Client, lot: Lot, farmer: User, programme_manager: User
) -> None:
    packed = _packed(lot, "XC-77")
    assert _orders_named(packed.data) == [order_uri("XC-77")]
    for allowed in (farmer, programme_manager, user_with_role(Role.PACKER)):
        shown = _shown(client, allowed, packed)
        assert _orders_named(shown) == [order_uri("XC-77")]
        assert shown["xiangcun:orderLineId"] == packed.order_line_id
    # Brand managers answer for lots, not orders: the event without its order.
    shown = _shown(client, user_with_role(Role.BRAND_MANAGER), packed)
    assert _orders_named(shown) == []
    assert "xiangcun:orderLineId" not in shown
    assert "XC-77" not in str(shown)


def test_a_parcels_tracking_number_shows_only_with_its_order(
    client: Client, lot: Lot, farmer: User
) -> None:
    _packed(lot, "XC-79")
    shipped = services.event_ship(
        lot=lot, order_number="XC-79", tracking_number="SF1234567890", carrier="顺丰速运"
    )
    shown = _shown(client, farmer, shipped)
    assert shown["xiangcun:trackingNumber"] == "SF1234567890"
    # The tracking number finds the parcel, and so the buyer, at the carrier's.
    hidden = _shown(client, user_with_role(Role.BRAND_MANAGER), shipped)
    assert _orders_named(hidden) == []
    assert "SF1234567890" not in str(hidden)
    assert "顺丰速运" not in str(hidden)


def test_a_seller_does_not_see_another_sellers_order_in_an_event_of_their_lot(
    client: Client, lot: Lot, other_lot: Lot, farmer: User
) -> None:
    _packed(other_lot, "XC-88")  # an order of the other farm only
    epc = lot_class_epc(gtin=lot.gtin, lot_code=lot.code)
    event = object_event(
        epc,
        biz_step="shipping",
        time=_later(),
        bizTransactionList=[
            {"type": "po", "bizTransaction": order_uri("XC-88")},
            {"type": "po", "bizTransaction": "https://example.org/po/1"},
        ],
    )
    response = capture(client, document(event), user_with_role(Role.WAREHOUSE))
    assert response.status_code == 201, response.content
    stored = Event.objects.get(capture_id=response.json()["capture_id"])
    assert _orders_named(_shown(client, farmer, stored)) == ["https://example.org/po/1"]
    assert "XC-88" in str(_shown(client, user_with_role(Role.WAREHOUSE), stored))
