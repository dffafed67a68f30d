"""The service-centre pages through the Django test client: the desk, finding and registering
residents, the resident's page, the receipt, in Chinese and in English; an agent of another
station is refused; no path or query makes a 500."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.regions.factories import StationFactory, VillageFactory
from tests.servicecenter.factories import (
    agent_at,
    consented_resident,
    goods_in_stock,
    id_number,
    supervisor,
)
from xiangcun.accounts.models import ResidentProfile
from xiangcun.core.pages import desk_entries
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import Consent

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


def _cash_order(agent: Any, station: Any, resident: Any, key: str = "page-1") -> Any:
    variant = goods_in_stock()
    services.drawer_open(actor=agent, float_amount=Decimal("100.00"), station_id=station.pk)
    return services.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(variant.pk, 2)],
        payment_method="cash",
        idempotency_key=key,
        station_id=station.pk,
    ).order


# --- the desk ---------------------------------------------------------------------------------


def test_desk_shows_the_day_in_english_and_in_chinese(
    client: Client, agent: Any, station: Any
) -> None:
    resident = consented_resident(station, agent, name="Wang Laoshi")
    order = _cash_order(agent, station, resident)
    _signed_in(client, agent)

    english = client.get(reverse("servicecenter:desk"), **EN)
    assert english.status_code == 200
    html = english.content.decode()
    assert "Service desk" in html
    assert station.name in html
    assert "Cash in the drawer" in html
    assert order.number in html  # the order in progress
    assert "Wang Laoshi" in html  # served today
    assert reverse("logistics:handover") in html
    assert reverse("console:home") in html  # help a farmer list a product
    assert reverse("jobs:list") in html  # registered by jobs, not imported

    chinese = client.get(reverse("servicecenter:desk"), **ZH).content.decode()
    assert "Service desk" not in chinese
    assert "Cash in the drawer" not in chinese
    assert order.number in chinese


def test_agents_home_in_the_nav_is_the_desk(client: Client, agent: Any) -> None:
    html = _signed_in(client, agent).get("/", **EN).content.decode()
    assert f'href="{reverse("servicecenter:desk")}" data-nav="service_desk"' in html


def test_registry_lists_only_entries_the_roles_may_open() -> None:
    keys = {entry.key for entry in desk_entries(["agent"])}
    assert "jobs_applicant" in keys
    assert "training_attendance" not in keys  # the attendance sheet is the trainers'
    assert "training_attendance" in {entry.key for entry in desk_entries(["trainer"])}
    assert desk_entries(["buyer"]) == []


def test_desk_refuses_someone_who_is_not_an_agent(client: Client, buyer: Any) -> None:
    response = _signed_in(client, buyer).get(reverse("servicecenter:desk"), **EN)
    assert response.status_code == 403


def test_desk_sends_a_visitor_to_log_in(client: Client) -> None:
    response = client.get(reverse("servicecenter:desk"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_agent_without_a_station_is_told_so(client: Client) -> None:
    from tests.accounts.factories import user_with_role
    from xiangcun.accounts.types import Role

    lonely = user_with_role(Role.AGENT)
    response = _signed_in(client, lonely).get(reverse("servicecenter:desk"), **EN)
    assert response.status_code == 403
    assert "not working at a station yet" in response.content.decode()


def test_supervisor_chooses_the_station_first(client: Client, station: Any) -> None:
    _signed_in(client, supervisor())
    choose = client.get(reverse("servicecenter:desk"), **EN)
    assert choose.status_code == 200
    assert f"?station={station.pk}" in choose.content.decode()
    desk = client.get(reverse("servicecenter:desk"), {"station": station.pk}, **EN)
    assert desk.status_code == 200
    assert station.name in desk.content.decode()


def test_agent_naming_another_station_is_refused(client: Client, agent: Any) -> None:
    other = StationFactory()
    response = _signed_in(client, agent).get(
        reverse("servicecenter:desk"), {"station": other.pk}, **EN
    )
    assert response.status_code == 403


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "1e9", "\u0661"])
def test_a_bad_station_query_is_no_500(client: Client, agent: Any, value: str) -> None:
    response = _signed_in(client, agent).get(reverse("servicecenter:desk"), {"station": value})
    assert response.status_code in (200, 400, 403)


# --- residents --------------------------------------------------------------------------------


def test_find_a_resident_without_a_phone_by_name_in_both_languages(
    client: Client, agent: Any, station: Any
) -> None:
    resident = consented_resident(station, agent, name="Yang Ayi")
    _signed_in(client, agent)
    html = client.get(reverse("servicecenter:residents"), {"q": "Yang"}, **EN).content.decode()
    assert reverse("servicecenter:resident", kwargs={"resident_id": resident.pk}) in html
    assert "no mobile number" in html
    zh = client.get(reverse("servicecenter:residents"), {"q": "Yang"}, **ZH).content.decode()
    assert "Yang Ayi" in zh
    assert "no mobile number" not in zh


def test_find_shows_nobody_from_another_station(client: Client, agent: Any) -> None:
    elsewhere = StationFactory()
    consented_resident(elsewhere, agent_at(elsewhere), name="Other Station Person")
    html = (
        _signed_in(client, agent)
        .get(reverse("servicecenter:residents"), {"q": "Other Station"}, **EN)
        .content.decode()
    )
    assert "Other Station Person" not in html
    assert 'data-testid="none-found"' in html


@pytest.mark.parametrize("q", ["52263619560312001X", "x" * 41, "\x00", "1" * 18])
def test_find_with_a_bad_query_answers_without_a_500(client: Client, agent: Any, q: str) -> None:
    response = _signed_in(client, agent).get(reverse("servicecenter:residents"), {"q": q}, **EN)
    assert response.status_code in (200, 400)


def test_register_needs_the_consent_box(client: Client, agent: Any, station: Any) -> None:
    _signed_in(client, agent)
    form = client.get(reverse("servicecenter:resident_new"), **EN)
    assert form.status_code == 200
    # The village select is narrowed to the station's township.
    assert f'value="{station.village_id}"' in form.content.decode()
    body = {"name": "Pan Nainai", "village": station.village_id, "township": ""}
    refused = client.post(reverse("servicecenter:resident_new"), body, **EN)
    assert refused.status_code == 200
    assert "tick the box" in refused.content.decode()
    assert not ResidentProfile.objects.filter(name="Pan Nainai").exists()


def test_register_with_consent_opens_the_residents_page(
    client: Client, agent: Any, station: Any
) -> None:
    _signed_in(client, agent)
    body = {
        "name": "Pan Nainai",
        "village": station.village_id,
        "id_number": id_number(),
        "consent": "on",
    }
    response = client.post(reverse("servicecenter:resident_new"), body, **EN)
    resident = ResidentProfile.objects.get(name="Pan Nainai")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "servicecenter:resident", kwargs={"resident_id": resident.pk}
    )
    assert Consent.objects.filter(resident=resident, station=station).exists()
    page = client.get(response["Location"], **EN).content.decode()
    assert resident.id_number_masked in page
    assert f"{reverse('servicecenter:counter')}?resident={resident.pk}" in page
    assert "recorded by Li Na" in page


def test_the_township_select_narrows_the_villages(client: Client, agent: Any) -> None:
    other = VillageFactory()
    html = (
        _signed_in(client, agent)
        .get(reverse("servicecenter:resident_new"), {"township": other.township.code}, **EN)
        .content.decode()
    )
    assert f'value="{other.pk}"' in html


def test_residents_page_lists_their_orders(client: Client, agent: Any, station: Any) -> None:
    resident = consented_resident(station, agent, name="Long Shushu")
    order = _cash_order(agent, station, resident)
    url = reverse("servicecenter:resident", kwargs={"resident_id": resident.pk})
    html = _signed_in(client, agent).get(url, **EN).content.decode()
    assert order.number in html
    assert "Cash at the counter" in html
    zh = client.get(url, **ZH).content.decode()
    assert order.number in zh
    assert "Cash at the counter" not in zh


def test_agent_of_another_station_cannot_open_the_resident(
    client: Client, agent: Any, station: Any
) -> None:
    resident = consented_resident(station, agent)
    stranger = agent_at(StationFactory())
    url = reverse("servicecenter:resident", kwargs={"resident_id": resident.pk})
    assert _signed_in(client, stranger).get(url, **EN).status_code == 403


def test_an_unknown_resident_is_404(client: Client, agent: Any) -> None:
    url = reverse("servicecenter:resident", kwargs={"resident_id": 99_999_999})
    assert _signed_in(client, agent).get(url, **EN).status_code == 404


def test_withdrawing_consent_closes_the_resident_to_the_station(
    client: Client, agent: Any, station: Any
) -> None:
    resident = consented_resident(station, agent)
    _signed_in(client, agent)
    response = client.post(
        reverse("servicecenter:consent_withdraw", kwargs={"resident_id": resident.pk}), **EN
    )
    assert response.status_code == 302
    url = reverse("servicecenter:resident", kwargs={"resident_id": resident.pk})
    assert client.get(url, **EN).status_code == 403


# --- the receipt ------------------------------------------------------------------------------


def test_receipt_in_large_type_with_lines_total_and_payment(
    client: Client, agent: Any, station: Any
) -> None:
    resident = consented_resident(station, agent)
    order = _cash_order(agent, station, resident)
    url = reverse("servicecenter:receipt", kwargs={"order_id": order.pk})
    response = _signed_in(client, agent).get(url, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<span class="receipt-number" data-testid="number">{order.number}</span>' in html
    assert "¥25.00" in html  # two at ¥12.50
    assert "Cash at the counter" in html
    assert "servicecenter/desk.css" in html  # large type and print rules
    zh = client.get(url, **ZH).content.decode()
    assert "Receipt" not in zh.split("<main", 1)[1]


def test_receipt_refused_to_an_agent_of_another_station(
    client: Client, agent: Any, station: Any
) -> None:
    order = _cash_order(agent, station, consented_resident(station, agent))
    stranger = agent_at(StationFactory())
    url = reverse("servicecenter:receipt", kwargs={"order_id": order.pk})
    assert _signed_in(client, stranger).get(url, **EN).status_code in (403, 404)
    assert _signed_in(client, agent).get(url, **EN).status_code == 200
