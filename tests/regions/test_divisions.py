"""Mainland China's divisions: loaded by the migration, read through the selectors."""

from pathlib import Path

import pytest

from tests.regions.factories import CountyFactory, DivisionFactory
from xiangcun.regions import selectors, services
from xiangcun.regions.divisions_data import DIVISIONS_FILE
from xiangcun.regions.errors import CountyRequiredError, DivisionInUseError, UnknownDivisionError
from xiangcun.regions.models import Division
from xiangcun.regions.types import DivisionLevel


def test_the_migration_loads_every_province_prefecture_and_county(db):
    assert Division.objects.filter(level="province").count() == 31
    assert Division.objects.filter(level="prefecture").count() >= 330
    assert Division.objects.filter(level="county").count() >= 2800
    assert not Division.objects.filter(code__in=["710000", "810000", "820000"]).exists()


def test_tianhe_lies_in_guangzhou_in_guangdong(db):
    province, prefecture, county = selectors.division_path("440106")

    assert (province.code, province.name) == ("440000", "广东省")
    assert (prefecture.code, prefecture.name) == ("440100", "广州市")
    assert (county.code, county.name, county.name_en) == ("440106", "天河区", "Tianhe District")
    assert county.level == DivisionLevel.COUNTY


def test_danzhai_lies_in_qiandongnan_in_guizhou(db):
    path = selectors.division_path("522636")

    assert [path.province.code, path.prefecture.code, path.county.code] == [
        "520000",
        "522600",
        "522636",
    ]
    assert path.prefecture.name == "黔东南苗族侗族自治州"


def test_provinces_are_the_children_of_nothing(db):
    provinces = selectors.division_children(None)

    assert len(provinces) == 31
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)
    assert all(p.level == DivisionLevel.PROVINCE and p.has_children for p in provinces)
    assert selectors.division_children("") == provinces


def test_guangdongs_children_are_its_prefectures_with_guangzhou_among_them(db):
    prefectures = selectors.division_children("440000")

    assert "440100" in [p.code for p in prefectures]
    assert all(p.parent_code == "440000" for p in prefectures)
    assert [c.name for c in selectors.division_children("440100")][:3] == [
        "荔湾区",
        "越秀区",
        "海珠区",
    ]


def test_a_municipality_has_one_prefecture_named_after_it_holding_districts_and_counties(db):
    (beijing,) = selectors.division_children("110000")
    (chongqing,) = selectors.division_children("500000")
    chongqing_codes = [c.code for c in selectors.division_children(chongqing.code)]

    assert (beijing.code, beijing.name) == ("110100", "北京市")
    assert chongqing.name == "重庆市"
    assert "500101" in chongqing_codes  # 万州区
    assert "500229" in chongqing_codes  # 城口县
    assert selectors.division_path("110105").county.name == "朝阳区"


def test_counties_under_the_province_directly_have_a_path(db):
    path = selectors.division_path("429004")

    assert path.province.name == "湖北省"
    assert path.prefecture.code == "429000"
    assert path.county.name == "仙桃市"


def test_a_prefecture_without_counties_is_its_own_county(db):
    path = selectors.division_path("441900")

    assert path.prefecture.code == path.county.code == "441900"
    assert selectors.division_children("441900") == []


@pytest.mark.parametrize("code", ["", "123", "999999", "44010\uff16", "44 106", "x" * 300])
def test_an_unknown_code_is_refused_with_the_field_named(db, code):
    with pytest.raises(UnknownDivisionError) as raised:
        selectors.division_get(code, field="county_code")

    assert raised.value.code == "unknown_division"
    assert raised.value.status == 400
    assert raised.value.field == "county_code"


def test_children_of_an_unknown_parent_are_refused(db):
    with pytest.raises(UnknownDivisionError) as raised:
        selectors.division_children("999999")

    assert raised.value.field == "parent"


@pytest.mark.parametrize("code", ["440000", "440100"])
def test_the_path_of_a_province_or_a_prefecture_with_counties_is_refused(db, code):
    with pytest.raises(CountyRequiredError) as raised:
        selectors.division_path(code)

    assert raised.value.code == "county_required"


def test_only_the_programmes_own_county_is_local(db):
    CountyFactory()  # Danzhai, 522636

    assert selectors.county_is_local("522636") is True
    assert selectors.county_is_local("440106") is False
    assert selectors.county_is_local("") is False


def test_division_reads_run_no_query_once_the_table_is_read(db, django_assert_num_queries):
    selectors.division_get("440106")

    with django_assert_num_queries(0):
        selectors.division_children("440000")
        selectors.division_path("522636")


def test_divisions_load_changes_nothing_when_the_table_matches_the_file(db):
    result = services.divisions_load()

    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == result.total == Division.objects.count()


def test_divisions_load_adds_renames_and_removes_to_match_a_new_file(
    db, tmp_path: Path, divisions_changed: None
):
    stale = DivisionFactory()
    source = DIVISIONS_FILE.read_text("utf-8")
    renamed = source.replace("440106,440100,county,天河区,", "440106,440100,county,天河新区,")
    added = renamed + "440199,440100,county,测试区,Test District\n"
    new_file = tmp_path / "divisions.csv"
    new_file.write_text(added, encoding="utf-8")

    result = services.divisions_load(path=str(new_file))

    # The made-up county, its prefecture and its province are not in the file: all three go.
    assert (result.created, result.updated, result.removed) == (1, 1, 3)
    assert Division.objects.get(code="440106").name == "天河新区"
    assert Division.objects.filter(code="440199").exists()
    assert not Division.objects.filter(code__in=[stale.code, "990100", "990000"]).exists()


def test_divisions_load_refuses_to_remove_a_division_that_still_has_children(
    db, tmp_path: Path, divisions_changed: None
):
    DivisionFactory()  # under the made-up prefecture 990100
    source = DIVISIONS_FILE.read_text("utf-8")
    # The new file moves Tianhe under the made-up prefecture 990100 but does not list 990100.
    moved = source.replace("440106,440100,county,", "440106,990100,county,")
    new_file = tmp_path / "divisions.csv"
    new_file.write_text(moved, encoding="utf-8")

    with pytest.raises(DivisionInUseError):
        services.divisions_load(path=str(new_file))

    assert Division.objects.get(code="440106").parent_id == "440100"
