"""/api/v1/servicecenter/residents: find and register, agents of the station and staff above
them only; every bad body a 4xx with a code."""

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.regions.factories import StationFactory
from tests.servicecenter.factories import agent_at, consented_resident, id_number, supervisor
from xiangcun.accounts.models import ResidentProfile
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/servicecenter/residents"


def _post(client: Client, body: object, headers: dict[str, str]):
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_register_then_find_by_id_number(client: Client, bearer) -> None:
    station = StationFactory()
    agent = agent_at(station)
    number = id_number()
    body = {
        "name": "杨阿婆",
        "village": station.village.code,
        "id_number": number,
        "consent": True,
    }
    answer = _post(client, body, bearer(agent))
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["name"] == "杨阿婆"
    assert created["phone_masked"] == ""
    assert created["has_login"] is False
    assert created["village_code"] == station.village.code
    assert number not in answer.content.decode()

    found = client.get(URL, {"q": number}, headers=bearer(agent))
    assert found.status_code == 200
    assert found.json()["count"] == 1
    assert found.json()["items"][0]["id"] == created["id"]


def test_without_consent_is_400_and_nothing_is_registered(client: Client, bearer) -> None:
    station = StationFactory()
    agent = agent_at(station)
    for body in (
        {"name": "杨阿婆", "village": station.village.code},
        {"name": "杨阿婆", "village": station.village.code, "consent": False},
    ):
        answer = _post(client, body, bearer(agent))
        assert answer.status_code == 400
        assert answer.json()["code"] == "consent_required"
    assert not ResidentProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.BUYER, Role.SELLER, Role.DRIVER])
def test_others_are_403(client: Client, bearer, role: Role) -> None:
    station = StationFactory()
    user = user_with_role(role)
    body = {"name": "杨阿婆", "village": station.village.code, "consent": True}
    assert _post(client, body, bearer(user)).status_code == 403
    assert client.get(URL, {"q": "杨"}, headers=bearer(user)).status_code == 403
    assert client.get(URL).status_code == 401
    assert not ResidentProfile.objects.exists()


def test_an_agent_finds_only_residents_of_their_station(client: Client, bearer) -> None:
    station, other = StationFactory(), StationFactory()
    agent = agent_at(station)
    consented_resident(other, agent_at(other), name="杨阿婆")
    mine = consented_resident(station, agent, name="杨大姐")
    answer = client.get(URL, {"q": "杨"}, headers=bearer(agent))
    assert [item["id"] for item in answer.json()["items"]] == [mine.pk]
    # Naming another station is refused, not answered with its residents.
    answer = client.get(URL, {"q": "杨", "station": other.pk}, headers=bearer(agent))
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_your_station"


def test_a_supervisor_names_the_station(client: Client, bearer) -> None:
    station = StationFactory()
    boss = supervisor()
    body = {"name": "杨阿婆", "village": station.village.code, "consent": True}
    assert _post(client, body, bearer(boss)).status_code == 409
    answer = _post(client, {**body, "station": station.pk}, bearer(boss))
    assert answer.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        [],
        "x",
        {"consent": True},
        {"name": "x" * 65, "village": "1", "consent": True},
        {"name": "杨", "village": "999999999999", "consent": True},
        {"name": "杨", "village": "abc", "consent": True},
        {"name": "杨", "village": 2**70, "consent": True},
        {"name": "杨", "village": "522636", "phone": "12345", "consent": True},
        {"name": "杨", "village": "522636", "id_number": "522636195603120011", "consent": True},
        {"name": "杨\x00", "village": "522636", "consent": True},
        {"name": "杨", "village": "522636", "consent": True, "station": 2**70},
        {"name": "杨", "village": "522636", "id_number": "9" * 41, "consent": True},
        {"name": "", "village": "522636", "consent": True},
    ],
)
def test_bad_bodies_are_refused_with_a_code(client: Client, bearer, body: object) -> None:
    agent = agent_at()
    answer = _post(client, body, bearer(agent))
    assert answer.status_code in (400, 422), answer.content
    assert answer.json()["code"]


@pytest.mark.parametrize(
    "query", [{"q": "x" * 65}, {"limit": 0}, {"limit": 10**30}, {"station": -1}, {"q": "杨\x00"}]
)
def test_bad_queries_are_refused_with_a_code(client: Client, bearer, query) -> None:
    answer = client.get(URL, query, headers=bearer(agent_at()))
    assert answer.status_code in (400, 422), answer.content
    assert answer.json()["code"]


def test_a_user_with_no_role_is_403(client: Client, bearer) -> None:
    assert client.get(URL, headers=bearer(UserFactory())).status_code == 403
