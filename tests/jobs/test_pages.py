"""The jobs pages: the public list and a posting, applying, the workspace, the pipeline's bulk
move, an application's move and hire, and the fair entry screen answering the offline queue."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.jobs.factories import PostingFactory
from tests.regions.factories import StationFactory
from xiangcun.accounts.models import User
from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.jobs.types import ApplicationStatus, JobRole, PostingStatus
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db


def test_the_public_list_filters_by_township_and_role_without_login(
    client: Client, posting: Posting
) -> None:
    packer = PostingFactory(role=JobRole.PACKER, title="打包工")
    page = client.get("/jobs/")
    assert page.status_code == 200
    assert posting.title in page.text
    assert "打包工" in page.text
    by_role = client.get("/jobs/", {"role": "packer"})
    assert "打包工" in by_role.text
    assert posting.title not in by_role.text
    by_township = client.get("/jobs/", {"township": packer.township.code})
    assert posting.title not in by_township.text
    assert client.get("/jobs/", {"role": "x" * 500, "township": "no"}).status_code == 200
    # A page past a million is a 400 page (core middleware), never a 500.
    assert client.get("/jobs/", {"page": "9" * 30}).status_code == 400


def test_a_posting_asks_a_visitor_to_log_in_and_a_resident_applies(
    client: Client, posting: Posting, village: Village
) -> None:
    page = client.get(f"/jobs/{posting.pk}/")
    assert page.status_code == 200
    assert "/accounts/login/sms/" in page.text
    person = UserFactory(phone="13712345678")
    client.force_login(person)
    sent = client.post(f"/jobs/{posting.pk}/", {"name": "李明", "village": village.pk})
    assert sent.status_code == 302
    application = Application.objects.get()
    assert (application.phone, application.user_id) == ("13712345678", person.pk)


def test_a_draft_posting_is_hidden_from_the_public(client: Client) -> None:
    draft = PostingFactory(status=PostingStatus.DRAFT)
    assert client.get(f"/jobs/{draft.pk}/").status_code == 404


def test_the_workspace_is_for_recruiters(client: Client, recruiter: User, posting: Posting) -> None:
    client.force_login(UserFactory())
    assert client.get("/jobs/work/").status_code == 403
    client.force_login(recruiter)
    page = client.get("/jobs/work/")
    assert page.status_code == 200
    assert posting.title in page.text


def test_a_recruiter_posts_a_job(client: Client, recruiter: User, village: Village) -> None:
    client.force_login(recruiter)
    assert client.get("/jobs/work/postings/new/").status_code == 200
    today = timezone.localdate()
    sent = client.post(
        "/jobs/work/postings/new/",
        {
            "title": "快递员",
            "role": "courier",
            "township": village.township_id,
            "wage_min": 3800,
            "wage_max": 4200,
            "age_min": 18,
            "age_max": 55,
            "headcount": 3,
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=20)).isoformat(),
        },
    )
    assert sent.status_code == 302
    assert Posting.objects.get(title="快递员").headcount == 3


def test_the_fair_entry_answers_the_offline_queue_in_json(
    client: Client, recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    client.force_login(recruiter)
    page = client.get(f"/jobs/work/fairs/{fair.pk}/")
    assert page.status_code == 200
    assert f'data-offline-queue="fair-{fair.pk}"' in page.text
    url = f"/jobs/work/fairs/{fair.pk}/entries/"
    entry = {
        "posting": posting.pk,
        "name": "王芳",
        "phone": "13912345678",
        "village": village.pk,
        "licence_class": "C1",
        "idempotency_key": "7a1c2a9e-0d6b-4a59-9f0e-2b7c1d5e8a40",
    }
    json = {"HTTP_ACCEPT": "application/json"}
    first = client.post(url, entry, **json)
    assert first.status_code == 201
    assert first.json() == {"id": first.json()["id"], "status": "applied", "duplicate": False}
    again = client.post(url, entry, **json)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    refused = client.post(url, {**entry, "phone": "123", "idempotency_key": ""}, **json)
    assert refused.status_code == 400
    assert set(refused.json()) >= {"code", "message"}
    # Without JavaScript: a normal form, back to the screen with a message.
    plain = client.post(url, {**entry, "phone": "13900000000", "idempotency_key": ""})
    assert plain.status_code == 302
    assert Application.objects.count() == 2
    report = client.get(f"/jobs/work/fairs/{fair.pk}/")
    assert 'data-testid="fair-report"' in report.text


def test_the_fair_entry_refuses_a_buyer_in_json(
    client: Client, posting: Posting, fair: Fair, village: Village
) -> None:
    client.force_login(UserFactory())
    answer = client.post(
        f"/jobs/work/fairs/{fair.pk}/entries/",
        {"posting": posting.pk, "name": "王芳", "phone": "13912345678", "village": village.pk},
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_the_pipeline_moves_the_ticked_and_an_application_is_hired(
    client: Client, recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    client.force_login(recruiter)
    url = f"/jobs/work/fairs/{fair.pk}/entries/"
    for phone in ("13900000001", "13900000002"):
        client.post(
            url, {"posting": posting.pk, "name": "王芳", "phone": phone, "village": village.pk}
        )
    first, second = Application.objects.order_by("pk")
    page = client.get(f"/jobs/work/postings/{posting.pk}/")
    assert page.status_code == 200
    moved = client.post(
        f"/jobs/work/postings/{posting.pk}/",
        {"applications": [first.pk, second.pk], "to": "screened"},
    )
    assert moved.status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {"screened"}
    detail = f"/jobs/work/applications/{first.pk}/"
    assert client.get(detail).status_code == 200
    soon = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(detail, {"action": "move", "to": "interview", "interview_at": soon})
    client.post(detail, {"action": "move", "to": "offer"})
    hired = client.post(
        detail,
        {"action": "hire", "start_date": timezone.localdate().isoformat(), "monthly_wage": 4000},
    )
    assert hired.status_code == 302
    assert Application.objects.get(pk=first.pk).status == ApplicationStatus.HIRED
    history = client.get(detail)
    assert history.status_code == 200


def test_an_agent_applies_for_a_resident_on_the_posting_page(
    client: Client, agent: User, posting: Posting, village: Village
) -> None:
    station = StationFactory()
    client.force_login(agent)
    page = client.get(f"/jobs/{posting.pk}/")
    assert 'name="consent"' in page.text
    form = {"name": "张秀英", "phone": "13512340000", "village": village.pk}
    refused = client.post(f"/jobs/{posting.pk}/", {**form, "station": station.pk})
    assert refused.status_code == 200
    assert not Application.objects.exists()
    sent = client.post(f"/jobs/{posting.pk}/", {**form, "station": station.pk, "consent": "on"})
    assert sent.status_code == 302
    application = Application.objects.get()
    assert (application.source, application.consent_station_id) == ("agent", station.pk)


def test_pages_are_in_english_for_an_english_reader(client: Client, posting: Posting) -> None:
    page = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Jobs in the county" in page.text
    chinese = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert "县内工作岗位" in chinese.text


def test_a_person_withdraws_their_own_application_only(
    client: Client, posting: Posting, village: Village
) -> None:
    person = UserFactory(phone="13712345678")
    client.force_login(person)
    client.post(f"/jobs/{posting.pk}/", {"name": "李明", "village": village.pk})
    application = Application.objects.get()
    assert "/withdraw/" in client.get("/jobs/").text
    client.force_login(UserFactory())
    assert client.post(f"/jobs/applications/{application.pk}/withdraw/").status_code == 403
    client.force_login(person)
    assert client.post(f"/jobs/applications/{application.pk}/withdraw/").status_code == 302
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN
