"""Our own words for the messages Django's forms and validators would show ("确保该值大于或等于
0.001" is Django's, not ours): installed once at start-up (CoreConfig.ready), so every form of
every app, and the model validation behind it, speaks in the site's plain style and both
languages come from our catalogues."""

from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

FIELD_MESSAGES: dict[type[forms.Field], dict[str, Any]] = {
    forms.Field: {"required": _("Fill in this box.")},
    forms.IntegerField: {"invalid": _("Write a whole number, such as 12.")},
    forms.FloatField: {"invalid": _("Write a number, such as 12.5.")},
    forms.DecimalField: {"invalid": _("Write a number, such as 12.5.")},
    forms.DateField: {"invalid": _("Write a date such as 2026-11-28.")},
    forms.TimeField: {"invalid": _("Write a time such as 08:30.")},
    forms.DateTimeField: {"invalid": _("Write a date and time such as 2026-11-28 08:30.")},
    forms.EmailField: {"invalid": _("Write an e-mail address such as name@example.com.")},
    forms.URLField: {"invalid": _("Write a web address such as https://example.com.")},
    forms.ChoiceField: {"invalid_choice": _("Choose one of the options in the list.")},
    forms.MultipleChoiceField: {
        "invalid_choice": _("Choose only options in the list."),
        "invalid_list": _("Choose options from the list."),
    },
    forms.ModelChoiceField: {"invalid_choice": _("Choose one of the options in the list.")},
    forms.ModelMultipleChoiceField: {
        "invalid_choice": _("Choose only options in the list."),
        "invalid_pk_value": _("Choose only options in the list."),
    },
    forms.FileField: {
        "invalid": _("That is not a file. Choose the file again."),
        "missing": _("No file came with the form. Choose the file again."),
        "empty": _("The file is empty. Choose another one."),
    },
    forms.ImageField: {"invalid_image": _("That file is not a picture we can read (JPEG or PNG).")},
}

DECIMAL_MESSAGES: dict[str, Any] = {
    "invalid": _("Write a number, such as 12.5."),
    "max_digits": _("Write a shorter number: at most %(max)s digits."),
    "max_decimal_places": _("Write at most %(max)s digits after the decimal point."),
    "max_whole_digits": _("Write a smaller number: at most %(max)s digits before the point."),
}


def form_messages_install() -> None:
    """Replace Django's built-in form and validator messages with ours."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    validators.MinValueValidator.message = _("Write a number of at least %(limit_value)s.")
    validators.MaxValueValidator.message = _("Write a number of at most %(limit_value)s.")
    validators.MinLengthValidator.message = _(
        "Write at least %(limit_value)d characters (this has %(show_value)d)."
    )
    validators.MaxLengthValidator.message = _(
        "Write at most %(limit_value)d characters (this has %(show_value)d)."
    )
    validators.StepValueValidator.message = _("Write a multiple of %(limit_value)s.")
    validators.EmailValidator.message = _("Write an e-mail address such as name@example.com.")
    validators.URLValidator.message = _("Write a web address such as https://example.com.")
    validators.RegexValidator.message = _("Check what you wrote: it is not in the right form.")
    validators.ProhibitNullCharactersValidator.message = _("Take out the invisible characters.")
    validators.DecimalValidator.messages = {
        **validators.DecimalValidator.messages,
        **DECIMAL_MESSAGES,
    }


# The API's answer to a body that does not fit its schema names each wrong field with our own
# words, by the kind of error pydantic reports (its own English words never reach the caller).
_INPUT_MESSAGES: dict[str, Any] = {
    "missing": _("Fill in this box."),
    "int_parsing": _("Write a whole number, such as 12."),
    "int_type": _("Write a whole number, such as 12."),
    "int_from_float": _("Write a whole number, such as 12."),
    "float_parsing": _("Write a number, such as 12.5."),
    "float_type": _("Write a number, such as 12.5."),
    "decimal_parsing": _("Write a number, such as 12.5."),
    "decimal_type": _("Write a number, such as 12.5."),
    "date_parsing": _("Write a date such as 2026-11-28."),
    "date_from_datetime_parsing": _("Write a date such as 2026-11-28."),
    "datetime_parsing": _("Write a date and time such as 2026-11-28 08:30."),
    "enum": _("Choose one of the options in the list."),
    "literal_error": _("Choose one of the options in the list."),
    "bool_parsing": _("Write true or false."),
}
_INPUT_LIMITS: dict[str, tuple[str, Any]] = {
    "greater_than_equal": ("ge", _("Write a number of at least %(limit_value)s.")),
    "greater_than": ("gt", _("Write a number greater than %(limit_value)s.")),
    "less_than_equal": ("le", _("Write a number of at most %(limit_value)s.")),
    "less_than": ("lt", _("Write a number smaller than %(limit_value)s.")),
    "string_too_long": ("max_length", _("Write at most %(limit_value)s characters.")),
    "string_too_short": ("min_length", _("Write at least %(limit_value)s characters.")),
    "too_long": ("max_length", _("Send at most %(limit_value)s items.")),
    "too_short": ("min_length", _("Send at least %(limit_value)s items.")),
}


def input_error_message(error: dict[str, Any]) -> str:
    """One of pydantic's errors (`type`, `ctx`) in our words and the reader's language."""
    kind = str(error.get("type", ""))
    if kind in _INPUT_MESSAGES:
        return str(_INPUT_MESSAGES[kind])
    if kind in _INPUT_LIMITS:
        key, text = _INPUT_LIMITS[kind]
        limit = (error.get("ctx") or {}).get(key)
        if limit is not None:
            return str(text) % {"limit_value": limit}
    return str(_("This value is not valid here."))
