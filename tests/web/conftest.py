"""Users with roles for the site-shell tests, made through the accounts services."""

from collections.abc import Callable
from typing import Any

import pytest

from xiangcun.accounts.services import role_grant, roles_sync, user_register
from xiangcun.accounts.types import Role

PASSWORD = "Danzhai-2016-rice"


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    roles_sync()
    counter = iter(range(100))

    def make(*roles: Role, name: str = "") -> Any:
        phone = f"1390000{next(counter):04d}"
        user = user_register(phone=phone, password=PASSWORD, name=name or f"User {phone[-4:]}")
        for role in roles:
            role_grant(user=user, role=role)
        return user

    return make


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """`xiangcun demo` stores its product pictures: in the test's own folder, not data/."""
    settings.MEDIA_ROOT = tmp_path / "media"
