"""Registered poor households (建档立卡) for the county poverty office: which ways each was reached
in the period and what its members were paid; and the households not reached yet, by village,
the list agents work through. Viewer only. No member's ID number is on either page: the rows
carry none (the head of household's name and the register number identify the household)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from xiangcun.core.pages import page_number, pagination
from xiangcun.core.types import Page
from xiangcun.impact.models import Way
from xiangcun.impact.selectors.figures import impact_summary
from xiangcun.impact.selectors.households import impact_households
from xiangcun.impact.services._common import require_impact_viewer
from xiangcun.impact.types import HouseholdPage
from xiangcun.impact.views._filters import (
    county_name,
    crumbs,
    filters_read,
    period_presets,
    place_name,
)

PAGE_SIZE = 50
UNREACHED_PAGE_SIZE = 100
# The list pages a person can reach: far more than the county's households, and an offset
# that always fits the database.
PAGE_MAX = 10_000
_REACHED = {"yes": True, "no": False}
REACHED_CHOICES = (("", _("All")), ("yes", _("Reached")), ("no", _("Not reached")))


def _page(request: HttpRequest) -> int:
    return min(page_number(request), PAGE_MAX)


def _paged(request: HttpRequest, found: HouseholdPage, number: int) -> dict[str, Any]:
    return pagination(
        request, Page(items=found.rows, count=found.total, page=number, page_size=found.limit)
    )


def _rows(found: HouseholdPage) -> list[dict[str, Any]]:
    labels = dict(Way.choices)
    return [
        {
            "household": row,
            "village": place_name(row.village_name, row.village_name_en),
            "ways": [str(labels.get(way, way)) for way in row.ways],
        }
        for row in found.rows
    ]


@login_required
@require_safe
def households(request: HttpRequest) -> HttpResponse:
    """Every registered poor household of the place chosen, reached or not in the period."""
    require_impact_viewer(request.user)
    filters = filters_read(request, keys=("from", "to", "township", "village"))
    reached_text = request.GET.get("reached", "")
    reached = _REACHED.get(reached_text) if isinstance(reached_text, str) else None
    if reached is None:
        reached_text = ""
    number = _page(request)
    found = impact_households(
        filters.scope, reached=reached, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    context = {
        "filters": filters,
        "presets": period_presets(filters),
        "crumbs": crumbs(filters, county_name()),
        "summary": impact_summary(filters.scope),
        "reached": reached_text,
        "reached_links": [
            (value, label, filters.url(reached=value) if value else filters.url())
            for value, label in REACHED_CHOICES
        ],
        "rows": _rows(found),
        "total": found.total,
        "pagination": _paged(request, found, number),
        "query": filters.url(reached=reached_text)[1:],
    }
    return render(request, "impact/households.html", context)


@login_required
@require_safe
def unreached(request: HttpRequest) -> HttpResponse:
    """Registered poor households none of whose members has been reached since the programme
    started, village by village (the rows come in village order), a page at a time."""
    require_impact_viewer(request.user)
    filters = filters_read(request, keys=("township", "village"))
    number = _page(request)
    found = impact_households(
        filters.scope,
        reached=False,
        limit=UNREACHED_PAGE_SIZE,
        offset=(number - 1) * UNREACHED_PAGE_SIZE,
    )
    context = {
        "filters": filters,
        "crumbs": crumbs(filters, county_name()),
        "rows": _rows(found),
        "total": found.total,
        "pagination": _paged(request, found, number),
        "query": filters.query,
    }
    return render(request, "impact/unreached.html", context)
