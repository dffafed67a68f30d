"""The impact API: the summary's exact shape (issue 12 item 7), money as strings in yuan, the
filters, who may read, and the public summary's withheld counts."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.impact.factories import (
    BuyerDayFactory,
    IncomeDayFactory,
    JobsDayFactory,
    SalesDayFactory,
    built,
    reach,
)
from tests.regions.factories import VillageFactory
from xiangcun.accounts.models import Household, User
from xiangcun.accounts.services import api_token_issue
from xiangcun.accounts.types import Role
from xiangcun.impact.models import Direction, Way
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db
API = "/api/v1/impact"
d = datetime.date


def _client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user).token}"})


@pytest.fixture
def manager() -> Client:
    return _client(user_with_role(Role.PROGRAMME_MANAGER))


@pytest.fixture
def county() -> dict[str, Any]:
    """Two townships (v1 and v2 in the first, v3 in the second) and a month of facts."""
    v1 = VillageFactory()
    v2 = VillageFactory(township=v1.township)
    v3 = VillageFactory()
    built(d(2026, 1, 1), d(2026, 1, 31))
    t1, t2 = v1.township_id, v3.township_id
    poor = Household.objects.create(village=v1, head_name="王大", registered_poor=True)
    Household.objects.create(village=v2, head_name="李二", registered_poor=True)
    reach(
        resident_id=1,
        day=d(2026, 1, 3),
        way=Way.SOLD,
        village_id=v1.pk,
        township_id=t1,
        household_id=poor.pk,
        poor=True,
    )
    reach(
        resident_id=1,
        day=d(2026, 1, 4),
        way=Way.BOUGHT,
        village_id=v1.pk,
        township_id=t1,
        household_id=poor.pk,
        poor=True,
    )
    reach(resident_id=2, day=d(2026, 1, 20), way=Way.EMPLOYED, village_id=v2.pk, township_id=t1)
    reach(resident_id=3, day=d(2026, 1, 25), way=Way.TRAINED, village_id=v3.pk, township_id=t2)
    SalesDayFactory(
        day=d(2026, 1, 3), township_id=t1, village_id=v1.pk, amount=Decimal("1234.50"), orders=2
    )
    SalesDayFactory(
        day=d(2026, 1, 22),
        direction=Direction.DOWNWARD,
        township_id=t2,
        village_id=v3.pk,
        amount=Decimal("88.08"),
    )
    BuyerDayFactory(day=d(2026, 1, 3), buyer_id=50, township_id=t1, village_id=v1.pk)
    JobsDayFactory(day=d(2026, 1, 20), township_id=t1, role="packer", hires=1)
    IncomeDayFactory(
        day=d(2026, 1, 9),
        seller_id=5,
        township_id=t1,
        village_id=v1.pk,
        household_id=poor.pk,
        poor=True,
        amount=Decimal("300.00"),
    )
    return {"v1": v1, "v2": v2, "v3": v3, "poor": poor}


def test_summary_has_the_issues_shape_with_money_as_strings(
    manager: Client, county: dict[str, Any]
) -> None:
    response = manager.get(f"{API}/summary")

    assert response.status_code == 200
    body = response.json()
    issue_keys = {
        "residents_reached",
        "residents_by_way",
        "poor_households_reached",
        "jobs_filled",
        "targets",
        "upward_sales",
        "downward_sales",
        "as_of",
    }
    assert issue_keys <= set(body)
    assert {key: body[key] for key in issue_keys - {"as_of"}} == {
        "residents_reached": 3,
        "residents_by_way": {"sold": 1, "bought": 1, "employed": 1, "trained": 1, "borrowed": 0},
        "poor_households_reached": 1,
        "jobs_filled": 1,
        "targets": {"residents": 30000, "jobs": 2000},
        "upward_sales": "1234.50",
        "downward_sales": "88.08",
    }
    assert body["as_of"] is not None
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-01-31")
    assert body["upward"] == {"sales": "1234.50", "orders": 2, "buyers": 1}
    assert body["poor_households_total"] == 2
    assert body["local_seller_income"] == "300.00"
    assert body["loans"]["outstanding"] == "0.00"


def test_summary_filters_by_township_and_period(manager: Client, county: dict[str, Any]) -> None:
    township = county["v1"].township.code

    body = manager.get(
        f"{API}/summary", {"township": township, "from": "2026-01-04", "to": "2026-01-31"}
    ).json()

    assert (body["from"], body["to"]) == ("2026-01-04", "2026-01-31")
    assert body["residents_reached"] == 2
    assert body["residents_by_way"]["sold"] == 0
    assert body["upward_sales"] == "0.00"
    assert body["downward_sales"] == "0.00"

    village = manager.get(f"{API}/summary", {"village": county["v2"].code}).json()
    assert village["residents_reached"] == 1


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"from": "2026-02-30"}, 400, "bad_period"),
        ({"from": "2026-03-01", "to": "2026-01-01"}, 400, "bad_period"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, 400, "bad_period"),
        ({"township": "123"}, 404, "unknown_township"),
        ({"village": "522636999999998"}, 404, "unknown_village"),
        ({"category": "nothing"}, 404, "unknown_category"),
        ({"from": "2026-01-01" * 50}, 422, "invalid_input"),
        ({"township": "9" * 100}, 422, "invalid_input"),
    ],
)
def test_bad_filters_answer_their_error(
    manager: Client, query: dict[str, str], status: int, code: str
) -> None:
    response = manager.get(f"{API}/summary", query)
    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.parametrize("path", ["summary", "series", "areas", "households"])
def test_only_viewers_read_the_figures(path: str) -> None:
    assert Client().get(f"{API}/{path}").status_code == 401
    for role in (Role.BUYER, Role.AGENT, Role.LOAN_OFFICER, Role.WAREHOUSE):
        response = _client(user_with_role(role)).get(f"{API}/{path}")
        assert (response.status_code, response.json()["code"]) == (403, "not_an_impact_viewer")
    for viewer in (user_with_role(Role.ADMIN), UserFactory(is_superuser=True, is_staff=True)):
        assert _client(viewer).get(f"{API}/{path}").status_code == 200


def test_series_gives_counts_and_money(manager: Client, county: dict[str, Any]) -> None:
    body = manager.get(f"{API}/series", {"metric": "upward_sales", "grain": "month"}).json()
    assert body == {
        "metric": "upward_sales",
        "grain": "month",
        "points": [{"start": "2026-01-01", "value": "1234.50"}],
    }
    days = manager.get(
        f"{API}/series",
        {"metric": "residents_reached", "grain": "day", "from": "2026-01-03", "to": "2026-01-05"},
    ).json()
    assert [point["value"] for point in days["points"]] == [1, 1, 0]
    refused = manager.get(f"{API}/series", {"metric": "everything"})
    assert (refused.status_code, refused.json()["code"]) == (400, "unknown_metric")


def test_areas_drill_down(manager: Client, county: dict[str, Any]) -> None:
    townships = manager.get(f"{API}/areas").json()
    assert townships["level"] == "township"
    assert [(row["code"], row["residents_reached"]) for row in townships["items"]] == [
        (county["v1"].township.code, 2),
        (county["v3"].township.code, 1),
    ]
    villages = manager.get(f"{API}/areas", {"township": county["v1"].township.code}).json()
    assert villages["level"] == "village"
    assert {row["code"]: row["upward_sales"] for row in villages["items"]} == {
        county["v1"].code: "1234.50",
        county["v2"].code: "0.00",
    }


def test_households_list_ways_and_income_without_id_numbers(
    manager: Client, county: dict[str, Any]
) -> None:
    body = manager.get(f"{API}/households").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["id"], first["ways"], first["income"]) == (
        county["poor"].pk,
        ["sold", "bought"],
        "300.00",
    )
    assert not any("id_number" in key for key in first)
    unreached = manager.get(f"{API}/households", {"reached": "false"}).json()
    assert [row["head_name"] for row in unreached["items"]] == ["李二"]
    assert manager.get(f"{API}/households", {"limit": 501}).status_code == 422


def test_public_is_open_and_withholds_small_counts(county: dict[str, Any]) -> None:
    response = Client().get(f"{API}/public")
    assert response.status_code == 200
    body = response.json()
    assert body["residents_reached"] is None  # three residents
    assert body["upward_sales"] is None
    assert body["targets"] == {"residents": 30000, "jobs": 2000}
    assert {row["code"] for row in body["townships"]} == {
        county["v1"].township.code,
        county["v3"].township.code,
    }
    for resident_id in range(10, 16):
        reach(
            resident_id=resident_id,
            day=d(2026, 1, 7),
            village_id=county["v1"].pk,
            township_id=county["v1"].township_id,
        )
    assert Client().get(f"{API}/public").json()["residents_reached"] == 9
    assert "王大" not in Client().get(f"{API}/public").content.decode()
    village_code_ignored = Client().get(f"{API}/public", {"township": "1"})
    assert village_code_ignored.json()["code"] == "unknown_township"
    assert Village.objects.count() == 3
