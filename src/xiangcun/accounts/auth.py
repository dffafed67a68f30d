"""Bearer-token authentication for every app's API: `auth=ApiTokenAuth()` on a route or router.

`request.auth` is then the `User`; `api_user(request)` reads it typed (`api_viewer(request)` on a
public route, which lets a visitor in as anonymous). Sessions are not accepted on the API, so it
needs no CSRF. `request_roles(request)` gives a page the signed-in person's roles, read once a
request however many parts of the page ask.
"""

from weakref import WeakKeyDictionary

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import api_token_authenticate
from xiangcun.accounts.types import AnyUser, Role


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(token=token)


def api_user(request: HttpRequest) -> User:
    """The signed-in user of a route guarded by `ApiTokenAuth` (ninja sets `request.auth`, which
    Django's request type does not declare)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("api_user() on a route without ApiTokenAuth")
    return user


def api_viewer(request: HttpRequest) -> AnyUser:
    """The caller of a public route (`auth=[ApiTokenAuth(), fallback]`, the fallback answering
    `AnonymousUser()`): the token's user, else an anonymous visitor."""
    viewer = getattr(request, "auth", None)
    if not isinstance(viewer, User | AnonymousUser):
        raise TypeError("api_viewer() on a route without ApiTokenAuth and an anonymous fallback")
    return viewer


# Roles read for a request, kept as long as the request lives.
_request_roles: "WeakKeyDictionary[HttpRequest, frozenset[Role]]" = WeakKeyDictionary()


def request_roles(request: HttpRequest) -> frozenset[Role]:
    """The signed-in person's roles (none for a visitor), read once per request: the navigation
    and the page may both ask."""
    roles = _request_roles.get(request)
    if roles is None:
        user = request.user
        roles = frozenset(user_roles(user=user)) if user.is_authenticated else frozenset()
        _request_roles[request] = roles
    return roles
