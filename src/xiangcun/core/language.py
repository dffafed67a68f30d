"""One language at a time for names kept in two: places, shops, products and the like hold a
Chinese `name` and an English `name_en`; pages and messages show the reader's one."""

from typing import Any

from django.utils.translation import get_language


def reader_reads_english() -> bool:
    return (get_language() or "").startswith("en")


def in_reader_language(chinese: str, english: str) -> str:
    """`english` for an English reader when there is one, else `chinese`."""
    return english if english and reader_reads_english() else chinese


def localized(obj: Any, field: str = "name") -> str:
    """`obj.<field>_en` for an English reader when there is one, else `obj.<field>`."""
    if obj is None:
        return ""
    chinese = str(getattr(obj, field, "") or "")
    return in_reader_language(chinese, str(getattr(obj, f"{field}_en", "") or ""))
