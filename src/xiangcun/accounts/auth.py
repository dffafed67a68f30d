"""Bearer-token authentication for every app's API: `auth=ApiTokenAuth()` on a route or router.

`request.auth` is then the `User`; `api_user(request)` reads it typed (`api_viewer(request)` on a
public route, which lets a visitor in as anonymous). Sessions are not accepted on the API, so it
needs no CSRF.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_authenticate
from xiangcun.accounts.types import AnyUser


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
