"""The public summary the county links to from its website: county (or one township's) totals
and the townships, for anyone, without logging in. No person, household or village; a count
under 5 reads "fewer than 5" and money summed over fewer than 5 buyers is not shown (the query
layer, `impact_public`, leaves those out before they reach the page)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from xiangcun.impact.models import Way
from xiangcun.impact.selectors.public import impact_public
from xiangcun.impact.views._filters import county_name, filters_read, period_presets, place_name


@require_safe
def public_summary(request: HttpRequest) -> HttpResponse:
    filters = filters_read(request, keys=("from", "to", "township"), choices=False)
    found = impact_public(filters.scope)
    ways = [(str(way.label), found.residents_by_way.get(way.value)) for way in Way]
    townships = [
        {
            "area": area,
            "name": place_name(area.name, area.name_en),
            "url": filters.url(township=area.code),
        }
        for area in found.townships
    ]
    context = {
        "filters": filters,
        "presets": period_presets(filters),
        "summary": found,
        "county_name": county_name(),
        "ways": ways,
        "townships": townships,
        "county_url": filters.url(township=""),
    }
    return render(request, "impact/public.html", context)
