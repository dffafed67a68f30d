"""The farmer's pages (record a harvest, my lots, a lot with its QR code and PDF label) and the
staff recall page, with who may open each."""

import base64
import datetime
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.traceability.models import Lot

from .conftest import order_with_line


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_farmer_records_a_harvest_and_is_taken_to_pack_it(
    farmer: User, blueberry_variant: Variant
) -> None:
    client = logged_in(farmer)
    form = client.get(reverse("traceability:harvest"))
    assert form.status_code == 200
    assert blueberry_variant.product.name in form.content.decode()
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("traceability:harvest"),
        {
            "product": blueberry_variant.product_id,
            "harvested_on": day.isoformat(),
            "quantity": "85.5",
            "unit": "jin",
            "grade": "特级",
            "consent": "on",
        },
    )
    lot = Lot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("traceability:pack", kwargs={"lot_id": lot.pk})
    assert (lot.quantity, lot.unit, lot.grade, lot.harvested_on) == (
        85.5,
        "jin",
        "特级",
        day,
    )
    assert lot.farmer_consents_to_publish
    assert client.get(response["Location"]).status_code == 200
    page = client.get(reverse("traceability:lot", kwargs={"lot_id": lot.pk})).content.decode()
    assert "<svg" in page
    assert reverse("traceability:label", kwargs={"lot_id": lot.pk}) in page
    assert f"/01/{lot.gtin}/10/{lot.code}" in page


def test_a_harvest_form_with_mistakes_keeps_what_was_typed(
    farmer: User, blueberry_variant: Variant
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = logged_in(farmer).post(
        reverse("traceability:harvest"),
        {
            "product": blueberry_variant.product_id,
            "harvested_on": tomorrow.isoformat(),
            "quantity": "85.5",
            "unit": "jin",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="85.5"' in page
    assert "field-error" in page
    assert not Lot.objects.exists()


def test_an_agent_first_chooses_the_farmer_they_help(
    blueberry_variant: Variant, other_variant: Variant
) -> None:
    # Two farms to help: with only one, the agent lands on its form straight away.
    agent = UserFactory()
    role_grant(user=agent, role=Role.AGENT)
    client = logged_in(agent)
    choose = client.get(reverse("traceability:harvest"))
    assert "?seller=" in choose.content.decode()
    seller_id = blueberry_variant.product.seller_id
    form = client.get(reverse("traceability:harvest") + f"?seller={seller_id}")
    assert blueberry_variant.product.name in form.content.decode()


def test_someone_without_a_farm_cannot_record(stranger: User) -> None:
    assert logged_in(stranger).get(reverse("traceability:harvest")).status_code == 403


def test_my_lots_lists_my_lots_only(lot: Lot, farmer: User, stranger: User) -> None:
    assert lot.code in logged_in(farmer).get(reverse("traceability:lots")).content.decode()
    assert lot.code not in logged_in(stranger).get(reverse("traceability:lots")).content.decode()


def test_the_label_is_a_pdf_naming_the_lot(lot: Lot, farmer: User) -> None:
    response = logged_in(farmer).get(reverse("traceability:label", kwargs={"lot_id": lot.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert lot.code.encode() in body  # in the document's subject
    # The page itself prints the Digital Link in plain text under the QR code.
    # (ReportLab writes page streams as ASCII85 over Flate.)
    drawn = b"".join(
        zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", body, re.DOTALL)
        if stream.strip().endswith(b"~>")
    )
    assert f"/01/{lot.gtin}/10/{lot.code}".encode() in drawn
    assert b"/Image" in body  # the QR code


def test_only_the_lots_managers_and_staff_see_its_page_and_label(
    lot: Lot, stranger: User, warehouse_staff: User
) -> None:
    label = reverse("traceability:label", kwargs={"lot_id": lot.pk})
    page = reverse("traceability:lot", kwargs={"lot_id": lot.pk})
    assert logged_in(stranger).get(label).status_code == 403
    assert logged_in(stranger).get(page).status_code == 403
    assert Client().get(label).status_code == 302  # to the login page
    assert logged_in(warehouse_staff).get(label).status_code == 200
    missing = reverse("traceability:label", kwargs={"lot_id": lot.pk + 1000})
    assert logged_in(warehouse_staff).get(missing).status_code == 404


def test_staff_find_a_lot_see_its_buyers_and_recall_it(
    lot: Lot, blueberry_variant: Variant, programme_manager: User
) -> None:
    from xiangcun.traceability.services import event_pack

    line = order_with_line(blueberry_variant, buyer_name="李娜", phone="13912340001", number="X9")
    event_pack(lot=lot, order_line_id=line.pk, order_number="X9", quantity=1)
    client = logged_in(programme_manager)
    found = client.get(reverse("traceability:recall") + f"?code={lot.code.lower()}")
    assert "X9" in found.content.decode()
    assert "李娜" in found.content.decode()
    done = client.post(
        reverse("traceability:recall_submit", kwargs={"lot_id": lot.pk}),
        {"reason": "农药残留超标"},
    )
    assert done.status_code == 200
    assert "X9" in done.content.decode()
    lot.refresh_from_db()
    assert lot.status == Lot.Status.RECALLED


@pytest.mark.parametrize("who", ["farmer", "warehouse_staff"])
def test_the_recall_page_is_for_staff_with_the_permission_only(
    lot: Lot, who: str, request: pytest.FixtureRequest
) -> None:
    client = logged_in(request.getfixturevalue(who))
    assert client.get(reverse("traceability:recall")).status_code == 403
    response = client.post(
        reverse("traceability:recall_submit", kwargs={"lot_id": lot.pk}), {"reason": "x"}
    )
    assert response.status_code == 403
    lot.refresh_from_db()
    assert lot.status == Lot.Status.ACTIVE
