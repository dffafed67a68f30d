"""Placeholder while the page is being built; replaced by its owner."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


dashboard = _missing
