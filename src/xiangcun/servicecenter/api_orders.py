"""Service-centre API: orders (filled in by its part)."""

from ninja import Router

from xiangcun.accounts.auth import ApiTokenAuth

router = Router(auth=ApiTokenAuth())
