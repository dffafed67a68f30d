"""Regions API: townships and programme sites."""

from ninja import Router

router = Router()
