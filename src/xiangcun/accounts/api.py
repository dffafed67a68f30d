"""Accounts API: token login."""

from ninja import Router

router = Router()
