"""A business-rule error that escapes a page view becomes an error page, never a 500."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from xiangcun.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from xiangcun.core.middleware import XiangcunErrorMiddleware


def _respond(exception: Exception) -> HttpResponse | None:
    middleware = XiangcunErrorMiddleware(lambda request: HttpResponse())
    request: HttpRequest = RequestFactory().get("/somewhere/")
    request.LANGUAGE_CODE = "en"
    return middleware.process_exception(request, exception)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exception", "status"),
    [(NotFoundError(), 404), (PermissionDeniedError(), 403), (ConflictError("Taken."), 409)],
)
def test_service_errors_become_error_pages(exception: Exception, status: int) -> None:
    response = _respond(exception)

    assert response is not None
    assert response.status_code == status


@pytest.mark.django_db
def test_other_service_errors_show_their_message_and_code() -> None:
    response = _respond(ConflictError("This shop already has that SKU."))

    assert response is not None
    html = response.content.decode()
    assert "This shop already has that SKU." in html
    assert 'data-error-code="conflict"' in html


def test_unexpected_exceptions_are_left_to_django() -> None:
    assert _respond(ValueError("bug")) is None
