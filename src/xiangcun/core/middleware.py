"""Request middleware of our own.

`TrustedProxyMiddleware` gives views the buyer's real address behind nginx.
`XiangcunErrorMiddleware` turns a business-rule refusal that reaches a page view into the right
error page.
"""

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from xiangcun.core.errors import NotFoundError, PermissionDeniedError, XiangcunError


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
    never a 500. (The JSON API has its own handlers in `xiangcun.api`.)"""

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
