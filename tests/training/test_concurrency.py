"""Many people for the last seat, and attendance entered from two phones at once: PostgreSQL row
locks seat exactly `capacity` people and count each person once."""

import pytest

from tests.accounts.factories import UserFactory, user_with_role
from tests.concurrency import run_together
from tests.training.factories import SessionFactory
from xiangcun.accounts.types import Role
from xiangcun.training import services
from xiangcun.training.models import Registration

PEOPLE = 12


@pytest.mark.postgres
def test_twelve_people_for_three_seats_seat_exactly_three(transactional_db: None) -> None:
    session = SessionFactory(capacity=3)
    people = [UserFactory() for _ in range(PEOPLE)]
    outcomes = run_together(
        PEOPLE, lambda i: services.session_register(learner=people[i], session_id=session.pk)
    )
    assert outcomes == ["ok"] * PEOPLE
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status="registered").count() == 3
    assert rows.filter(status="waiting").count() == PEOPLE - 3


@pytest.mark.postgres
def test_the_same_person_ticked_from_many_phones_is_counted_once(transactional_db: None) -> None:
    session = SessionFactory(capacity=3, trainer=user_with_role(Role.TRAINER))
    outcomes = run_together(
        8,
        lambda i: services.attendance_record(
            trainer=session.trainer,
            session_id=session.pk,
            phone="13912345678",
            idempotency_key=f"key-{i % 2}",
        ),
    )
    assert outcomes == ["ok"] * 8
    assert Registration.objects.filter(session=session, attended=True).count() == 1
