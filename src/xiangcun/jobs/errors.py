"""Errors the jobs app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

# Re-exported so callers that only know jobs can catch a bad village, phone or ID number.
from xiangcun.accounts.errors import InvalidIdNumberError
from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from xiangcun.core.validators import InvalidPhoneError
from xiangcun.regions.errors import UnknownVillageError

__all__ = [
    "ApplicationNotFoundError",
    "FairNotFoundError",
    "InvalidApplicationMoveError",
    "InvalidIdNumberError",
    "InvalidJobFieldError",
    "InvalidPhoneError",
    "JobsPermissionDeniedError",
    "PostingClosedError",
    "PostingFullError",
    "PostingNotAtFairError",
    "PostingNotFoundError",
    "UnknownVillageError",
]


class PostingNotFoundError(NotFoundError):
    code = "posting_not_found"
    default_message = _("This job posting does not exist.")


class FairNotFoundError(NotFoundError):
    code = "fair_not_found"
    default_message = _("This career fair does not exist.")


class ApplicationNotFoundError(NotFoundError):
    code = "application_not_found"
    default_message = _("This job application does not exist.")


class JobsPermissionDeniedError(PermissionDeniedError):
    default_message = _("Only recruiters can do this.")


class PostingClosedError(ConflictError):
    code = "posting_closed"
    default_message = _("This job is not taking applications.")


class PostingFullError(ConflictError):
    code = "posting_full"
    default_message = _("Every place on this posting is filled.")


class PostingNotAtFairError(InvalidInputError):
    code = "posting_not_at_fair"
    default_message = _("This job is not offered at this fair.")


class InvalidApplicationMoveError(ConflictError):
    code = "invalid_application_move"
    default_message = _("This application cannot move to that step from where it is.")


class InvalidJobFieldError(InvalidInputError):
    code = "invalid_field"
    default_message = _("Some of the information is not valid.")
