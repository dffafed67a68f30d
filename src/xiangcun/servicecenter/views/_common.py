"""What every service-centre page shares: which station the person acts for (an agent's own; a
supervisor names one with ?station=, or chooses it first) and the station's name for the header.

The services decide who may act where (services._common.acting_station); a page only reads the
`station` the person asked for and passes it on."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.accounts.auth import request_roles
from xiangcun.accounts.types import Role
from xiangcun.regions.selectors import station_get, stations_list
from xiangcun.regions.types import StationSummary
from xiangcun.servicecenter.errors import NotAnAgentError, StationRequiredError
from xiangcun.servicecenter.services._common import acting_station

View = Callable[..., HttpResponse]


def station_asked(request: HttpRequest) -> int | None:
    """The `station` named in the query or the form, None when absent or not a plain number
    (a bad value is the same as none: the person chooses again)."""
    raw = request.POST.get("station") or request.GET.get("station") or ""
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def station_page(view: View) -> View:
    """Resolve the station the person acts for and pass it to the view as `station`.

    A supervisor who has not named one gets the list of stations to choose from; an agent with
    no station gets a page saying so (not a bare 403: the role is theirs, the posting is not yet).
    Anyone else is refused (403, by the error middleware)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            station_id = acting_station(request.user, station_asked(request))
        except StationRequiredError:
            return render(
                request,
                "servicecenter/choose_station.html",
                {"stations": stations_list(), "path": request.path},
            )
        except NotAnAgentError:
            if Role.AGENT in request_roles(request):
                return render(request, "servicecenter/no_station.html", status=403)
            raise
        return view(request, *args, station=station_get(station_id=station_id), **kwargs)

    return wrapped


def station_query(request: HttpRequest, station: StationSummary) -> str:
    """`?station=<id>` for links when the person named it (supervisors), else ""."""
    return f"?station={station.id}" if station_asked(request) is not None else ""


def page_context(request: HttpRequest, station: StationSummary, **extra: Any) -> dict[str, Any]:
    return {"station": station, "station_query": station_query(request, station), **extra}
