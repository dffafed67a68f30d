"""Waybill labels (76 x 130 and 100 x 150 mm), the courier's signed hand-over list, pickup
times, the carriers' pages and API, and the Kuaidi100 client's signatures."""

import base64
import re
from typing import Any

import pytest
import segno
from django.test import Client
from django.urls import reverse

from tests.logistics.factories import (
    CarrierExceptionFactory,
    CarrierHandoverFactory,
    CarrierPickupSlotFactory,
    WaybillFactory,
    packed,
    paid_order,
    to_guangzhou,
)
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.carriers import carrier_via
from xiangcun.logistics.carriers.base import CarrierError, InvalidPushError
from xiangcun.logistics.carriers.kuaidi100 import Kuaidi100, normalize_state
from xiangcun.logistics.errors import InvalidHandoverError, InvalidParcelStateError
from xiangcun.logistics.models import CarrierHandover, Parcel, ParcelEvent, Waybill
from xiangcun.orders.models import Order

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _signature_png() -> str:
    buffer = segno.make("sig").png_data_uri(scale=2)
    return str(buffer)


@pytest.fixture
def sf_parcel(no_kuaidi100: None, guangzhou_order: Order, packer: User) -> Parcel:
    """The Guangzhou parcel with its SF waybill typed by staff, waiting for SF's courier."""
    parcel = packed(guangzhou_order, packer, weight_g=2300)
    services.waybill_record(actor=packer, parcel_id=parcel.pk, tracking_number="SF1400000001")
    return parcel


def _media_box(pdf: bytes) -> tuple[float, float]:
    found = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert found, "no MediaBox"
    return float(found.group(1)), float(found.group(2))


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"), [("76x130", 76, 130), ("100x150", 100, 150)]
)
def test_the_waybill_label_has_the_exact_size_barcode_number_and_masked_phone(
    sf_parcel: Parcel, packer: User, size: str, width_mm: int, height_mm: int
) -> None:
    url = reverse("logistics:waybill_label", kwargs={"number": sf_parcel.number})
    response = signed_in(packer).get(url, {"size": size})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    width, height = _media_box(pdf)
    assert abs(width - width_mm * 72 / 25.4) < 0.01
    assert abs(height - height_mm * 72 / 25.4) < 0.01
    assert b"(SF1400000001) Tj" in pdf  # the number under the barcode, in plain text
    assert b"STSong-Light" in pdf  # the CJK font for names and addresses
    assert b"/Subtype /Image" in pdf  # the trace QR
    # The full phone number never appears on the label; the barcode bars do (many rects).
    assert sf_parcel.phone.encode() not in pdf
    assert pdf.count(b" re") > 30


def test_the_label_api_needs_staff_and_a_made_waybill(
    no_kuaidi100: None, guangzhou_order: Order, packer: User, buyer: User, api_for: Any
) -> None:
    parcel = packed(guangzhou_order, packer)
    url = f"/api/v1/logistics/parcels/{parcel.number}/label?size=76x130"
    waiting = api_for(packer).get(url, **EN)
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "waybill_state"
    services.waybill_record(actor=packer, parcel_id=parcel.pk, tracking_number="SF1400000002")
    assert api_for(packer).get(url).content.startswith(b"%PDF")
    assert api_for(buyer).get(url).status_code == 403
    assert api_for(packer).get(url.replace("76x130", "1x1")).status_code == 400


def test_the_courier_signs_for_the_days_parcels_and_the_list_is_kept(
    sf_parcel: Parcel, packer: User, buyer: User, variant: Any, station: Any
) -> None:
    second = packed(to_guangzhou(paid_order(buyer, variant.pk, station=station)), packer)
    services.waybill_record(actor=packer, parcel_id=second.pk, tracking_number="SF1400000003")
    CarrierPickupSlotFactory(carrier="sf")
    client = signed_in(packer)

    board = client.get(reverse("logistics:carriers"), **EN).content.decode()
    assert "2 parcels, 3.80 kg" in board
    assert "pickup 15:00-17:00" in board

    response = client.post(
        reverse("logistics:carrier_handover_sign", kwargs={"carrier": "sf"}),
        {"parcels": [sf_parcel.pk, second.pk], "courier_name": "", "signature": _signature_png()},
    )
    handover = CarrierHandover.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "logistics:carrier_handover", kwargs={"handover_id": handover.pk}
    )
    assert (handover.parcel_count, handover.total_weight_g) == (2, 3800)
    assert handover.signature.read().startswith(b"\x89PNG")
    assert set(Parcel.objects.values_list("status", flat=True)) == {"with_carrier"}
    assert set(Order.objects.values_list("status", flat=True)) == {"shipped"}
    printable = client.get(response["Location"], **EN).content.decode()
    assert "SF1400000001" in printable
    assert "SF1400000003" in printable
    assert "3.80 kg" in printable
    signature = client.get(
        reverse("logistics:carrier_handover_signature", kwargs={"handover_id": handover.pk})
    )
    assert b"".join(signature.streaming_content).startswith(b"\x89PNG")
    # Handed over once: not again.
    with pytest.raises(InvalidParcelStateError):
        services.carrier_handover(
            actor=packer, carrier="sf", parcel_ids=[sf_parcel.pk], courier_name="王"
        )


def test_a_hand_over_needs_a_name_or_a_real_signature_and_parcels_of_that_carrier(
    sf_parcel: Parcel, packer: User
) -> None:
    for bad in ({"courier_name": ""}, {"courier_name": "x" * 65}, {"parcel_ids": []}):
        arguments: dict[str, Any] = {"courier_name": "李师傅", "parcel_ids": [sf_parcel.pk]}
        with pytest.raises(InvalidHandoverError):
            services.carrier_handover(actor=packer, carrier="sf", **(arguments | bad))
    with pytest.raises(InvalidHandoverError):
        services.signature_png("data:image/png;base64," + base64.b64encode(b"GIF89a").decode())
    with pytest.raises(InvalidParcelStateError):
        services.carrier_handover(
            actor=packer, carrier="ems", parcel_ids=[sf_parcel.pk], courier_name="李师傅"
        )


def test_the_handover_api(sf_parcel: Parcel, packer: User, buyer: User, api_for: Any) -> None:
    created = api_for(packer).post(
        "/api/v1/logistics/handovers",
        {"carrier": "sf", "parcels": [sf_parcel.number], "courier_name": "李师傅"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["parcel_count"], body["tracking_numbers"]) == (1, ["SF1400000001"])
    got = api_for(packer).get(f"/api/v1/logistics/handovers/{body['id']}")
    assert got.json()["parcels"] == [sf_parcel.number]
    assert api_for(buyer).get(f"/api/v1/logistics/handovers/{body['id']}").status_code == 403
    unknown = api_for(packer).post(
        "/api/v1/logistics/handovers",
        {"carrier": "sf", "parcels": ["NOPE"], "courier_name": "李"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert api_for(packer).get("/api/v1/logistics/handovers/999999").status_code == 404


def test_the_waybill_api_makes_and_cancels(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User, buyer: User, api_for: Any
) -> None:
    parcel = packed(guangzhou_order, packer)
    live = api_for(packer).post(
        f"/api/v1/logistics/parcels/{parcel.number}/waybill",
        {"carrier": "sf"},
        content_type="application/json",
    )
    assert live.status_code == 409  # packing reserved one already
    waybill = Waybill.objects.get(parcel=parcel)
    cancelled = api_for(packer).post(f"/api/v1/logistics/waybills/{waybill.pk}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    typed = api_for(packer).post(
        f"/api/v1/logistics/parcels/{parcel.number}/waybill",
        {"carrier": "ems", "tracking_number": "EMS1234567890"},
        content_type="application/json",
    )
    assert typed.status_code == 201
    assert typed.json()["status"] == "created"
    refused = api_for(buyer).post(
        f"/api/v1/logistics/parcels/{parcel.number}/waybill",
        {"carrier": "sf"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    junk = api_for(packer).post(
        f"/api/v1/logistics/parcels/{parcel.number}/waybill",
        {"carrier": "x" * 100},
        content_type="application/json",
    )
    assert junk.status_code in (400, 422)


def test_the_parcel_carrier_page_records_a_number_and_prints(
    no_kuaidi100: None, guangzhou_order: Order, packer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    client = signed_in(packer)
    url = reverse("logistics:parcel_carrier", kwargs={"number": parcel.number})
    page = client.get(url, **EN).content.decode()
    assert "Type the courier&#x27;s tracking number" in page or "Type the courier" in page
    bad = client.post(url, {"action": "record", "carrier": "sf", "tracking_number": "1"}, **EN)
    assert bad.status_code == 200
    assert "tracking number" in bad.content.decode()
    done = client.post(
        url, {"action": "record", "carrier": "sf", "tracking_number": "SF1400000009"}
    )
    assert done.status_code == 302
    page = client.get(url, **EN).content.decode()
    assert "SF1400000009" in page
    assert "waybill-label-76x130" in page
    packing = client.get(
        reverse("logistics:packing_task", kwargs={"task_id": parcel.task_id}), **EN
    ).content.decode()
    assert url in packing


def test_pickup_times_are_for_the_warehouse_manager(warehouse_manager: User, packer: User) -> None:
    services.pickup_slot_set(
        actor=warehouse_manager, carrier="ems", window_start_min=14 * 60, window_end_min=16 * 60
    )
    response = signed_in(warehouse_manager).post(
        reverse("logistics:carrier_slot_set"), {"carrier": "ems", "start": "17:00", "end": "16:00"}
    )
    assert response.status_code == 302
    assert (
        signed_in(packer)
        .post(
            reverse("logistics:carrier_slot_set"),
            {"carrier": "ems", "start": "09:00", "end": "10:00"},
        )
        .status_code
        == 403
    )


def test_factories_make_valid_rows(sf_parcel: Parcel) -> None:
    handover = CarrierHandoverFactory()
    waybill = Waybill.objects.get(parcel=sf_parcel)
    event = ParcelEvent.objects.filter(parcel=sf_parcel).last()
    problem = CarrierExceptionFactory(parcel=sf_parcel, waybill=waybill, event=event)
    assert problem.status == "open"
    assert handover.parcel_count == 1
    cancelled = WaybillFactory(parcel=sf_parcel, status=Waybill.Status.CANCELLED)
    assert cancelled.tracking_number.startswith("SF")


# --- The Kuaidi100 client against the fake ------------------------------------------------------


def test_kuaidi100_signatures_good_and_bad(kuaidi100: FakeKuaidi100, settings: Any) -> None:
    assert carrier_via("sf") == "kuaidi100"
    assert carrier_via("county_courier") == "manual"
    kuaidi100.add_step("SF1400000077", state="1", status_code="103", context="已揽收")
    updates = Kuaidi100().track(carrier="sf", tracking_number="SF1400000077", phone="")
    assert [(update.code, update.text) for update in updates] == [("collected", "已揽收")]

    settings.KUAIDI100_CUSTOMER = "SOMEONEELSE"
    with pytest.raises(CarrierError) as refused:
        Kuaidi100().track(carrier="sf", tracking_number="SF1400000077", phone="")
    assert refused.value.code == "kuaidi100_query_601"
    assert not refused.value.retry

    good = kuaidi100.push_form("SF1400000077")
    assert Kuaidi100().parse_push(good).updates[0].code == "collected"
    with pytest.raises(InvalidPushError, match="push_bad_signature"):
        Kuaidi100().parse_push({**good, "sign": good["sign"].lower()[::-1]})
    settings.KUAIDI100_SALT = ""
    with pytest.raises(InvalidPushError):
        Kuaidi100().parse_push(good)  # no salt configured: nothing is trusted


def test_kuaidi100_states_are_normalized() -> None:
    assert normalize_state("0") == ("in_transit", "")
    assert normalize_state("5") == ("out_for_delivery", "")
    assert normalize_state("3") == ("delivered", "")
    assert normalize_state("304") == ("delivered", "")
    assert normalize_state("14") == ("exception", "refused")
    assert normalize_state("209") == ("exception", "damaged")
    assert normalize_state("6") == ("exception", "returned")
    assert normalize_state("204") == ("exception", "address_problem")
    assert normalize_state("99999") == ("in_transit", "")


def test_unconfigured_kuaidi100_is_off(no_kuaidi100: None) -> None:
    assert not Kuaidi100().configured()
    assert carrier_via("sf") == "manual"
