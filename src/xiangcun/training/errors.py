"""Errors the training app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from xiangcun.core.validators import InvalidPhoneError

__all__ = [
    "AttemptClosedError",
    "AttemptNotFoundError",
    "CertificateNotFoundError",
    "CourseNotFoundError",
    "InvalidAnswerError",
    "InvalidPhoneError",
    "InvalidSessionError",
    "LessonNotFoundError",
    "NoQuizError",
    "RegistrationNotFoundError",
    "SessionClosedError",
    "SessionNotFoundError",
    "TrainingPermissionDeniedError",
]


class CourseNotFoundError(NotFoundError):
    code = "course_not_found"
    default_message = _("This course does not exist.")


class LessonNotFoundError(NotFoundError):
    code = "lesson_not_found"
    default_message = _("This lesson does not exist.")


class SessionNotFoundError(NotFoundError):
    code = "session_not_found"
    default_message = _("This training session does not exist.")


class RegistrationNotFoundError(NotFoundError):
    code = "registration_not_found"
    default_message = _("This registration does not exist.")


class CertificateNotFoundError(NotFoundError):
    code = "certificate_not_found"
    default_message = _("No certificate has this code.")


class AttemptNotFoundError(NotFoundError):
    code = "attempt_not_found"
    default_message = _("This quiz attempt does not exist.")


class TrainingPermissionDeniedError(PermissionDeniedError):
    default_message = _("Only trainers can do this.")


class NoQuizError(ConflictError):
    code = "no_quiz"
    default_message = _("This course has no quiz yet.")


class AttemptClosedError(ConflictError):
    code = "attempt_closed"
    default_message = _("This quiz attempt was already handed in. Start a new one.")


class InvalidAnswerError(InvalidInputError):
    code = "invalid_answer"
    default_message = _("Choose one answer from the list for every question.")


class SessionClosedError(ConflictError):
    code = "session_closed"
    default_message = _("This session is cancelled or already over.")


class InvalidSessionError(InvalidInputError):
    code = "invalid_session"
    default_message = _("Choose a service centre, a time in the future and 1 to 500 seats.")
