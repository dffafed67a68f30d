"""Errors the sellers app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

# Re-exported so callers that only know sellers can catch a bad village or phone.
from xiangcun.core.validators import InvalidPhoneError
from xiangcun.regions.errors import UnknownVillageError

__all__ = [
    "HouseholdLinkExistsError",
    "HouseholdNotRegisteredPoorError",
    "InvalidImageError",
    "InvalidPhoneError",
    "InvalidSellerFieldError",
    "InvalidSellerKindError",
    "InvalidSellerNameError",
    "InvalidSellerStatusChangeError",
    "ReviewNoteRequiredError",
    "ReviewNoteTooLongError",
    "SellerApplicationPendingError",
    "SellerNotFoundError",
    "SellerPermissionDeniedError",
    "SellerReviewNotAllowedError",
    "UnknownHouseholdError",
    "UnknownVillageError",
]


class SellerNotFoundError(NotFoundError):
    code = "seller_not_found"
    default_message = _("This shop does not exist.")


class SellerPermissionDeniedError(PermissionDeniedError):
    # Keeps the generic `permission_denied` code: clients treat every refusal alike.
    default_message = _("You cannot change this shop.")


class SellerReviewNotAllowedError(PermissionDeniedError):
    default_message = _("Only programme staff can review shops.")


class InvalidSellerStatusChangeError(ConflictError):
    code = "invalid_seller_status"
    default_message = _("This shop cannot be moved to that status from its current one.")


class SellerApplicationPendingError(ConflictError):
    code = "seller_application_pending"
    default_message = _("You already have a shop application waiting for review.")


class InvalidSellerKindError(InvalidInputError):
    code = "invalid_seller_kind"
    default_message = _("Choose what kind of seller this is from the list.")


class InvalidSellerNameError(InvalidInputError):
    code = "invalid_name"
    default_message = _("Enter a shop name of at most 80 characters.")


class InvalidSellerFieldError(InvalidInputError):
    code = "invalid_field"
    default_message = _("This detail of a shop cannot be changed here.")


class InvalidImageError(InvalidInputError):
    code = "invalid_image"
    default_message = _("Upload a JPEG, PNG or WebP photo of at most 8 MB.")


class UnknownHouseholdError(InvalidInputError):
    code = "unknown_household"
    default_message = _("Choose a registered household from the list.")


class HouseholdNotRegisteredPoorError(InvalidInputError):
    code = "household_not_registered_poor"
    default_message = _("This household is not on the poor-household register (建档立卡).")


class HouseholdLinkExistsError(ConflictError):
    code = "household_link_exists"
    default_message = _("This household is already recorded for this shop.")


class ReviewNoteRequiredError(InvalidInputError):
    code = "note_required"
    default_message = _("Say why, so the seller knows what to put right.")


class ReviewNoteTooLongError(InvalidInputError):
    code = "too_long"
    default_message = _("Keep the note to at most 200 characters.")
