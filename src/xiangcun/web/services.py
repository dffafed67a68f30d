"""Writes of the site shell: marking the demo as loaded."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.web.models import DemoSite

# The demo logins' password, printed by `xiangcun demo` and shown on /demo/ on purpose: demo
# data only (the command refuses to run with DEBUG off unless forced).
DEMO_PASSWORD = "demo12345"  # noqa: S105

# The marker is a single row; loading the demo again replaces what it lists.
_DEMO_SITE_ID = 1


@transaction.atomic
def demo_site_mark(
    *,
    logins: list[dict[str, str]],
    trace_links: list[dict[str, str]],
    pickup_orders: list[dict[str, str]],
) -> DemoSite:
    """Record that the demo is loaded, with what /demo/ lists (no pickup code: see DemoSite)."""
    values: dict[str, Any] = {
        "loaded_at": timezone.now(),
        "logins": logins,
        "trace_links": trace_links,
        "pickup_orders": pickup_orders,
    }
    site, _created = DemoSite.objects.update_or_create(pk=_DEMO_SITE_ID, defaults=values)
    return site
