"""Request middleware of our own.

`TrustedProxyMiddleware` gives views the buyer's real address behind nginx.
`XiangcunErrorMiddleware` turns a business-rule refusal that reaches a page view into the right
error page, and bad input that would reach the database (NUL in the address, a number past 64
bits) into a 400 rather than a 500, for pages and the API alike.
"""

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

from xiangcun.core.api import PAGE_NUMBER_MAX
from xiangcun.core.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    XiangcunError,
)

API_PREFIX = "/api/"

_API_ERRORS = {
    400: ("bad_request", InvalidInputError.default_message),
    403: ("permission_denied", PermissionDeniedError.default_message),
    404: ("not_found", NotFoundError.default_message),
    405: ("method_not_allowed", gettext_lazy("This address does not take that method.")),
    413: ("request_too_large", gettext_lazy("The request is too large.")),
}


class TrustedProxyMiddleware:
    """Behind `TRUSTED_PROXY_COUNT` reverse proxies (nginx: 1), set `REMOTE_ADDR` to the
    address the outermost of them saw, read from `X-Forwarded-For`.

    Each proxy appends the address it received the request from, so the entry that many places
    from the end is the first one a client could not forge. With no trusted proxy (the
    default) the header is ignored. WeChat Pay checks the address an H5 payment comes from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.count > 0:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            hops = [h for h in hops if h]
            if len(hops) >= self.count:
                # Not an address: keep the proxy's own.
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-self.count]))
        return self.get_response(request)


class XiangcunErrorMiddleware:
    """Services raise `XiangcunError`s; a page view shows the ones it expects next to the form.
    Any other that escapes becomes the site's 403 or 404 page, or a 400 page with its message,
    never a 500. (The JSON API has its own handlers in `xiangcun.api`.)

    Bad input is stopped here for every URL: a NUL in the path or query string (PostgreSQL
    cannot compare text holding one) or a `?page=` number past any list's end (the offset
    would not fit the database's integers) is a 400 before any view runs; a number too large
    for the database (`OverflowError` from SQLite, `DataError` from PostgreSQL) is a 400, not
    a 500. Under /api/ these answers, and Django's own error answers (an unknown address, a
    method the address does not take), are `{"code", "message"}` like every other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            return self._bad_input(request, InvalidInputError())
        if _page_out_of_range(request):
            return self._bad_input(request, InvalidInputError(field="page"))
        response = self.get_response(request)
        if (
            400 <= response.status_code < 500
            and _is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            # From Django rather than the API's handlers: the URL resolver's 404 (a `{int:...}`
            # path that does not match, an unknown route), ninja's bare 405.
            code, message = _API_ERRORS.get(response.status_code, _API_ERRORS[400])
            answer = JsonResponse(
                {"code": code, "message": str(message)}, status=response.status_code
            )
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response

    def _bad_input(self, request: HttpRequest, error: XiangcunError) -> HttpResponse:
        if _is_api(request):
            return JsonResponse(error.as_dict(), status=error.status)
        context = {"message": error.message, "code": error.code}
        return render(request, "400.html", context, status=error.status)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return self._bad_input(request, InvalidInputError(_("A number is too large.")))
        if isinstance(exception, DataError):
            return self._bad_input(request, InvalidInputError())
        if isinstance(exception, NotFoundError):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDeniedError):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, XiangcunError):
            context = {"message": exception.message, "code": exception.code}
            return render(request, "400.html", context, status=exception.status)
        return None


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _page_out_of_range(request: HttpRequest) -> bool:
    for value in request.GET.getlist("page"):
        digits = value.strip().lstrip("+-")
        # Past 7 digits no list has the page; int() of a huge string is slow, so count first.
        if digits.isdigit() and (len(digits) > 7 or int(digits) > PAGE_NUMBER_MAX):
            return True
    return False
