"""Validators every app's services share: mainland mobile numbers, and text a column can hold."""

import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import InvalidInputError, XiangcunError

# ASCII digits only: `\d` alone also matches Arabic-Indic and other scripts' digits.
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


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


class UnstorableTextError(InvalidInputError):
    code = "invalid_text"
    default_message = _("The text holds characters that cannot be stored. Please retype it.")


def text_is_storable(value: str) -> bool:
    """False for text holding NUL or an unpaired UTF-16 surrogate ("\\ud800"): neither encodes
    as UTF-8 (SQLite, hashes, SMS) and PostgreSQL refuses NUL in text columns."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_check(**values: str) -> None:
    """Raise UnstorableTextError naming the first argument a database could not store.

    Services call it first with the text they were given (`text_check(name=name)`), so such
    input is refused before any write or query rather than failing inside the database."""
    for field, value in values.items():
        if isinstance(value, str) and not text_is_storable(value):
            raise UnstorableTextError(field=field)


def text_field(
    value: object,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    collapse_spaces: bool = False,
    non_text_as_empty: bool = False,
    error: type[XiangcunError] | None = None,
    too_long_error: type[XiangcunError] | None = None,
) -> str:
    """The text a service stores from `value`: trimmed (with `collapse_spaces`, every run of
    whitespace inside also made one space), storable (`text_check`), not empty when `required`,
    at most `max_length` characters.

    A value that is not a str is read as `str(value or "")`, or as "" with `non_text_as_empty`.
    Refusals are the calling app's own errors, so its API codes stay its own: empty raises
    `error(field=field)`; too long raises `too_long_error(field=field, max_length=max_length)`
    when given, else `error(field=field)`. Without `error`, an InvalidInputError (too long: one
    whose message names the limit).
    """
    text = value if isinstance(value, str) else "" if non_text_as_empty else str(value or "")
    text_check(**{field: text})
    cleaned = " ".join(text.split()) if collapse_spaces else text.strip()
    if required and not cleaned:
        raise (error or InvalidInputError)(field=field)
    if len(cleaned) > max_length:
        if too_long_error is not None:
            raise too_long_error(field=field, max_length=max_length)
        if error is not None:
            raise error(field=field)
        raise InvalidInputError(
            _("This is too long: at most %(max)d characters.") % {"max": max_length}, field=field
        )
    return cleaned


# What PostgreSQL's integer columns hold (SQLite holds 64 bits): IntegerField and
# PositiveIntegerField are 32-bit, the SmallInteger fields 16-bit.
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
INT16_MAX = 2**15 - 1


class NumberOutOfRangeError(InvalidInputError):
    code = "number_out_of_range"
    default_message = _("This number is outside the range allowed here.")


def int_check(value: int, *, field: str, minimum: int, maximum: int) -> int:
    """The whole number if it lies in [minimum, maximum], else NumberOutOfRangeError (a bool or
    a number beyond the column is refused here, not by the database)."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise NumberOutOfRangeError(field=field, minimum=minimum, maximum=maximum)
    return value


def ids_storable(ids: Iterable[int]) -> list[int]:
    """The ids a primary key can hold (1 to 2**63 - 1): the others name no row, and a filter
    `pk__in=[2**64]` fails in the database driver instead of matching nothing."""
    return [value for value in ids if 0 < value <= INT64_MAX]
