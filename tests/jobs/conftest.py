"""Fixtures for the jobs tests: a recruiter, an open posting, a fair offering it, a village."""

import pytest

from tests.accounts.factories import user_with_role
from tests.jobs.factories import FairFactory, PostingFactory
from tests.regions.factories import VillageFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.jobs.models import Fair, Posting
from xiangcun.regions.models import Village


@pytest.fixture
def recruiter(db: None) -> User:
    return user_with_role(Role.RECRUITER)


@pytest.fixture
def posting(db: None) -> Posting:
    """An open driver posting at a station, two places."""
    posting: Posting = PostingFactory()
    return posting


@pytest.fixture
def fair(posting: Posting) -> Fair:
    """Today's fair, offering the posting."""
    fair: Fair = FairFactory(postings=[posting])
    return fair


@pytest.fixture
def village(db: None) -> Village:
    village: Village = VillageFactory()
    return village
