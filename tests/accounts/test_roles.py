"""Roles as groups, back-office access that follows them, and the demo logins."""

import pytest
from django.contrib.auth.models import Group

from tests.accounts.factories import PASSWORD, UserFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_has_role, user_roles
from xiangcun.accounts.services import demo_users_ensure, role_grant, role_revoke, roles_sync
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db


def test_roles_sync_makes_one_group_per_role_and_is_idempotent() -> None:
    roles_sync()
    first = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    roles_sync()
    second = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}

    assert set(first) == {role.value for role in Role}
    assert first == second


def test_roles_sync_grants_known_permissions_and_skips_apps_not_built() -> None:
    missing = roles_sync()

    agent = Group.objects.get(name=Role.AGENT.value)
    assert agent.permissions.filter(codename="add_residentprofile").exists()
    assert all("." in name for name in missing)


def test_staff_role_opens_the_back_office_and_revoking_closes_it() -> None:
    user = UserFactory()

    role_grant(user=user, role=Role.LOAN_OFFICER)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("accounts.view_user") is False

    role_revoke(user=user, role=Role.LOAN_OFFICER)
    user.refresh_from_db()
    assert not user.is_staff
    assert user_roles(user=user) == set()


def test_non_staff_role_gives_no_back_office() -> None:
    user = UserFactory()

    role_grant(user=user, role=Role.SELLER)
    user.refresh_from_db()

    assert not user.is_staff
    assert user_has_role(user=user, role=Role.SELLER)


def test_superuser_counts_as_admin() -> None:
    user = UserFactory(is_superuser=True)

    assert user_roles(user=user) == {Role.ADMIN}


def test_demo_users_one_per_role_in_role_order_and_idempotent() -> None:
    first = demo_users_ensure(password=PASSWORD)
    rows_after_first = (User.objects.count(), Group.objects.count())
    second = demo_users_ensure(password=PASSWORD)

    assert (User.objects.count(), Group.objects.count()) == rows_after_first
    assert first == second
    assert [demo.role for demo in first] == list(Role)
    assert first[0].phone == "13800000001"
    assert first[1].phone == "13800000002"
    assert first[3].role == Role.AGENT
    assert first[3].phone == "13800000004"
    admin = User.objects.get(phone=first[-1].phone)
    assert admin.is_superuser
    assert admin.is_staff
    seller = User.objects.get(phone=first[2].phone)
    assert user_roles(user=seller) == {Role.SELLER}
    assert seller.check_password(PASSWORD)
    assert all(demo.name for demo in first)
