"""Errors the accounts app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    XiangcunError,
)

# Re-exported so callers that only know accounts can catch a bad phone number.
from xiangcun.core.validators import InvalidPhoneError

__all__ = [
    "AccountDisabledError",
    "IdNumberTakenError",
    "InvalidCodeError",
    "InvalidCredentialsError",
    "InvalidIdNumberError",
    "InvalidMoveDateError",
    "InvalidNameError",
    "InvalidPhoneError",
    "MoveNotAllowedError",
    "OtpBusyError",
    "OtpClientRateLimitedError",
    "OtpExpiredError",
    "OtpRateLimitedError",
    "PhoneTakenError",
    "ResidentAlreadyThereError",
    "ResidentNotFoundError",
    "SmsCodeRequiredError",
    "UserAlreadyResidentError",
    "WeakPasswordError",
    "WrongVillageHouseholdError",
]


class PhoneTakenError(ConflictError):
    code = "phone_taken"
    default_message = _("An account with this mobile number already exists. Log in instead.")


class WeakPasswordError(InvalidInputError):
    # The message is replaced by what Django's password validators say.
    code = "invalid_password"
    default_message = _("Choose a different password.")


class InvalidNameError(InvalidInputError):
    code = "invalid_name"
    default_message = _("Enter a name of at most 64 characters.")


class InvalidIdNumberError(InvalidInputError):
    code = "invalid_id_number"
    default_message = _("This ID card number is not valid. Check each digit.")


class IdNumberTakenError(ConflictError):
    code = "id_number_taken"
    default_message = _("A resident with this ID card number is already registered.")


class UserAlreadyResidentError(ConflictError):
    code = "user_already_resident"
    default_message = _("This account already belongs to a registered resident.")


class WrongVillageHouseholdError(InvalidInputError):
    code = "household_in_other_village"
    default_message = _("This household is in a different village.")


class InvalidCredentialsError(XiangcunError):
    # One message whether or not the phone has an account, so nobody can probe for accounts.
    code = "invalid_credentials"
    status = 401
    default_message = _("The mobile number or password is not correct.")


class SmsCodeRequiredError(XiangcunError):
    # After too many wrong passwords a password alone no longer logs in, right or wrong (the
    # answer must not tell which): the caller asks for an SMS code and sends it with the
    # password. Nobody is locked out, so guessing cannot keep the owner out of the account.
    code = "sms_code_required"
    status = 401
    default_message = _(
        "Too many wrong passwords were tried for this number. To log in, ask for a code by "
        "text message and enter it with your password."
    )


class AccountDisabledError(PermissionDeniedError):
    code = "account_disabled"
    default_message = _("This account has been disabled. Ask a service centre for help.")


class OtpRateLimitedError(RateLimitedError):
    # Keeps the generic `rate_limited` code; details.retry_after says how long to wait.
    default_message = _("Too many codes were requested. Wait a little and try again.")


class OtpClientRateLimitedError(RateLimitedError):
    # Per client address, so one client cannot text any number of phones.
    default_message = _("Too many codes were requested from your network. Try again later.")


class OtpBusyError(RateLimitedError):
    # The whole site's limit per minute: a ceiling on what a flood of texts can cost.
    default_message = _("Many people are asking for codes right now. Try again in a minute.")


class InvalidCodeError(XiangcunError):
    code = "invalid_code"
    status = 401
    default_message = _("This code is not correct. Check the SMS and try again.")


class OtpExpiredError(XiangcunError):
    # Expired, already used, used up its attempts, or never requested: all mean "get a new one".
    code = "otp_expired"
    status = 401
    default_message = _("This code has expired or was already used. Ask for a new code.")


# --- Residents' moves ---------------------------------------------------------------------------


class MoveNotAllowedError(PermissionDeniedError):
    code = "move_not_allowed"
    default_message = _("Only service-centre agents and staff may record that a resident moved.")


class ResidentNotFoundError(NotFoundError):
    code = "resident_not_found"
    default_message = _("No such resident.")


class ResidentAlreadyThereError(InvalidInputError):
    code = "resident_already_there"
    default_message = _("The resident already lives in this village.")


class InvalidMoveDateError(InvalidInputError):
    code = "invalid_move_date"
    default_message = _(
        "Enter the day the resident moved: not in the future, and not before their last move."
    )
