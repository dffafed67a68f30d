"""Two helpers at two fair tables enter the same person at the same moment: one application."""

import pytest

from tests.accounts.factories import user_with_role
from tests.concurrency import run_together
from tests.jobs.factories import FairFactory, PostingFactory
from tests.regions.factories import VillageFactory
from xiangcun.accounts.types import Role
from xiangcun.jobs.models import Application
from xiangcun.jobs.services import application_submit


@pytest.mark.postgres
def test_the_same_person_entered_twice_at_once_is_one_application(transactional_db: None) -> None:
    posting = PostingFactory()
    fair = FairFactory(postings=[posting])
    village = VillageFactory()
    helpers = [user_with_role(Role.RECRUITER), user_with_role(Role.AGENT)]
    created: list[bool] = []

    def enter(index: int) -> None:
        result = application_submit(
            actor=helpers[index],
            posting_id=posting.pk,
            fair_id=fair.pk,
            name="王芳",
            phone="13912345678",
            village_id=village.pk,
        )
        created.append(result.created)

    assert run_together(2, enter) == ["ok", "ok"]
    assert sorted(created) == [False, True]
    assert Application.objects.count() == 1
