"""Home page (with the storefront's shelves and, for staff, every page of their work), the role
workspaces of the site shell, the demo page and the health check."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from xiangcun.accounts.auth import request_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import brands_list, product_cards_search, storefront_fragment
from xiangcun.web.navigation import WORKSPACES, links_for, workspace_url, workspaces_for
from xiangcun.web.selectors import demo_pickups, demo_site
from xiangcun.web.services import DEMO_PASSWORD

# Products per storefront shelf on the home page: one screen of cards on a phone.
HOME_SHELF = 4


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    my_workspaces = []
    if request.user.is_authenticated:
        my_workspaces = [
            {
                "role": role,
                "workspace": workspace,
                "url": workspace_url(role, workspace),
                "links": links_for(request, workspace),
            }
            for role, workspace in workspaces_for(request_roles(request))
        ]

    def shelves() -> dict[str, Any]:
        # Read only when the shelves are not in the cache (see catalog.fragments).
        return {
            "local_goods": product_cards_search(direction="up", sort="new", page_size=HOME_SHELF),
            "incoming_goods": product_cards_search(
                direction="down", sort="new", page_size=HOME_SHELF
            ),
            "brands": brands_list()[:HOME_SHELF],
        }

    context = {
        "my_workspaces": my_workspaces,
        "fragment": storefront_fragment("home-shelves"),
        "shelves": SimpleLazyObject(shelves),
    }
    return render(request, "web/home.html", context)


@require_safe
@login_required
def workspace(request: HttpRequest, role: str) -> HttpResponse:
    try:
        wanted = Role(role)
    except ValueError:
        raise Http404 from None
    if wanted not in WORKSPACES:
        raise Http404
    if wanted not in request_roles(request):
        raise PermissionDenied
    return render(
        request,
        "web/workspace.html",
        {
            "role": wanted,
            "workspace": WORKSPACES[wanted],
            "links": links_for(request, WORKSPACES[wanted]),
        },
    )


@never_cache
@require_safe
def demo(request: HttpRequest) -> HttpResponse:
    """What a newcomer needs after `make run`: the logins per role, the parcels waiting with
    their pickup codes (DEBUG only), the trace links. 404 unless `xiangcun demo` has finished."""
    site = demo_site()
    if site is None:
        raise Http404
    logins = []
    for row in site.logins:
        try:
            role = Role(row.get("role", ""))
        except ValueError:
            continue
        logins.append({"role": role, "phone": row.get("phone", "")})
    context = {
        "logins": logins,
        "password": DEMO_PASSWORD,
        "pickups": demo_pickups(site=site),
        "codes_shown": settings.DEBUG,
        "trace_links": site.trace_links,
    }
    return render(request, "web/demo.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Ok only when the database answers a query; load balancers take us out otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever its type
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
