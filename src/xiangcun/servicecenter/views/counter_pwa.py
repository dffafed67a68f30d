"""The counter console as an installable app: its web manifest and its service worker, both
served under /servicecenter/ so the worker's scope is the service centre (a worker controls only
the pages under the folder its script is served from)."""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# Raise when the worker's own logic changes in a way the file list would not show.
WORKER_VERSION = "1"
ASSET_FILES = (
    "web/site.css",
    "servicecenter/counter.css",
    "servicecenter/counter-queue.js",
    "servicecenter/counter.js",
    "servicecenter/counter-icon.svg",
    "servicecenter/counter-icon-192.png",
    "servicecenter/counter-icon-512.png",
)


def _assets() -> list[str]:
    return [static(name) for name in ASSET_FILES]


@require_safe
def counter_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script. Its cache is named after the files it keeps (their hashed
    names in production), so a deploy with new files makes a new cache and drops the old."""
    assets = _assets()
    version = hashlib.sha256(json.dumps([WORKER_VERSION, *assets]).encode("utf-8")).hexdigest()[:12]
    body = render_to_string(
        "servicecenter/counter_sw.js",
        {
            "version": version,
            "assets": assets,
            "worker_url": reverse("servicecenter:counter_worker"),
            "page_url": reverse("servicecenter:counter"),
            "snapshot_url": reverse("servicecenter:counter_snapshot"),
            "media_url": settings.MEDIA_URL,
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; never keep an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/servicecenter/"
    return response


@require_safe
def counter_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (name in the reader's language), so the console can be added to the
    home screen and opens full screen."""
    manifest = {
        "name": _("Xiangcun service centre counter"),
        "short_name": _("Counter"),
        "description": _("Take orders for residents at the station, online or offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("servicecenter:counter"),
        "scope": "/servicecenter/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6b35",
        "icons": [
            {
                "src": static("servicecenter/counter-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
            {
                "src": static("servicecenter/counter-icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("servicecenter/counter-icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
        ],
    }
    body = json.dumps(manifest, ensure_ascii=False)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")
