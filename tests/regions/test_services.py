"""Writes to regions: addresses, stations and the Danzhai demo loader."""

from decimal import Decimal

import pytest
from django.utils import translation

from xiangcun.core.errors import InvalidInputError, XiangcunError
from xiangcun.regions import selectors, services
from xiangcun.regions.models import Address, County, Station, Township, Village


def _township(code: str):
    return next(t for t in selectors.townships_list() if t.code == code)


def _village(township_code: str, name: str):
    villages = selectors.villages_for_township(township_code=township_code)
    return next(v for v in villages if v.name == name)


def _address(**overrides):
    values = {
        "province": "贵州省",
        "city": "黔东南苗族侗族自治州",
        "county": "丹寨县",
        "detail": "石桥村3组12号",
        "recipient": "王阿妹",
        "phone": "139 1234 0001",
        "postal_code": "557500",
    }
    values.update(overrides)
    return services.address_create(**values)


def test_address_copies_township_and_village_names(danzhai):
    nangao = _township("522636201")
    shiqiao = _village("522636201", "石桥村")

    address = _address(township_id=nangao.id, village_id=shiqiao.id)

    assert address.phone == "13912340001"
    assert address.township_name == "南皋乡"
    assert address.village_name == "石桥村"
    assert address.full_text == "贵州省黔东南苗族侗族自治州丹寨县南皋乡石桥村石桥村3组12号"


def test_address_with_only_a_village_takes_its_township(danzhai):
    shiqiao = _village("522636201", "石桥村")

    address = _address(village_id=shiqiao.id)

    assert address.township_name == "南皋乡"
    assert address.township_id == _township("522636201").id


def test_address_without_divisions_is_allowed(db):
    address = _address(postal_code="")

    assert address.township is None
    assert address.postal_code == ""


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"phone": ""}, "invalid_phone", "phone"),
        ({"recipient": "  "}, "required", "recipient"),
        ({"detail": ""}, "required", "detail"),
        ({"province": ""}, "required", "province"),
        ({"city": ""}, "required", "city"),
        ({"county": ""}, "required", "county"),
        ({"postal_code": "55750"}, "invalid_postal_code", "postal_code"),
        ({"postal_code": "55750a"}, "invalid_postal_code", "postal_code"),
        ({"recipient": "王" * 65}, "too_long", "recipient"),
        ({"township_id": 999999}, "unknown_township", "township_id"),
        ({"village_id": 999999}, "unknown_village", "village_id"),
    ],
)
def test_address_rejects_bad_input_naming_the_field(danzhai, overrides, code, field):
    with pytest.raises(InvalidInputError) as caught:
        _address(**overrides)

    assert caught.value.code == code
    assert caught.value.field == field
    assert str(caught.value.message)
    assert Address.objects.count() == 0


def test_address_rejects_a_village_outside_the_township(danzhai):
    nangao = _township("522636201")
    yangxian = _village("522636102", "羊先村")

    with pytest.raises(InvalidInputError) as caught:
        _address(township_id=nangao.id, village_id=yangxian.id)

    assert caught.value.code == "village_not_in_township"
    assert caught.value.field == "village_id"
    assert Address.objects.count() == 0


def test_address_rejects_a_township_of_another_county(danzhai):
    with pytest.raises(InvalidInputError) as caught:
        _address(county="雷山县", township_id=_township("522636201").id)

    assert caught.value.code == "township_not_in_county"
    assert caught.value.field == "township_id"


def test_address_accepts_full_width_postal_code(db):
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in "557500")

    assert _address(postal_code=full_width).postal_code == "557500"


def test_station_create_records_a_village_station(danzhai):
    yahui = _township("522636200")
    songlong = _village("522636200", "送陇村")

    station = services.station_create(
        kind="village_station",
        code="DZ-VS-99",
        name="送陇村服务站",
        township_id=yahui.id,
        village_id=songlong.id,
        phone="0855 3600199",
        latitude=Decimal("25.988"),
        longitude=Decimal("107.951"),
    )

    assert selectors.station_get(station_id=station.id).village == "送陇村"
    assert station.phone == "08553600199"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"kind": "castle"}, "invalid_station_kind", "kind"),
        ({"code": "DZ-WH-01"}, "duplicate_station_code", "code"),
        ({"name": ""}, "required", "name"),
        ({"village_id": None}, "station_needs_village", "village_id"),
        ({"phone": "call us"}, "invalid_phone", "phone"),
        ({"latitude": Decimal("26.1"), "longitude": None}, "invalid_coordinates", "longitude"),
        ({"latitude": Decimal("91"), "longitude": Decimal(1)}, "invalid_coordinates", "latitude"),
    ],
)
def test_station_create_rejects_bad_input(danzhai, overrides, code, field):
    values = {
        "kind": "village_station",
        "code": "DZ-VS-99",
        "name": "送陇村服务站",
        "township_id": _township("522636200").id,
        "village_id": _village("522636200", "送陇村").id,
    }
    values.update(overrides)
    before = Station.objects.count()

    with pytest.raises(InvalidInputError) as caught:
        services.station_create(**values)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert Station.objects.count() == before


def test_demo_load_creates_danzhai(danzhai):
    county = selectors.county_get_default()

    assert (county.code, county.name, county.province, county.city) == (
        "522636",
        "丹寨县",
        "贵州省",
        "黔东南苗族侗族自治州",
    )
    assert county.coordinates_approximate
    assert abs(county.latitude - Decimal("26.20")) < Decimal("0.05")
    assert abs(county.longitude - Decimal("107.79")) < Decimal("0.05")
    assert danzhai.townships == 7
    assert danzhai.created == 1 + 7 + danzhai.villages + danzhai.stations
    assert Village.objects.filter(is_sample=False).count() == 0
    assert Township.objects.filter(coordinates_approximate=False).count() == 0
    assert Station.objects.count() == danzhai.stations >= 9


def test_demo_load_twice_writes_nothing_new(danzhai):
    counts = [model.objects.count() for model in (County, Township, Village, Station)]

    again = services.danzhai_demo_load()

    assert [model.objects.count() for model in (County, Township, Village, Station)] == counts
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == sum(counts)


def test_demo_load_restores_edited_demo_rows(danzhai):
    Township.objects.filter(code="522636201").update(name="改错的名字")

    again = services.danzhai_demo_load()

    assert again.updated == 1
    assert Township.objects.get(code="522636201").name == "南皋乡"


def test_county_default_without_data_is_an_error(db):
    with pytest.raises(XiangcunError) as caught:
        selectors.county_get_default()

    assert caught.value.code == "county_not_configured"


def test_station_address_is_in_the_reader_language_but_the_detail_as_typed(danzhai):
    station = Station.objects.get(code="DZ-SC-01")

    with translation.override("zh-hans"):
        chinese = selectors.station_get(station_id=station.id).address
    with translation.override("en"):
        english = selectors.station_get(station_id=station.id).address

    assert chinese == f"丹寨县金泉街道{station.address_detail}"
    assert english == f"Danzhai County, Jinquan Subdistrict, {station.address_detail}"
