"""The JSON API under /api/v1: one NinjaAPI, one router per app, one error shape.

Every error answers `{"code": "...", "message": "..."}` with a fitting status, so clients
can branch on `code` and show `message` to a person.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xiangcun.accounts.api import router as accounts_router
from xiangcun.catalog.api import router as catalog_router
from xiangcun.core.errors import XiangcunError
from xiangcun.inventory.api import router as inventory_router
from xiangcun.logistics.api import router as logistics_router
from xiangcun.orders.api import router as orders_router
from xiangcun.regions.api import router as regions_router
from xiangcun.sellers.api import router as sellers_router
from xiangcun.traceability.api import router as epcis_router

api = NinjaAPI(
    title="Xiangcun API",
    version="1",
    description="Rural e-commerce programme platform. Errors: {code, message}.",
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(XiangcunError)
def on_domain_error(request: HttpRequest, exc: XiangcunError) -> HttpResponse:
    response = _error(request, exc.status, exc.as_dict())
    retry_after = exc.details.get("retry_after")
    if retry_after is not None:
        response["Retry-After"] = str(int(retry_after))
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"field": ".".join(str(part) for part in error.get("loc", [])), "error": error.get("msg")}
        for error in exc.errors
    ]
    body = {
        "code": "invalid_input",
        "message": _("Some of the information is not valid."),
        "details": details,
    }
    return _error(request, 422, body)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "not_authenticated", "message": _("Log in first: send a valid API token.")}
    return _error(request, 401, body)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"code": "not_found", "message": _("Not found.")})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "rate_limited",
    }
    body = {"code": codes.get(exc.status_code, "error"), "message": str(exc)}
    return _error(request, exc.status_code, body)


api.add_router("/auth", accounts_router, tags=["accounts"])
api.add_router("/regions", regions_router, tags=["regions"])
api.add_router("/catalog", catalog_router, tags=["catalog"])
api.add_router("/sellers", sellers_router, tags=["sellers"])
api.add_router("/inventory", inventory_router, tags=["inventory"])
api.add_router("/orders", orders_router, tags=["orders"])
api.add_router("/logistics", logistics_router, tags=["logistics"])
api.add_router("/epcis", epcis_router, tags=["epcis"])
