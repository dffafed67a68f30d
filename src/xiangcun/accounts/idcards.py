"""Resident ID card numbers (GB 11643-1999): validation, keyed hash and masked form.

The clear number only passes through these functions on its way to a hash and a mask; it is
never stored, logged or shown.
"""

import datetime
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.errors import InvalidIdNumberError

_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


def id_number_check_character(first_17: str) -> str:
    """The 18th character that ISO 7064 MOD 11-2 gives for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def id_number_normalize(raw: str) -> str:
    """Return the 18-character number (upper-case X), or raise InvalidIdNumberError."""
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(raw))).upper()
    if not _SHAPE.match(number):
        raise InvalidIdNumberError(
            _("An ID card number has 18 characters: 17 digits, then a digit or X."),
            field="id_number",
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > timezone.localdate():
        raise InvalidIdNumberError(
            _("The birth date in this ID card number is not a real date."), field="id_number"
        )
    if id_number_check_character(number[:17]) != number[17]:
        raise InvalidIdNumberError(field="id_number")
    return number


def id_number_hash(number: str) -> str:
    """Keyed so that the hashes in a leaked database cannot be matched against all numbers."""
    key = str(settings.IDENTITY_HASH_KEY).encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def id_number_mask(number: str) -> str:
    """522***********123X: enough for a person to recognise their own card, no more."""
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"
