"""Validators for identifiers every app handles: mainland mobile numbers."""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import InvalidInputError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidPhoneError(InvalidInputError):
    code = "invalid_phone"
    default_message = _("Enter a mainland China mobile number: 11 digits starting with 1.")


def mobile_normalize(raw: str) -> str:
    """Return the 11-digit form of a mainland mobile number, or raise InvalidPhoneError.

    Accepts what people type: spaces, dashes, a +86 or 0086 prefix, full-width digits.
    """
    text = unicodedata.normalize("NFKC", str(raw))
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise InvalidPhoneError(field="phone")
    return digits


def mobile_mask(phone: str) -> str:
    """138****0001: what staff screens show of someone else's number."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone
