"""Bearer-token authentication for every app's API: `auth=ApiTokenAuth()` on a route or router.

`request.auth` is then the `User`. Sessions are not accepted on the API, so it needs no CSRF.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(token=token)
