"""The check checkout runs on an address outside the county: names from the code, refusals
naming the field."""

import pytest

from xiangcun.regions.services import address_check

GOOD = {
    "county_code": "440106",
    "detail": "体育西路123号",
    "recipient": "张三",
    "phone": "+86 139-1234-5678",
}


def test_names_are_filled_from_the_county_code(db):
    checked = address_check({**GOOD, "township": "天河南街道"})

    assert (checked.province, checked.city, checked.county) == ("广东省", "广州市", "天河区")
    assert checked.county_code == "440106"
    assert checked.phone == "13912345678"
    assert checked.township == "天河南街道"
    assert checked.full_text == "广东省广州市天河区天河南街道体育西路123号"


@pytest.mark.parametrize(
    ("names", "city"),
    [
        ({"province": "广东省", "city": "广州市", "county": "天河区"}, "广州市"),
        ({"province": "广东", "city": "广州"}, "广州市"),
        ({"province": " 广东省 ", "city": ""}, "广州市"),
    ],
)
def test_names_that_agree_with_the_code_are_accepted(db, names, city):
    assert address_check({**GOOD, **names}).city == city


def test_a_municipality_prints_its_name_once(db):
    checked = address_check({**GOOD, "county_code": "110105", "city": "北京市"})

    assert (checked.province, checked.city, checked.county) == ("北京市", "北京市", "朝阳区")
    assert checked.full_text == "北京市朝阳区体育西路123号"


def test_a_county_under_its_province_is_its_own_city(db):
    checked = address_check({**GOOD, "county_code": "429004", "city": "仙桃市"})

    assert (checked.province, checked.city, checked.county) == ("湖北省", "仙桃市", "仙桃市")


def test_a_city_without_districts_is_accepted_as_the_county(db):
    checked = address_check({**GOOD, "county_code": "441900"})

    assert (checked.city, checked.county) == ("东莞市", "东莞市")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"county_code": ""}, "required", "county_code"),
        ({"county_code": None}, "required", "county_code"),
        ({"county_code": "999999"}, "unknown_division", "county_code"),
        ({"county_code": "44010"}, "unknown_division", "county_code"),
        ({"county_code": 440106}, "unknown_division", "county_code"),
        ({"county_code": "4401\uff106"}, "unknown_division", "county_code"),
        ({"county_code": "440100"}, "county_required", "county_code"),
        ({"county_code": "440000"}, "county_required", "county_code"),
        ({"province": "湖南省"}, "division_mismatch", "province"),
        ({"city": "深圳市"}, "division_mismatch", "city"),
        ({"county": "越秀区"}, "division_mismatch", "county"),
        ({"detail": ""}, "required", "detail"),
        ({"detail": "1"}, "too_short", "detail"),
        ({"detail": "路" * 201}, "too_long", "detail"),
        ({"recipient": "  "}, "required", "recipient"),
        ({"recipient": "张" * 65}, "too_long", "recipient"),
        ({"phone": ""}, "required", "phone"),
        ({"phone": "020-12345678"}, "invalid_phone", "phone"),
        ({"phone": "12912345678"}, "invalid_phone", "phone"),
        ({"township": "街" * 65}, "too_long", "township"),
        ({"detail": "体育西路\x00123号"}, "invalid_text", "detail"),
    ],
)
def test_a_wrong_field_is_refused_by_name(db, change, code, field):
    from xiangcun.core.errors import XiangcunError

    with pytest.raises(XiangcunError) as raised:
        address_check({**GOOD, **change})

    assert (raised.value.code, raised.value.field) == (code, field)
    assert raised.value.status == 400


def test_a_county_in_another_province_is_a_mismatch(db):
    from xiangcun.regions.errors import DivisionMismatchError

    # 丹寨县 is in 贵州省, not 广东省.
    with pytest.raises(DivisionMismatchError) as raised:
        address_check({**GOOD, "county_code": "522636", "province": "广东省"})

    assert raised.value.field == "province"
