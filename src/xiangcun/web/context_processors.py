"""Template context every page needs: the navigation for the current user's roles."""

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": []}
