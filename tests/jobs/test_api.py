"""The jobs API: the public list's shape, applying (201 new, 200 the same person, 409 closed),
the pipeline, fairs and the headcount."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.jobs.factories import PostingFactory
from xiangcun.accounts.models import User
from xiangcun.jobs.models import Fair, Posting
from xiangcun.jobs.types import PostingStatus
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db

API = "/api/v1/jobs"
Bearer = Callable[[User], dict[str, str]]


def _post(client: Client, url: str, body: dict[str, object], headers: dict[str, str]):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_the_public_list_has_the_documented_shape(client: Client, posting: Posting) -> None:
    PostingFactory(status=PostingStatus.CLOSED)
    answer = client.get(f"{API}/postings")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "id": posting.pk,
        "title": posting.title,
        "role": "driver",
        "site": posting.station.name,
        "township": posting.township.name,
        "wage_min": 3500,
        "wage_max": 4500,
        "headcount": 2,
        "filled": 0,
        "status": "open",
    }
    assert client.get(f"{API}/postings", {"role": "packer"}).json()["count"] == 0
    assert client.get(f"{API}/postings", {"township": posting.township.code}).json()["count"] == 1


def test_applying_twice_answers_the_first_and_a_closed_posting_409(
    client: Client, bearer: Bearer, recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    body = {
        "posting": posting.pk,
        "name": "王芳",
        "phone": "13912345678",
        "village": village.pk,
        "fair": fair.pk,
    }
    first = _post(client, f"{API}/applications", body, bearer(recruiter))
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "applied"
    assert first.json()["duplicate"] is False
    again = _post(client, f"{API}/applications", body, bearer(recruiter))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["duplicate"] is True
    closed = PostingFactory(status=PostingStatus.CLOSED)
    fair.postings.add(closed)
    refused = _post(
        client, f"{API}/applications", {**body, "posting": closed.pk}, bearer(recruiter)
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "posting_closed"


def test_a_visitor_cannot_apply_and_a_resident_applies_for_themselves(
    client: Client, bearer: Bearer, posting: Posting, village: Village
) -> None:
    body = {"posting": posting.pk, "name": "李明", "village": village.pk}
    assert (
        client.post(f"{API}/applications", body, content_type="application/json").status_code == 401
    )
    person = UserFactory()
    answer = _post(client, f"{API}/applications", body, bearer(person))
    assert answer.status_code == 201
    assert answer.json()["phone"] == person.phone
    assert answer.json()["source"] == "online"
    mine = client.get(f"{API}/applications/{answer.json()['id']}", headers=bearer(person))
    assert mine.status_code == 200
    other = client.get(f"{API}/applications/{answer.json()['id']}", headers=bearer(UserFactory()))
    assert other.status_code == 404


def test_recruiters_move_hire_and_the_headcount_counts(
    client: Client, bearer: Bearer, recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    headers = bearer(recruiter)
    body = {
        "posting": posting.pk,
        "name": "王芳",
        "phone": "13912345678",
        "village": village.pk,
        "fair": fair.pk,
    }
    application = _post(client, f"{API}/applications", body, headers).json()["id"]
    soon = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    bulk = _post(
        client,
        f"{API}/applications/move",
        {"applications": [application], "to": "screened"},
        headers,
    )
    assert bulk.json() == {"moved": [application], "refused": {}}
    for step in ({"to": "interview", "interview_at": soon}, {"to": "offer"}):
        moved = _post(client, f"{API}/applications/{application}/move", step, headers)
        assert moved.status_code == 200, moved.content
    wrong = _post(client, f"{API}/applications/{application}/move", {"to": "screened"}, headers)
    assert wrong.status_code == 409
    hired = _post(
        client,
        f"{API}/applications/{application}/hire",
        {"start_date": timezone.localdate().isoformat(), "monthly_wage": 4000},
        headers,
    )
    assert hired.status_code == 201, hired.content
    assert hired.json()["station"] == posting.station_id
    count = client.get(f"{API}/headcount").json()
    assert count["target"] == 2000
    assert count["filled"] == 1
    assert count["by_role"]["driver"] == 1
    pipeline = client.get(f"{API}/postings/{posting.pk}/applications", headers=headers)
    assert [row["status"] for row in pipeline.json()] == ["hired"]


def test_fairs_and_their_report(
    client: Client, bearer: Bearer, recruiter: User, posting: Posting, village: Village
) -> None:
    headers = bearer(recruiter)
    fair = _post(
        client,
        f"{API}/fairs",
        {
            "name": "龙泉镇招聘会",
            "day": timezone.localdate().isoformat(),
            "place": "广场",
            "township": village.township_id,
            "postings": [posting.pk],
        },
        headers,
    )
    assert fair.status_code == 201, fair.content
    fair_id = fair.json()["id"]
    _post(
        client,
        f"{API}/applications",
        {
            "posting": posting.pk,
            "name": "王芳",
            "phone": "13912345678",
            "village": village.pk,
            "fair": fair_id,
        },
        headers,
    )
    report = client.get(f"{API}/fairs/{fair_id}/report", headers=headers).json()
    assert report["total"] == 1
    assert report["walk_ins"] == 1
    assert report["by_township"] == {village.township.name: 1}
    assert (
        client.get(f"{API}/fairs/{fair_id}/report", headers=bearer(UserFactory())).status_code
        == 403
    )


def test_recruiters_open_and_close_postings(
    client: Client, bearer: Bearer, recruiter: User, village: Village
) -> None:
    today = timezone.localdate()
    body = {
        "title": "打包工",
        "role": "packer",
        "wage_min": 3500,
        "wage_max": 3500,
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "township": village.township_id,
        "headcount": 5,
    }
    assert _post(client, f"{API}/postings", body, bearer(UserFactory())).status_code == 403
    created = _post(client, f"{API}/postings", body, bearer(recruiter))
    assert created.status_code == 201, created.content
    posting = created.json()["id"]
    closed = _post(
        client, f"{API}/postings/{posting}/status", {"status": "closed"}, bearer(recruiter)
    )
    assert closed.json()["status"] == "closed"
    bad = _post(client, f"{API}/postings", {**body, "wage_max": 100}, bearer(recruiter))
    assert bad.status_code == 400
