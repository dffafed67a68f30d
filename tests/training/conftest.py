"""Fixtures for the training tests: a trainer, a learner, a course with a quiz, a session."""

import pytest

from tests.accounts.factories import UserFactory, user_with_role
from tests.training.factories import SessionFactory, course_with_quiz
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.training.models import Course, TrainingSession


@pytest.fixture
def trainer(db: None) -> User:
    return user_with_role(Role.TRAINER)


@pytest.fixture
def learner(db: None) -> User:
    """A farmer taking courses: a login with no role, and a name to mask."""
    user: User = UserFactory(name="王小明")
    return user


@pytest.fixture
def course(db: None) -> Course:
    """Two lessons and a five-question quiz with a pass mark of 60 %."""
    return course_with_quiz()


@pytest.fixture
def session(trainer: User, course: Course) -> TrainingSession:
    """Two seats at a service centre in three days, run by `trainer`."""
    row: TrainingSession = SessionFactory(course=course, trainer=trainer, capacity=2)
    return row
