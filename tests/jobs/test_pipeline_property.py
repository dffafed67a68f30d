"""Any sequence of moves keeps the pipeline's rules: a move succeeds exactly when the step
allows it, an ended application never moves again, and every success is in the history."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.accounts.models import User
from xiangcun.jobs.errors import InvalidApplicationMoveError
from xiangcun.jobs.models import Fair, Posting
from xiangcun.jobs.services import application_move, application_submit
from xiangcun.jobs.types import ApplicationStatus as S
from xiangcun.regions.models import Village

ALLOWED = {
    S.APPLIED: {S.SCREENED, S.REJECTED, S.WITHDRAWN},
    S.SCREENED: {S.INTERVIEW, S.REJECTED, S.WITHDRAWN},
    S.INTERVIEW: {S.INTERVIEW, S.OFFER, S.REJECTED, S.WITHDRAWN},
    S.OFFER: {S.REJECTED, S.WITHDRAWN},
}
STEPS = [S.SCREENED, S.INTERVIEW, S.OFFER, S.REJECTED, S.WITHDRAWN]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(st.sampled_from(STEPS), max_size=8))
def test_any_sequence_of_moves_follows_the_rules(
    recruiter: User, posting: Posting, fair: Fair, village: Village, moves: list[str]
) -> None:
    soon = timezone.now() + datetime.timedelta(days=3)
    with transaction.atomic():
        application = application_submit(
            actor=recruiter,
            posting_id=posting.pk,
            fair_id=fair.pk,
            name="王芳",
            phone="13912345678",
            village_id=village.pk,
        ).application
        status, successes = S.APPLIED, 0
        for to in moves:
            expected = to in ALLOWED.get(status, set())
            try:
                application_move(
                    actor=recruiter, application_id=application.pk, to=to, interview_at=soon
                )
            except InvalidApplicationMoveError:
                assert not expected
            else:
                assert expected
                status, successes = to, successes + 1
        application.refresh_from_db()
        assert application.status == status
        assert application.events.count() == 1 + successes
        transaction.set_rollback(True)
