"""收货地址智能识别: read a pasted line such as
`广东省广州市天河区体育西路 123 号 张三 13912345678` into the fields of an address.

Divisions are matched against the divisions table, from the largest down, by official or short
name (广东 for 广东省), each level only among the ones under what was already found; a name
that could be more than one division fills nothing. Whatever is not found stays "": the buyer
fills it in, nothing is guessed. Reads only.
"""

import re
import unicodedata
from dataclasses import dataclass

from xiangcun.core.validators import text_check
from xiangcun.regions.division_index import DivisionIndex
from xiangcun.regions.division_names import NameIndex, city_name, name_index
from xiangcun.regions.errors import InvalidFieldError
from xiangcun.regions.selectors import division_path
from xiangcun.regions.types import DivisionLevel, DivisionOut, ParsedAddress

TEXT_MAX = 300

# A mainland mobile, maybe after +86 / 0086 / 86, its digits maybe split by spaces or dashes.
_PHONE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[\s\-]*)?(1[3-9][0-9](?:[\s\-]*[0-9]){8})(?![0-9])", re.ASCII
)
# "收货人：" and the like, as shops' "copy address" buttons write them.
_LABEL = re.compile(
    r"(收货人|收件人|联系人|姓名|手机号码|手机号|手机|联系电话|电话|所在地区|收货地址|详细地址|"
    r"地址|地区|name|phone|tel|address)\s*[:：]",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[\s,;、|。]+")
_NAME_MARKS = "·•"
# Characters that make a token part of an address rather than someone's name.
_ADDRESS_CHARS = set("路街道巷弄号楼栋幢层室座单元区县市省镇乡村组苑园城厦场院里坊屯寨湾岭港门期")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _looks_like_name(token: str) -> bool:
    if 2 <= len(token) <= 6 and all(_is_cjk(char) or char in _NAME_MARKS for char in token):
        return not _ADDRESS_CHARS.intersection(token[1:])
    return bool(re.fullmatch(r"[A-Za-z]{2,20}", token))


def _looks_like_address(token: str) -> bool:
    return (
        len(token) == 1
        or any(char.isdigit() for char in token)
        or bool(_ADDRESS_CHARS.intersection(token))
        or token[0] in "(-#"
    )


@dataclass
class _Found:
    codes: tuple[str, ...] = ()  # the divisions found, largest first
    consumed: int = 0


def _longest(
    text: str, pos: int, tables: list[dict[str, list[str]]]
) -> tuple[str, list[str]] | None:
    """The longest name in the tables that `text` has at `pos`, with all the codes it names."""
    best: tuple[str, list[str]] | None = None
    for length in range(min(len(text) - pos, 24), 1, -1):
        piece = text[pos : pos + length]
        codes = [code for table in tables for code in table.get(piece, [])]
        if codes:
            best = (piece, codes)
            break
    return best


def _one_place(codes: list[str], index: DivisionIndex) -> DivisionOut | None:
    """The division a name stands for: one code, or several on one line of descent (上海市 is
    the province and its prefecture), then the largest; None when it could be two places."""
    divisions = sorted({index.by_code[code] for code in codes}, key=lambda d: d.code)
    top = min(divisions, key=lambda d: list(DivisionLevel).index(d.level))
    for division in divisions:
        ancestor = division
        while ancestor.code != top.code and ancestor.parent_code:
            ancestor = index.by_code[ancestor.parent_code]
        if ancestor.code != top.code:
            return None
    return top


def _match(text: str, index: DivisionIndex, names: NameIndex) -> _Found:
    """The divisions `text` starts with, largest first, each under the one before."""
    found = _Found()
    pos = 0
    tables = [names.everywhere[level] for level in DivisionLevel]
    while True:
        match = _longest(text, pos, tables)
        division = _one_place(match[1], index) if match else None
        if match is None or division is None:
            return found  # nothing more, or a name that could be several places
        pos += len(match[0])
        found = _Found(codes=(*found.codes, division.code), consumed=pos)
        if not division.has_children:
            return found
        tables = [names.children.get(division.code, {})]
        if division.level == DivisionLevel.PROVINCE:
            # 北京朝阳区, 广东天河区: the prefecture may be left out.
            tables.append(names.grandchildren.get(division.code, {}))


def _names(index: DivisionIndex, found: _Found) -> dict[str, str]:
    if not found.codes:
        return {}
    last: DivisionOut = index.by_code[found.codes[-1]]
    if last.level == DivisionLevel.COUNTY or not last.has_children:
        path = division_path(last.code)
        return {
            "province": path.province.name,
            "city": city_name(path),
            "county": path.county.name,
            "county_code": path.county.code,
        }
    if last.level == DivisionLevel.PREFECTURE:
        province = index.by_code[last.parent_code]
        return {"province": province.name, "city": last.name}
    return {"province": last.name}


def _after_divisions(
    tokens: list[str], start: int, consumed: int, used: set[int]
) -> tuple[list[str], int]:
    """Mark the tokens the divisions took; return what is left of the last one and the
    position of the first token after it."""
    position = start
    while position < len(tokens) and consumed >= len(tokens[position]):
        consumed -= len(tokens[position])
        used.add(position)
        position += 1
    if position < len(tokens) and consumed:
        used.add(position)
        return [tokens[position][consumed:]], position + 1
    return [], position


def _join(parts: list[str]) -> str:
    """Chinese runs together; a space stays only between two Latin letters or digits."""
    text = ""
    for part in parts:
        if text and part and text[-1].isascii() and text[-1].isalnum() and part[0].isascii():
            text += " "
        text += part
    return text


def _phone(text: str) -> tuple[str, str]:
    match = _PHONE.search(text)
    if match is None:
        return "", text
    digits = re.sub(r"[\s\-]", "", match.group(1))
    return digits, f"{text[: match.start()]} {text[match.end() :]}"


def address_parse(text: str) -> ParsedAddress:
    """Read a pasted address into province, city, county (with its code), detail, recipient
    and phone. At most 300 characters (InvalidFieldError `invalid_field` on `text` beyond, or
    for anything but text)."""
    if not isinstance(text, str) or len(text) > TEXT_MAX:
        raise InvalidFieldError(field="text", max_length=TEXT_MAX)
    text_check(text=text)
    normalized = unicodedata.normalize("NFKC", text)
    phone, rest = _phone(normalized)
    tokens = [token for token in _SEPARATOR.split(_LABEL.sub(" ", rest)) if token]
    index, names = name_index()
    best_at, best = -1, _Found()
    for position in range(len(tokens)):
        # Divisions may be split by spaces (湖北省 仙桃市): match across the tokens that follow.
        found = _match("".join(tokens[position:]), index, names)
        if found.consumed > best.consumed:
            best_at, best = position, found
    used: set[int] = set()
    detail = ""
    if best_at >= 0:
        parts, left = _after_divisions(tokens, best_at, best.consumed, used)
        for position in range(left, len(tokens)):
            if not _looks_like_address(tokens[position]):
                break
            parts.append(tokens[position])
            used.add(position)
        detail = _join(parts)
    recipient = next(
        (
            token
            for position, token in enumerate(tokens)
            if position not in used and _looks_like_name(token)
        ),
        "",
    )
    return ParsedAddress(
        **_names(index, best), detail=detail[:200], recipient=recipient, phone=phone
    )
