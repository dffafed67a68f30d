"""The finance API (filled in by the finance work)."""

from ninja import Router

router = Router()
