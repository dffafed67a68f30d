"""Turn a business-rule refusal that reaches a page view into the right error page.

Services raise `XiangcunError`s; a page view shows the ones it expects next to the form. Any
other that escapes becomes the site's 403 or 404 page, or a 400 page with its message, never a
500. (The JSON API has its own handlers in `xiangcun.api`.)
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from xiangcun.core.errors import NotFoundError, PermissionDeniedError, XiangcunError


class XiangcunErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDeniedError):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, XiangcunError):
            context = {"message": exception.message, "code": exception.code}
            return render(request, "400.html", context, status=exception.status)
        return None
