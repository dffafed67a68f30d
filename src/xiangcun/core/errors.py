"""The error every business rule raises, carrying a stable code for API clients.

Services raise subclasses of `XiangcunError`; the API turns them into
`{"code": ..., "message": ...}` with the error's HTTP status, and views show the message
next to the form. Messages are lazy translations, so each user reads them in their language.
"""

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class XiangcunError(Exception):
    """Base of every expected, user-facing failure."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    default_message: ClassVar[str | Promise] = _("The request could not be completed.")

    def __init__(
        self, message: str | Promise | None = None, *, field: str | None = None, **details: Any
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidInputError(XiangcunError):
    code = "invalid_input"
    default_message = _("Some of the information is not valid.")


class NotFoundError(XiangcunError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDeniedError(XiangcunError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class ConflictError(XiangcunError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class RateLimitedError(XiangcunError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait and try again.")
