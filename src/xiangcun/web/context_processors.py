"""Template context every page needs: the navigation for the current user's roles."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xiangcun.accounts.auth import request_roles
from xiangcun.web.access import may_open
from xiangcun.web.navigation import NavItem, nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Lazy, so pages that never show the nav (the admin, JSON) never query the roles.
    def build() -> list[NavItem]:
        user = getattr(request, "user", None)
        authenticated = bool(user and user.is_authenticated)
        return nav_items_for(
            authenticated=authenticated,
            roles=request_roles(request) if authenticated else frozenset(),
            # `may_open` keeps the answer for the request: a page listing the admin asks once.
            admin_allowed=authenticated and may_open(request, "admin:index"),
        )

    return {"nav_items": SimpleLazyObject(build)}
