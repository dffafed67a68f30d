"""What the figures are about: a period, a township or village, a product type, read from the
filters people and API clients send (all optional, all bounded) into a `Scope`."""

import datetime

from xiangcun.catalog.selectors import categories_list
from xiangcun.impact.errors import (
    BadPeriodError,
    UnknownCategoryError,
    UnknownTownshipError,
    UnknownVillageError,
)
from xiangcun.impact.types import Scope
from xiangcun.regions.selectors import townships_list, village_id_for_code, village_township_id

__all__ = ["MAX_PERIOD_DAYS", "Scope", "scope_parse"]

# A period longer than ten years is refused: the programme is younger than that, and a series by
# day over it would be thousands of points.
MAX_PERIOD_DAYS = 3653
_MAX_CODE = 15  # the longest division code (a village's)
_MAX_CATEGORY = 60  # a category's slug


def _date(text: str, field: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) != 10:
        raise BadPeriodError(field=field)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise BadPeriodError(field=field) from error


def _township(code: str) -> tuple[int, str] | None:
    code = code.strip()
    if not code:
        return None
    if len(code) > _MAX_CODE or not code.isdigit():
        raise UnknownTownshipError(field="township")
    for township in townships_list():
        if township.code == code:
            return township.id, township.code
    raise UnknownTownshipError(field="township")


def _category(text: str) -> tuple[int, str] | None:
    """A product type by its slug (or id): a top-level catalogue category, since the sales facts
    are kept by those."""
    text = text.strip()
    if not text:
        return None
    if len(text) > _MAX_CATEGORY:
        raise UnknownCategoryError(field="category")
    for category in categories_list():
        if category.parent_id is None and (category.slug == text or str(category.pk) == text):
            return category.pk, category.slug
    raise UnknownCategoryError(field="category")


def scope_parse(
    *,
    date_from: str = "",
    date_to: str = "",
    township: str = "",
    village: str = "",
    category: str = "",
) -> Scope:
    """The scope of these filters. Township and village by division code (a village names its
    township; a township given with it must be that one), the product type by its slug, dates as
    YYYY-MM-DD (either may be left open). BadPeriodError for a bad date, a period backwards or
    longer than ten years; UnknownTownshipError, UnknownVillageError, UnknownCategoryError."""
    values = (date_from, date_to, township, village, category)
    if any(not isinstance(value, str) for value in values):
        raise BadPeriodError
    first = _date(date_from, "from")
    last = _date(date_to, "to")
    if first is not None and last is not None:
        if first > last:
            raise BadPeriodError(field="from")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise BadPeriodError(field="to")
    found_township = _township(township)
    township_id, township_code = found_township if found_township else (None, "")
    village_id: int | None = None
    village_code = village.strip()
    if village_code:
        if len(village_code) > _MAX_CODE or not village_code.isdigit():
            raise UnknownVillageError(field="village")
        village_id = village_id_for_code(code=village_code)
        if village_id is None:
            raise UnknownVillageError(field="village")
        its_township = village_township_id(village_id=village_id)
        if its_township is None or (township_id is not None and its_township != township_id):
            raise UnknownVillageError(field="village")
        if township_id is None:
            township_id = its_township
            township_code = next(t.code for t in townships_list() if t.id == its_township)
    found_category = _category(category)
    category_id, category_slug = found_category if found_category else (None, "")
    return Scope(
        date_from=first,
        date_to=last,
        township_id=township_id,
        village_id=village_id,
        category_id=category_id,
        township_code=township_code,
        village_code=village_code,
        category_slug=category_slug,
    )
