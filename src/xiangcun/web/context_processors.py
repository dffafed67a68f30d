"""Template context every page needs: the navigation for the current user's roles."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.web.navigation import NavItem, nav_items_for


def current_roles(request: HttpRequest) -> set[Role]:
    """The user's roles, read once per request (the nav and the page may both need them)."""
    cached: set[Role] | None = getattr(request, "_xiangcun_roles", None)
    if cached is None:
        user = request.user
        cached = set(user_roles(user=user)) if user.is_authenticated else set()
        request._xiangcun_roles = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Lazy, so pages that never show the nav (the admin, JSON) never query the roles.
    def build() -> list[NavItem]:
        user = getattr(request, "user", None)
        authenticated = bool(user and user.is_authenticated)
        return nav_items_for(
            authenticated=authenticated,
            roles=current_roles(request) if authenticated else set(),
            is_staff=bool(authenticated and user and user.is_staff),
        )

    return {"nav_items": SimpleLazyObject(build)}
