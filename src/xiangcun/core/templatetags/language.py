"""`{{ station|local }}`: a name in the reader's language (built in to every template)."""

from typing import Any

from django import template

from xiangcun.core.language import localized

register = template.Library()


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """`obj.<field>_en` for English readers when there is one, else the Chinese `obj.<field>`."""
    return localized(obj, field)
