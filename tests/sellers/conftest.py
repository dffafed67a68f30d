"""Fixtures for the sellers tests: a reviewer, an agent and API tokens."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue, role_grant
from xiangcun.accounts.types import Role


@pytest.fixture
def reviewer(db: None) -> User:
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="review_seller"))
    return User.objects.get(pk=user.pk)  # fresh: no stale permission cache


@pytest.fixture
def agent(db: None) -> User:
    user = UserFactory()
    role_grant(user=user, role=Role.AGENT)
    return user


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token_issue(user=user).token}"}

    return headers
