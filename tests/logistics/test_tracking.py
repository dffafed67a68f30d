"""Tracking: the carrier's signed pushes (and polls, and steps typed by staff) go onto the
parcel's timeline once each, in the reader's language; exceptions open a task for staff; a
delivered parcel completes the order as a van delivery does."""

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.logistics.factories import packed
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import seller_balance
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import InvalidTrackingEventError
from xiangcun.logistics.models import CarrierException, Parcel, ParcelEvent, Waybill
from xiangcun.orders.models import Order

PUSH = "/logistics/carriers/kuaidi100/push"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def handed_over(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> tuple[Parcel, Waybill]:
    """The Guangzhou parcel packed, its SF waybill made, and handed to SF's courier."""
    parcel = packed(guangzhou_order, packer)
    waybill = services.waybill_request(waybill_id=Waybill.objects.get(parcel=parcel).pk)
    assert waybill is not None
    assert waybill.status == Waybill.Status.CREATED
    services.carrier_handover(
        actor=packer, carrier="sf", parcel_ids=[parcel.pk], courier_name="李师傅"
    )
    parcel.refresh_from_db()
    return parcel, waybill


def _on_the_road(fake: FakeKuaidi100, number: str) -> None:
    start = timezone.now() - timedelta(hours=30)
    fake.add_step(
        number, state="1", status_code="103", context="【丹寨县】顺丰速运 已收取快件", at=start
    )
    fake.add_step(
        number,
        state="0",
        status_code="1002",
        context="快件已到达【贵阳转运中心】",
        area="贵州,贵阳市",
        at=start + timedelta(hours=8),
    )
    fake.add_step(
        number,
        state="5",
        status_code="5",
        context="【广州天河体育西营业点】快递员正在派件",
        at=start + timedelta(hours=26),
    )


def test_a_signed_push_puts_the_steps_on_the_timeline_once(
    handed_over: tuple[Parcel, Waybill], kuaidi100: FakeKuaidi100
) -> None:
    parcel, waybill = handed_over
    _on_the_road(kuaidi100, waybill.tracking_number)

    response = Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))

    assert response.status_code == 200
    assert response.json() == {"result": True, "returnCode": "200", "message": "成功"}
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.OUT_FOR_DELIVERY
    codes = list(
        ParcelEvent.objects.filter(parcel=parcel).exclude(code="").values_list("code", flat=True)
    )
    assert codes == [
        "waybill_created",
        "handed_over",
        "collected",
        "in_transit",
        "out_for_delivery",
    ]
    # The same push again (Kuaidi100 resends when unsure), and the same steps by polling:
    # nothing changes.
    before = ParcelEvent.objects.filter(parcel=parcel).count()
    assert Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number)).status_code == 200
    Waybill.objects.filter(pk=waybill.pk).update(last_tracked_at=None)
    assert services.tracking_poll_due() == 0
    assert ParcelEvent.objects.filter(parcel=parcel).count() == before


def test_a_push_with_a_bad_signature_is_refused_and_logged_without_the_secret(
    handed_over: tuple[Parcel, Waybill],
    kuaidi100: FakeKuaidi100,
    caplog: pytest.LogCaptureFixture,
) -> None:
    parcel, waybill = handed_over
    _on_the_road(kuaidi100, waybill.tracking_number)
    forged = kuaidi100.push_form(waybill.tracking_number, salt="guessed-salt")
    before = ParcelEvent.objects.filter(parcel=parcel).count()

    with caplog.at_level(logging.WARNING):
        response = Client().post(PUSH, forged)
        unsigned = Client().post(PUSH, {"param": forged["param"]})

    assert response.status_code == 400
    assert response.json()["result"] is False
    assert unsigned.status_code == 400
    assert ParcelEvent.objects.filter(parcel=parcel).count() == before
    assert "push_bad_signature" in caplog.text
    assert "push_unsigned" in caplog.text
    assert kuaidi100.salt not in caplog.text
    assert forged["sign"] not in caplog.text
    # Not a form at all, or junk: still a 400, never a 500.
    assert Client().post(PUSH, "{}", content_type="application/json").status_code == 400
    assert Client().post(PUSH, {"param": "x" * 10, "sign": "y"}).status_code == 400


def test_an_exception_opens_a_task_that_staff_resolve(
    handed_over: tuple[Parcel, Waybill], kuaidi100: FakeKuaidi100, warehouse_manager: User
) -> None:
    parcel, waybill = handed_over
    kuaidi100.add_step(
        waybill.tracking_number,
        state="2",
        status_code="204",
        context="派件异常：地址不详，收件人电话无人接听",
    )
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))

    problems = selectors.carrier_exceptions_open()
    assert [(problem.parcel_id, problem.kind) for problem in problems] == [
        (parcel.pk, "address_problem")
    ]
    board = signed_in(warehouse_manager).get(reverse("logistics:carriers"), **EN)
    assert "Address problem" in board.content.decode()
    assert "地址不详" in board.content.decode()

    with pytest.raises(Exception, match="Write what was done"):
        services.carrier_exception_resolve(
            actor=warehouse_manager, exception_id=problems[0].pk, note=" "
        )
    services.carrier_exception_resolve(
        actor=warehouse_manager, exception_id=problems[0].pk, note="打电话给买家，地址已更正"
    )
    assert selectors.carrier_exceptions_open() == []
    assert CarrierException.objects.get().status == "resolved"


def test_delivered_outside_the_county_completes_the_order_like_a_van_delivery(
    handed_over: tuple[Parcel, Waybill], kuaidi100: FakeKuaidi100, guangzhou_order: Order
) -> None:
    parcel, waybill = handed_over
    seller_id = guangzhou_order.lines.get().seller_id
    owed = seller_balance(seller_id=seller_id)
    assert owed > 0
    kuaidi100.add_step(
        waybill.tracking_number, state="3", status_code="301", context="已签收，签收人：本人"
    )

    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))

    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.DELIVERED
    # The seller's money follows the order as after a van delivery: still owed, now for a
    # delivered order that settlement picks up.
    assert seller_balance(seller_id=seller_id) == owed
    assert Order.objects.get(pk=parcel.order_id).status == "delivered"


def test_a_delivered_push_delivers_the_parcel(
    handed_over: tuple[Parcel, Waybill], kuaidi100: FakeKuaidi100
) -> None:
    parcel, waybill = handed_over
    kuaidi100.add_step(
        waybill.tracking_number, state="3", status_code="301", context="已签收，签收人：本人"
    )
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.DELIVERED
    # A late in-transit step never moves a delivered parcel back.
    kuaidi100.add_step(waybill.tracking_number, state="0", context="快件在途")
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.DELIVERED


def test_parcels_nobody_pushed_about_are_polled(
    handed_over: tuple[Parcel, Waybill], kuaidi100: FakeKuaidi100
) -> None:
    parcel, waybill = handed_over
    assert services.tracking_poll_due() == 0  # nothing scanned yet ("查询无结果")
    _on_the_road(kuaidi100, waybill.tracking_number)
    # Asked a moment ago: not due.
    assert services.tracking_poll_due() == 0
    Waybill.objects.filter(pk=waybill.pk).update(
        last_tracked_at=timezone.now() - services.POLL_AFTER - timedelta(minutes=1)
    )
    assert services.tracking_poll_due() == 3
    queries = [call for call in kuaidi100.received if call.path == "/poll/query.do"]
    assert json.loads(queries[-1].fields["param"])["num"] == waybill.tracking_number
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.OUT_FOR_DELIVERY


def test_staff_type_the_county_couriers_steps(
    no_kuaidi100: None, guangzhou_order: Order, packer: User, buyer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    services.carrier_handoff(
        actor=packer, parcel_id=parcel.pk, carrier="county_courier", tracking_number="DZ20261203"
    )
    with pytest.raises(InvalidTrackingEventError):
        services.tracking_event_add(actor=packer, parcel_id=parcel.pk, code="teleported")
    with pytest.raises(InvalidTrackingEventError):
        services.tracking_event_add(actor=packer, parcel_id=parcel.pk, code="exception")
    services.tracking_event_add(
        actor=packer, parcel_id=parcel.pk, code="out_for_delivery", place="凯里", note="明天送达"
    )
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.OUT_FOR_DELIVERY
    step = selectors.parcel_timeline(parcel=parcel)[-1]
    assert (step.code, step.place, step.carrier_text) == ("out_for_delivery", "凯里", "明天送达")


def test_the_buyers_tracking_page_in_both_languages_and_nobody_elses(
    handed_over: tuple[Parcel, Waybill],
    kuaidi100: FakeKuaidi100,
    buyer: User,
    seller_owner: User,
    warehouse_manager: User,
) -> None:
    parcel, waybill = handed_over
    _on_the_road(kuaidi100, waybill.tracking_number)
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))
    url = reverse("logistics:track", kwargs={"number": parcel.number})

    english = signed_in(buyer).get(url, **EN).content.decode()
    assert "Out for delivery" in english
    assert "SF Express, tracking number " + waybill.tracking_number in english
    assert "快件已到达【贵阳转运中心】" in english  # the carrier's words, as data

    chinese = signed_in(buyer).get(url, **ZH).content.decode()
    assert "派送中" in chinese or "正在派送" in chinese
    assert "Out for delivery" not in chinese
    assert "顺丰速运" in chinese

    assert signed_in(seller_owner).get(url).status_code == 404
    assert signed_in(warehouse_manager).get(url).status_code == 200
    missing = reverse("logistics:track", kwargs={"number": "XCP000000000000"})
    assert signed_in(buyer).get(missing).status_code == 404
    # The order page shows the carrier and the steps too.
    order_page = signed_in(buyer).get(
        reverse("orders:detail", kwargs={"order_id": parcel.order_id}), **EN
    )
    assert waybill.tracking_number in order_page.content.decode()


def test_the_tracking_api_gives_carrier_number_and_events(
    handed_over: tuple[Parcel, Waybill],
    kuaidi100: FakeKuaidi100,
    buyer: User,
    seller_owner: User,
    api_for: Any,
) -> None:
    parcel, waybill = handed_over
    _on_the_road(kuaidi100, waybill.tracking_number)
    Client().post(PUSH, kuaidi100.push_form(waybill.tracking_number))
    url = f"/api/v1/logistics/parcels/{parcel.number}/tracking"

    body = api_for(buyer).get(url, **EN).json()
    assert body["carrier"] == "sf"
    assert body["tracking_number"] == waybill.tracking_number
    assert body["status"] == "out_for_delivery"
    assert [event["code"] for event in body["events"]][-3:] == [
        "collected",
        "in_transit",
        "out_for_delivery",
    ]
    assert body["events"][-1]["label"] == "Out for delivery"
    other = api_for(seller_owner).get(url)
    assert other.status_code == 404
    assert other.json()["code"] == "parcel_not_found"
    long_number = api_for(buyer).get("/api/v1/logistics/parcels/" + "X" * 500 + "/tracking")
    assert long_number.status_code == 404
