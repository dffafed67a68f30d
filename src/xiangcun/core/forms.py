"""Helpers for every app's forms: options known only when the page is built, and a service's
refusal shown on the form that asked for it."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.forms import BaseForm, ChoiceField, Form

from xiangcun.core.errors import XiangcunError


def choices_set(form: BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Give the choice field `name` the options the view read through selectors (a seller's own
    lots, a depot's stations). `form.fields` types every field as a plain `Field`."""
    field = form.fields[name]
    if not isinstance(field, ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    field.choices = choices


def form_add_service_error(
    form: Form, error: XiangcunError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Put the error's message next to the field it is about, else above the form.

    The service names a field in its own terms (`address.township_id`, `brand_id`); the form's
    field is the last part without `_id`, or whatever `fields` maps the service's field name
    or the error code to. Hidden fields have nowhere to show a message.
    """
    named = error.field or ""
    last = named.rsplit(".", 1)[-1]
    aliases = fields or {}
    for name in (
        aliases.get(last, ""),
        last,
        last.removesuffix("_id"),
        aliases.get(error.code, ""),
    ):
        if name and name in form.fields and not form.fields[name].widget.is_hidden:
            form.add_error(name, str(error.message))
            return
    form.add_error(None, str(error.message))
