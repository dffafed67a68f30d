"""The shipping API, mounted at /api/v1/logistics/rates/ (filled in by the shipping work)."""

from ninja import Router

router = Router()
