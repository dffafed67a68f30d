"""The impact API under /api/v1/impact/: the programme's figures as of the last fact rebuild,
for the programme manager and administrators. Errors answer `{"code", "message"}`."""

from ninja import Router

router = Router()
