"""Regions pages: choose a place in mainland China, and the <option>s fragment for htmx."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xiangcun.core.errors import XiangcunError
from xiangcun.regions.forms import DivisionSelectsForm, division_choices, division_label
from xiangcun.regions.selectors import division_children, division_get, division_path

# The select that the fragment's options are for, by the select that asked.
_NEXT_SELECT = {"province_code": "prefecture_code", "prefecture_code": "county_code"}


@require_GET
def divisions_page(request: HttpRequest) -> HttpResponse:
    """Province → city → district as a plain GET form: each "Next" narrows the next select,
    and a complete choice shows the place. htmx narrows in place."""
    choosing = request.GET.get("division_step") == "next" or not request.GET.get("county_code")
    # A "Next" step only narrows the selects: no "required" errors on the ones still empty.
    form = (
        DivisionSelectsForm(initial=request.GET.dict())
        if choosing
        else DivisionSelectsForm(request.GET)
    )
    place: list[str] = []
    if form.is_bound and form.is_valid():
        path = division_path(form.cleaned_data["county_code"])
        place = [division_label(division) for division in path]
        place.append(path.county.code)
    return render(request, "regions/divisions.html", {"form": form, "place": place})


@require_GET
def division_options(request: HttpRequest) -> HttpResponse:
    """The <option>s under one division (`parent`, or the select's own `province_code` /
    `prefecture_code` as htmx sends it), starting with a blank "Choose…". An unknown code
    answers the blank option alone (status 400), so the page never shows a broken select."""
    asked = next((name for name in ("parent", *_NEXT_SELECT) if name in request.GET), "parent")
    code = request.GET.get(asked, "")[:6]
    options: list[tuple[str, str]] = []
    status = 200
    if code:
        try:
            parent = division_get(code, field=asked)
            children = division_children(code) if parent.has_children else [parent]
            options = division_choices(children)
        except XiangcunError:
            status = 400
    context = {
        "options": options,
        # Changing the province also empties the district select (out of band).
        "clear_counties": asked == "province_code",
    }
    return render(request, "regions/_division_options.html", context, status=status)
