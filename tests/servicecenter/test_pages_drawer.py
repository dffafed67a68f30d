"""The cash pages through the Django test client: open the drawer, see what it should hold,
close it with the notes and coins and a reason, the day's report (supervisors choose the station),
the commission page; refusals beside their fields, in the reader's language; another station's
drawer is out of reach."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.regions.factories import StationFactory, VillageFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock, supervisor
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import Drawer

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def station() -> Any:
    return StationFactory(village=VillageFactory())


@pytest.fixture
def agent(station: Any) -> Any:
    return agent_at(station, name="Li Na")


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_open_the_drawer_with_a_float(client: Client, agent: Any) -> None:
    _signed_in(client, agent)
    page = client.get(reverse("servicecenter:drawer"), **EN)
    assert 'data-testid="open-form"' in page.content.decode()
    response = client.post(reverse("servicecenter:drawer"), {"float_amount": "200"}, **EN)
    assert response.status_code == 302
    drawer = Drawer.objects.get(agent=agent)
    assert drawer.status == Drawer.Status.OPEN
    assert drawer.float_amount == Decimal("200.00")
    html = client.get(reverse("servicecenter:drawer"), **EN).content.decode()
    assert "¥200.00" in html
    assert 'data-testid="close-form"' in html


@pytest.mark.parametrize("value", ["abc", "-5", "1e30", "9" * 30])
def test_a_bad_float_is_refused_beside_the_field(client: Client, agent: Any, value: str) -> None:
    response = _signed_in(client, agent).post(
        reverse("servicecenter:drawer"), {"float_amount": value}, **EN
    )
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Drawer.objects.filter(agent=agent).exists()


def test_close_counts_notes_and_coins_and_posts_the_variance(
    client: Client, agent: Any, station: Any
) -> None:
    drawer = services.drawer_open(actor=agent, float_amount=Decimal("100"), station_id=station.pk)
    resident = consented_resident(station, agent)
    services.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(goods_in_stock().pk, 2)],
        payment_method="cash",
        idempotency_key="drawer-page-1",
        station_id=station.pk,
    )
    _signed_in(client, agent)
    assert "¥125.00" in client.get(reverse("servicecenter:drawer"), **EN).content.decode()
    url = reverse("servicecenter:drawer_close", kwargs={"drawer_id": drawer.pk})
    body = {"n_100": "1", "n_20": "1", "n_1": "4", "reason": "gave wrong change"}
    response = client.post(url, body, **EN)
    assert response.status_code == 302
    drawer.refresh_from_db()
    assert drawer.status == Drawer.Status.CLOSED
    assert drawer.counted == Decimal("124.00")
    assert drawer.variance == Decimal("-1.00")
    assert drawer.denominations == {"100": 1, "20": 1, "1": 4}
    closed = client.get(response["Location"], **EN).content.decode()
    assert 'data-testid="closed"' in closed
    assert "gave wrong change" in closed
    # A second close is refused, in the reader's language.
    again = client.post(url, {"counted": "124"}, **ZH)
    assert again.status_code in (400, 409)


def test_close_without_a_count_says_so(client: Client, agent: Any, station: Any) -> None:
    drawer = services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    url = reverse("servicecenter:drawer_close", kwargs={"drawer_id": drawer.pk})
    response = _signed_in(client, agent).post(url, {"reason": ""}, **EN)
    assert response.status_code == 400
    assert "Count the notes and coins" in response.content.decode()
    drawer.refresh_from_db()
    assert drawer.status == Drawer.Status.OPEN


def test_a_variance_without_a_reason_is_refused(client: Client, agent: Any, station: Any) -> None:
    drawer = services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    url = reverse("servicecenter:drawer_close", kwargs={"drawer_id": drawer.pk})
    response = _signed_in(client, agent).post(url, {"counted": "9.50"}, **EN)
    assert response.status_code == 400
    drawer.refresh_from_db()
    assert drawer.status == Drawer.Status.OPEN


def test_another_agents_drawer_cannot_be_closed(client: Client, agent: Any, station: Any) -> None:
    drawer = services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    stranger = agent_at(StationFactory())
    url = reverse("servicecenter:drawer_close", kwargs={"drawer_id": drawer.pk})
    response = _signed_in(client, stranger).post(url, {"counted": "10"}, **EN)
    assert response.status_code in (403, 404)
    drawer.refresh_from_db()
    assert drawer.status == Drawer.Status.OPEN


def test_cash_pages_open_in_both_languages(client: Client, agent: Any, station: Any) -> None:
    services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    _signed_in(client, agent)
    for name, english in (
        ("servicecenter:loan_repayment", "Take a loan repayment in cash"),
        ("servicecenter:refund", "Pay out a refund"),
        ("servicecenter:drawer", "Cash drawer"),
    ):
        assert english in client.get(reverse(name), **EN).content.decode()
        assert english not in client.get(reverse(name), **ZH).content.decode()


def test_an_unknown_loan_is_told_beside_the_field(client: Client, agent: Any, station: Any) -> None:
    services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    response = _signed_in(client, agent).post(
        reverse("servicecenter:loan_repayment"),
        {"loan": "NO-SUCH-LOAN", "amount": "10", "key": "k1"},
        **EN,
    )
    assert response.status_code == 200
    assert "No running loan has this number" in response.content.decode()


def test_an_unknown_refund_number_is_refused(client: Client, agent: Any, station: Any) -> None:
    services.drawer_open(actor=agent, float_amount=Decimal("10"), station_id=station.pk)
    response = _signed_in(client, agent).post(
        reverse("servicecenter:refund"), {"refund": "RF-NOPE"}, **EN
    )
    assert response.status_code in (200, 400, 404, 409)
    assert response.status_code != 302


def test_report_for_the_agents_station_and_a_supervisors_choice(
    client: Client, agent: Any, station: Any
) -> None:
    services.drawer_open(actor=agent, float_amount=Decimal("30"), station_id=station.pk)
    html = _signed_in(client, agent).get(reverse("servicecenter:report"), **EN).content.decode()
    assert 'data-testid="report"' in html
    assert "¥30.00" in html
    StationFactory()  # with more than one station, a supervisor chooses
    boss = supervisor()
    _signed_in(client, boss)
    choose = client.get(reverse("servicecenter:report"), **EN).content.decode()
    assert 'data-testid="report"' not in choose
    chosen = client.get(
        reverse("servicecenter:report"), {"station": station.pk, "day": "2000-01-01"}, **EN
    ).content.decode()
    assert 'data-testid="report"' in chosen
    assert "No drawer was opened" in chosen


@pytest.mark.parametrize("query", [{"day": "not-a-day"}, {"station": "x"}, {"day": "9999-12-31"}])
def test_report_with_a_bad_query_is_no_500(client: Client, agent: Any, query: Any) -> None:
    response = _signed_in(client, agent).get(reverse("servicecenter:report"), query, **EN)
    assert response.status_code == 200


def test_commission_page_for_the_agent(client: Client, agent: Any) -> None:
    response = _signed_in(client, agent).get(reverse("servicecenter:commission"), **EN)
    assert response.status_code == 200
    assert "Owed to you now" in response.content.decode()
    zh = client.get(reverse("servicecenter:commission"), **ZH).content.decode()
    assert "Owed to you now" not in zh


def test_commission_page_refuses_a_buyer(client: Client, buyer: Any) -> None:
    response = _signed_in(client, buyer).get(reverse("servicecenter:commission"), **EN)
    assert response.status_code == 403
