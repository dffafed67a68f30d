"""Mainland China's provinces by GB/T 2260 code, for messages and the console until (and
besides) regions' national division table: a county's province is its first two digits and
"0000"."""

import re

from django.utils.translation import get_language

COUNTY_CODE = re.compile(r"^[1-9][0-9]{5}$")

# code: (name, English name)
PROVINCES: dict[str, tuple[str, str]] = {
    "110000": ("北京市", "Beijing"),
    "120000": ("天津市", "Tianjin"),
    "130000": ("河北省", "Hebei"),
    "140000": ("山西省", "Shanxi"),
    "150000": ("内蒙古自治区", "Inner Mongolia"),
    "210000": ("辽宁省", "Liaoning"),
    "220000": ("吉林省", "Jilin"),
    "230000": ("黑龙江省", "Heilongjiang"),
    "310000": ("上海市", "Shanghai"),
    "320000": ("江苏省", "Jiangsu"),
    "330000": ("浙江省", "Zhejiang"),
    "340000": ("安徽省", "Anhui"),
    "350000": ("福建省", "Fujian"),
    "360000": ("江西省", "Jiangxi"),
    "370000": ("山东省", "Shandong"),
    "410000": ("河南省", "Henan"),
    "420000": ("湖北省", "Hubei"),
    "430000": ("湖南省", "Hunan"),
    "440000": ("广东省", "Guangdong"),
    "450000": ("广西壮族自治区", "Guangxi"),
    "460000": ("海南省", "Hainan"),
    "500000": ("重庆市", "Chongqing"),
    "510000": ("四川省", "Sichuan"),
    "520000": ("贵州省", "Guizhou"),
    "530000": ("云南省", "Yunnan"),
    "540000": ("西藏自治区", "Tibet"),
    "610000": ("陕西省", "Shaanxi"),
    "620000": ("甘肃省", "Gansu"),
    "630000": ("青海省", "Qinghai"),
    "640000": ("宁夏回族自治区", "Ningxia"),
    "650000": ("新疆维吾尔自治区", "Xinjiang"),
}


def province_of(county_code: str) -> str:
    """The province code of a GB/T 2260 code ("522636" -> "520000")."""
    return county_code[:2] + "0000"


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def province_name(code: str) -> str:
    """The province's name in the reader's language; the code itself if unknown."""
    names = PROVINCES.get(code)
    if names is None:
        return code
    return names[1] if in_english() else names[0]


def province_choices() -> list[tuple[str, str]]:
    return [(code, province_name(code)) for code in PROVINCES]
