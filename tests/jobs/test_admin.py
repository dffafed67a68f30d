"""The back office lists jobs records without showing an ID card's hash."""

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.jobs.services import application_submit
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db


def test_the_admin_lists_postings_fairs_and_applications(
    client: Client, recruiter: object, posting: Posting, fair: Fair, village: Village
) -> None:
    application = application_submit(
        actor=recruiter,
        posting_id=posting.pk,
        fair_id=fair.pk,
        name="王芳",
        phone="13912345678",
        village_id=village.pk,
    ).application
    client.force_login(UserFactory(admin=True))
    for model in ("posting", "fair", "application", "employment"):
        assert client.get(f"/admin/jobs/{model}/").status_code == 200
    page = client.get(f"/admin/jobs/application/{application.pk}/change/")
    assert page.status_code == 200
    assert "id_number_hash" not in page.text
    assert Application.objects.count() == 1
