"""Division names as people write them: the official name, and the short name without the
kind of division (广东省 → 广东, 黔东南苗族侗族自治州 → 黔东南, 天河区 → 天河).

Used to read a pasted address and to accept "广东" where a form says "广东省". Short names of
one character are never made (赵县 stays 赵县): a single character matches too much text.
"""

from dataclasses import dataclass, field

from xiangcun.regions.division_index import DivisionIndex, division_index
from xiangcun.regions.types import DivisionLevel, DivisionOut, DivisionPath

# Longest first, so 自治县 is stripped before 县.
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "盟",
)
# The 56 peoples' names as they appear inside autonomous divisions' names (苗族侗族自治州).
_PEOPLES = [
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
]
_PEOPLE_WORDS = sorted((f"{people}族" for people in _PEOPLES), key=len, reverse=True)
# A prefecture-level row that is a grouping in GB/T 2260, not a place anyone writes.
_GROUPING_SUFFIX = "直辖县级行政区划"


def division_short_name(name: str) -> str:
    """The name without its kind of division, or "" when that would leave under two characters."""
    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    if name.endswith(("自治州", "自治县", "自治旗")):
        # The first people's name ends the place's name: 石林彝族自治县 → 石林.
        cuts = [stem.find(word) for word in _PEOPLE_WORDS if stem.find(word) > 0]
        if cuts:
            stem = stem[: min(cuts)]
    if stem == name or len(stem) < 2:
        return ""
    return stem


def division_written_names(name: str) -> set[str]:
    """Every way people write this name: official, short, and for an autonomous prefecture or
    county the short name with 州 or 县 (黔东南州, 石林县)."""
    names = {name}
    short = division_short_name(name)
    if short:
        names.add(short)
        if name.endswith("自治州"):
            names.add(f"{short}州")
        elif name.endswith("自治县"):
            names.add(f"{short}县")
    return names


def is_grouping(division: DivisionOut) -> bool:
    """True for 省直辖县级行政区划 and the like: a prefecture row no address names."""
    return division.name.endswith(_GROUPING_SUFFIX)


def city_name(path: DivisionPath) -> str:
    """The city an address names: the prefecture, or for a county directly under its province
    (仙桃市, 济源市) the county itself."""
    return path.county.name if is_grouping(path.prefecture) else path.prefecture.name


def name_matches(written: str, division: DivisionOut) -> bool:
    """Whether a name someone wrote names this division (full or short, spaces ignored)."""
    return "".join(written.split()) in division_written_names(division.name)


@dataclass
class NameIndex:
    """For each parent code ("" for the country), each name and short name of its children
    and grandchildren → their codes; several codes when the name is ambiguous."""

    children: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    grandchildren: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    everywhere: dict[DivisionLevel, dict[str, list[str]]] = field(default_factory=dict)


def _add(table: dict[str, list[str]], division: DivisionOut) -> None:
    for name in division_written_names(division.name):
        table.setdefault(name, []).append(division.code)


def _build(index: DivisionIndex) -> NameIndex:
    names = NameIndex(everywhere={level: {} for level in DivisionLevel})
    for division in index.by_code.values():
        _add(names.everywhere[division.level], division)
        _add(names.children.setdefault(division.parent_code, {}), division)
        parent = index.by_code.get(division.parent_code)
        if parent is not None:
            _add(names.grandchildren.setdefault(parent.parent_code, {}), division)
    return names


_cache: tuple[DivisionIndex, NameIndex] | None = None


def name_index() -> tuple[DivisionIndex, NameIndex]:
    """The name index of the current division index (rebuilt when that one is)."""
    global _cache
    index = division_index()
    cached = _cache
    if cached is not None and cached[0] is index:
        return cached
    built = (index, _build(index))
    if index.by_code:
        _cache = built
    return built
