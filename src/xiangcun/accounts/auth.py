"""Bearer-token authentication for every app's API: `auth=ApiTokenAuth()` on a route or router.

`request.auth` is then the `User`; `api_user(request)` reads it typed. Sessions are not accepted
on the API, so it needs no CSRF.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_authenticate


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
