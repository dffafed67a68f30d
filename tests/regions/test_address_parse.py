"""收货地址智能识别: a pasted line read into an address's fields, nothing guessed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.core.errors import XiangcunError
from xiangcun.regions.errors import InvalidFieldError
from xiangcun.regions.services import address_parse

TIANHE = {"province": "广东省", "city": "广州市", "county": "天河区", "county_code": "440106"}


@pytest.mark.parametrize(
    "text",
    [
        "广东省广州市天河区体育西路 123 号 张三 13912345678",
        "张三，13912345678，广东广州天河区体育西路123号",
        "张三 +86 139 1234 5678 广东省 广州市 天河区 体育西路123号",
        "收货人：张三\n手机号码：13912345678\n"
        "所在地区：广东省 广州市 天河区\n详细地址：体育西路123号",
        # Full-width digits and plus sign, as a Chinese input method types them.
        "广东省广州市天河区体育西路\uff11\uff12\uff13号，张三，"
        "\uff0b\uff18\uff16139\uff11\uff12345678",
        "13912345678 张三 广州市天河区体育西路123号",
        "广东 广州 天河 体育西路123号 张三 0086-139-1234-5678",
        "张三；13912345678；广东省广州市天河区体育西路123号",
    ],
)
def test_the_same_guangzhou_address_however_it_is_written(db, text):
    parsed = address_parse(text)

    assert {key: getattr(parsed, key) for key in TIANHE} == TIANHE
    assert parsed.detail == "体育西路123号"
    assert parsed.recipient == "张三"
    assert parsed.phone == "13912345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "上海市浦东新区世纪大道100号 李四 139-1234-5678",
            ("上海市", "上海市", "浦东新区", "310115", "世纪大道100号", "李四", "13912345678"),
        ),
        (
            "北京市朝阳区建国路88号SOHO现代城A座1001 王五 +86 138 0013 8000",
            (
                "北京市",
                "北京市",
                "朝阳区",
                "110105",
                "建国路88号SOHO现代城A座1001",
                "王五",
                "13800138000",
            ),
        ),
        (
            "北京朝阳区建国路88号 王五 13800138000",
            ("北京市", "北京市", "朝阳区", "110105", "建国路88号", "王五", "13800138000"),
        ),
        (
            "重庆市城口县葛城街道1号 赵六 13700001111",
            ("重庆市", "重庆市", "城口县", "500229", "葛城街道1号", "赵六", "13700001111"),
        ),
        (
            "湖北省仙桃市沔阳大道8号 钱七 13600001111",
            ("湖北省", "仙桃市", "仙桃市", "429004", "沔阳大道8号", "钱七", "13600001111"),
        ),
        (
            "广东省东莞市长安镇振安路1号 孙八 15000001111",
            ("广东省", "东莞市", "东莞市", "441900", "长安镇振安路1号", "孙八", "15000001111"),
        ),
        (
            "贵州省黔东南州丹寨县龙泉镇东湖路2号 杨九 13512345678",
            (
                "贵州省",
                "黔东南苗族侗族自治州",
                "丹寨县",
                "522636",
                "龙泉镇东湖路2号",
                "杨九",
                "13512345678",
            ),
        ),
        (
            "丹寨县龙泉镇东湖路2号",
            ("贵州省", "黔东南苗族侗族自治州", "丹寨县", "522636", "龙泉镇东湖路2号", "", ""),
        ),
        (
            "新疆维吾尔自治区乌鲁木齐市天山区解放路1号 欧阳娜娜 18912345678",
            (
                "新疆维吾尔自治区",
                "乌鲁木齐市",
                "天山区",
                "650102",
                "解放路1号",
                "欧阳娜娜",
                "18912345678",
            ),
        ),
        (
            "广西南宁市青秀区民族大道1号 韦十 13312345678",
            ("广西壮族自治区", "南宁市", "青秀区", "450103", "民族大道1号", "韦十", "13312345678"),
        ),
        (
            "深圳市南山区科技园科苑路1号 周一 13412345678",
            ("广东省", "深圳市", "南山区", "440305", "科技园科苑路1号", "周一", "13412345678"),
        ),
        (
            "云南省石林县鹿阜街道1号 李二 13212345678",
            ("云南省", "昆明市", "石林彝族自治县", "530126", "鹿阜街道1号", "李二", "13212345678"),
        ),
    ],
)
def test_addresses_across_the_country(db, text, expected):
    parsed = address_parse(text)

    assert (
        parsed.province,
        parsed.city,
        parsed.county,
        parsed.county_code,
        parsed.detail,
        parsed.recipient,
        parsed.phone,
    ) == expected


def test_a_province_alone_fills_the_province_and_nothing_below(db):
    parsed = address_parse("广东省 张三 13912345678")

    assert (parsed.province, parsed.city, parsed.county, parsed.county_code) == (
        "广东省",
        "",
        "",
        "",
    )
    assert parsed.recipient == "张三"


def test_a_city_without_its_district_leaves_the_district_empty(db):
    parsed = address_parse("广东省广州市 张三")

    assert (parsed.province, parsed.city, parsed.county, parsed.county_code) == (
        "广东省",
        "广州市",
        "",
        "",
    )


def test_a_district_name_two_places_share_fills_nothing(db):
    # 朝阳区 is in Beijing and in Changchun: without the city it could be either.
    parsed = address_parse("朝阳区建国路88号 王五")

    assert (parsed.province, parsed.city, parsed.county, parsed.county_code) == ("", "", "", "")
    assert parsed.recipient == "王五"


def test_text_with_no_address_finds_only_what_is_there(db):
    parsed = address_parse("张三 13912345678")

    assert parsed.recipient == "张三"
    assert parsed.phone == "13912345678"
    assert (parsed.province, parsed.county_code, parsed.detail) == ("", "", "")


@pytest.mark.parametrize("text", ["", "   ", "，，，", "hello world 123"])
def test_text_with_nothing_to_find_is_all_empty(db, text):
    parsed = address_parse(text)

    assert (parsed.province, parsed.county_code, parsed.phone) == ("", "", "")


def test_a_landline_or_a_short_number_is_not_taken_for_a_mobile(db):
    parsed = address_parse("广东省广州市天河区体育西路123号 张三 020-12345678")

    assert parsed.phone == ""
    assert parsed.county_code == "440106"


def test_text_over_300_characters_is_refused(db):
    with pytest.raises(InvalidFieldError) as raised:
        address_parse("广" * 301)

    assert raised.value.code == "invalid_field"
    assert raised.value.field == "text"


def test_300_characters_are_read(db):
    text = "广东省广州市天河区体育西路123号 张三 13912345678 "
    parsed = address_parse(text + "号" * (300 - len(text)))

    assert parsed.county_code == "440106"
    assert len(parsed.detail) <= 200


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(
                "广东省广州市天河区北京朝阳上海浦东新区县自治州号路 ，,;：:+-0123456789"
                "\uff11\uff13\uff18张三"
            ),
            st.characters(),
        ),
        max_size=300,
    )
)
def test_any_text_gives_an_answer_or_a_coded_refusal(db, text):
    try:
        parsed = address_parse(text)
    except XiangcunError as error:
        refusal = error.code
    else:
        refusal = ""
    assert refusal in {"", "invalid_field", "invalid_text"}
    if refusal:
        return
    assert len(parsed.detail) <= 200
    assert parsed.phone == "" or (len(parsed.phone) == 11 and parsed.phone.startswith("1"))
    if parsed.county_code:
        assert parsed.province
        assert parsed.city
        assert parsed.county
