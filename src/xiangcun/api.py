"""The JSON API under /api/v1: one NinjaAPI, one router per app, one error shape.

Every error answers `{"code": "...", "message": "..."}` with a fitting status, so clients
can branch on `code` and show `message` to a person.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from xiangcun.accounts.api import router as accounts_router
from xiangcun.catalog.api import router as catalog_router
from xiangcun.core.api import CheckedJsonParser, openapi_with_standard_errors
from xiangcun.core.errors import XiangcunError
from xiangcun.core.form_messages import input_error_message
from xiangcun.finance.api import router as finance_router
from xiangcun.impact.api import router as impact_router
from xiangcun.inventory.api import router as inventory_router
from xiangcun.jobs.api import router as jobs_router
from xiangcun.logistics.api import router as logistics_router
from xiangcun.orders.api import router as orders_router
from xiangcun.regions.api import router as regions_router
from xiangcun.sellers.api import router as sellers_router
from xiangcun.servicecenter.api import router as servicecenter_router
from xiangcun.shipping.api import router as shipping_router
from xiangcun.traceability.api import router as epcis_router
from xiangcun.training.api import router as training_router


class XiangcunAPI(NinjaAPI):
    """The API whose OpenAPI document lists, on every operation, the errors it can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi_with_standard_errors(document)
        return document


api = XiangcunAPI(
    title="Xiangcun API",
    version="1",
    description="Rural e-commerce programme platform. Errors: {code, message}.",
    urls_namespace="api",
    parser=CheckedJsonParser(),
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
        {
            "field": ".".join(str(part) for part in error.get("loc", [])),
            "type": str(error.get("type", "")),
            "error": input_error_message(error),
        }
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


def _invalid_input(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return _error(request, status, {"code": "invalid_input", "message": message})


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # A number too large for the database (SQLite raises this for integers past 64 bits).
    return _invalid_input(request, _("A number is too large."))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The database refused a value (PostgreSQL: out of range, too long): the input was bad.
    return _invalid_input(request, _("Some of the information is not valid."))


@api.exception_handler(MultiPartParserError)
def on_multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _invalid_input(request, _("The uploaded form could not be read."))


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _invalid_input(request, _("The request is too large."), status=413)
    return _invalid_input(request, _("Some of the information is not valid."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # The parser's refusals reach here wrapped by ninja ("Cannot parse request body").
    if isinstance(exc.__cause__, XiangcunError):
        return on_domain_error(request, exc.__cause__)
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
api.add_router("/logistics/rates", shipping_router, tags=["logistics"])
api.add_router("/logistics", logistics_router, tags=["logistics"])
api.add_router("/epcis", epcis_router, tags=["epcis"])
api.add_router("/jobs", jobs_router, tags=["jobs"])
api.add_router("/training", training_router, tags=["training"])
api.add_router("/finance", finance_router, tags=["finance"])
api.add_router("/servicecenter", servicecenter_router, tags=["servicecenter"])
api.add_router("/impact", impact_router, tags=["impact"])
