"""The service-centre API under /api/v1/servicecenter/ (agents for their own station, and the
staff above them)."""

from ninja import Router

router = Router()
