"""Addresses anywhere in mainland China: the check checkout runs on a delivery address."""

from functools import partial
from typing import Any

from xiangcun.core.validators import mobile_normalize, text_field
from xiangcun.regions.division_names import city_name, is_grouping, name_matches
from xiangcun.regions.errors import (
    DivisionMismatchError,
    FieldTooLongError,
    FieldTooShortError,
    InvalidFieldError,
    RequiredFieldError,
    UnknownDivisionError,
)
from xiangcun.regions.selectors import division_path
from xiangcun.regions.types import CheckedAddress

_text = partial(
    text_field, collapse_spaces=True, error=RequiredFieldError, too_long_error=FieldTooLongError
)

DETAIL_MIN, DETAIL_MAX = 2, 200
RECIPIENT_MAX = 64
TOWNSHIP_MAX = 64


def _county_code(value: object) -> str:
    if value in (None, ""):
        raise RequiredFieldError(field="county_code")
    if not isinstance(value, str):
        raise UnknownDivisionError(field="county_code")
    code = value.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise UnknownDivisionError(field="county_code")
    return code


def _names_agree(data: dict[str, Any], county_code: str) -> None:
    """A province or city the caller also wrote must be the code's own (full or short name)."""
    path = division_path(county_code)
    written_province = _text(data.get("province"), field="province", max_length=32, required=False)
    if written_province and not name_matches(written_province, path.province):
        raise DivisionMismatchError(field="province")
    written_city = _text(data.get("city"), field="city", max_length=64, required=False)
    if written_city:
        # 仙桃市 is written as the city of 湖北省仙桃市; 北京市 as the city of 北京市朝阳区.
        candidates = (
            [path.prefecture, path.county] if is_grouping(path.prefecture) else [path.prefecture]
        )
        if not any(name_matches(written_city, division) for division in candidates):
            raise DivisionMismatchError(field="city")
    written_county = _text(data.get("county"), field="county", max_length=64, required=False)
    if written_county and not name_matches(written_county, path.county):
        raise DivisionMismatchError(field="county")


def address_check(data: dict[str, Any]) -> CheckedAddress:
    """Check a delivery address given as a dict and fill in its division names.

    Keys: `county_code` (required, six digits, a county or district; a prefecture without
    counties such as 东莞市 441900 counts as one), `province`, `city`, `county` (optional; if
    given they must name the code's own divisions), `township` (street or town, optional),
    `detail` (2 to 200 characters), `recipient` (1 to 64) and `phone` (a mainland mobile).
    Raises an InvalidInputError subclass naming the first field that is wrong; reads only.
    """
    if not isinstance(data, dict):
        raise InvalidFieldError(field="address")
    county_code = _county_code(data.get("county_code"))
    path = division_path(county_code)
    _names_agree(data, county_code)
    detail = _text(data.get("detail"), field="detail", max_length=DETAIL_MAX)
    if len(detail) < DETAIL_MIN:
        raise FieldTooShortError(field="detail", min_length=DETAIL_MIN)
    recipient = _text(data.get("recipient"), field="recipient", max_length=RECIPIENT_MAX)
    township = _text(
        data.get("township"), field="township", max_length=TOWNSHIP_MAX, required=False
    )
    phone = data.get("phone")
    if phone in (None, ""):
        raise RequiredFieldError(field="phone")
    return CheckedAddress(
        county_code=county_code,
        province=path.province.name,
        city=city_name(path),
        county=path.county.name,
        township=township,
        detail=detail,
        recipient=recipient,
        phone=mobile_normalize(str(phone)),
    )
