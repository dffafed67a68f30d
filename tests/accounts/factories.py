"""factory_boy factories for people: a user with a password, staff with a role, an admin."""

import factory
from django.contrib.auth.models import Permission

from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role

PASSWORD = "Danzhai-2016-rice"


class UserFactory(factory.django.DjangoModelFactory):
    """Someone with a login and no role; `admin=True` for a superuser (as the demo's admin)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    # Always eleven digits, however many users this process made before.
    phone = factory.Sequence(lambda n: f"135{n % 10**8:08d}")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)

    class Params:
        admin = factory.Trait(is_staff=True, is_superuser=True)


def user_with_role(role: Role, **fields: object) -> User:
    """A new user granted `role` through the accounts service, as staff are in production."""
    user: User = UserFactory(**fields)
    role_grant(user=user, role=role)
    return user


def user_with_permissions(*codenames: str, app_label: str | None = None) -> User:
    """A new user holding the named model permissions, read back so none is cached stale."""
    user: User = UserFactory()
    permissions = Permission.objects.filter(codename__in=codenames)
    if app_label is not None:
        permissions = permissions.filter(content_type__app_label=app_label)
    user.user_permissions.add(*permissions)
    return User.objects.get(pk=user.pk)
