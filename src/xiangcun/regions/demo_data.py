"""Danzhai county as the demo sees it: read only by `services.danzhai_demo_load`.

What is real: the county, its prefecture and province, its code 522636 and its seven
divisions with their names. What is not: every coordinate is APPROXIMATE (read off a small
map to about a kilometre or two, good enough to draw a map and plan a demo route, never for
navigation), the divisions' 9-digit codes follow the national statistical scheme (街道 0xx,
镇 1xx, 乡 2xx) but must be checked against the NBS tables before anyone treats them as
official, and every village, station, phone number and street address is SAMPLE data. Sample
villages take codes in the 9xx range, which the statistical scheme does not give to villages,
so a real village list can be loaded later without colliding with them.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CountyData:
    code: str
    name: str
    name_en: str
    province: str
    city: str
    latitude: Decimal
    longitude: Decimal
    coordinates_approximate: bool = True


@dataclass(frozen=True)
class TownshipData:
    code: str
    name: str
    name_en: str
    kind: str
    latitude: Decimal
    longitude: Decimal
    coordinates_approximate: bool = True


@dataclass(frozen=True)
class VillageData:
    township_code: str
    code: str
    name: str
    name_en: str
    latitude: Decimal
    longitude: Decimal
    is_sample: bool = True
    coordinates_approximate: bool = True


@dataclass(frozen=True)
class StationData:
    code: str
    kind: str
    name: str
    name_en: str
    township_code: str
    village_code: str | None
    address_detail: str
    phone: str
    opening_hours: str
    latitude: Decimal
    longitude: Decimal
    coordinates_approximate: bool = True


D = Decimal

COUNTY = CountyData(
    code="522636",
    name="丹寨县",
    name_en="Danzhai County",
    province="贵州省",
    city="黔东南苗族侗族自治州",
    # The county seat, Longquan town: about 26.20 N, 107.79 E (approximate).
    latitude=D("26.198"),
    longitude=D("107.794"),
)

# The seven real divisions. Coordinates: approximate centre of the seat of each division.
TOWNSHIPS = (
    TownshipData(
        "522636001", "金泉街道", "Jinquan Subdistrict", "subdistrict", D("26.210"), D("107.800")
    ),
    TownshipData("522636100", "龙泉镇", "Longquan Town", "town", D("26.198"), D("107.794")),
    TownshipData("522636101", "兴仁镇", "Xingren Town", "town", D("26.270"), D("107.880")),
    TownshipData("522636102", "排调镇", "Paidiao Town", "town", D("26.060"), D("107.860")),
    TownshipData("522636103", "扬武镇", "Yangwu Town", "town", D("26.340"), D("107.770")),
    TownshipData("522636200", "雅灰乡", "Yahui Township", "township", D("26.000"), D("107.940")),
    TownshipData("522636201", "南皋乡", "Nangao Township", "township", D("26.300"), D("107.690")),
)

# SAMPLE villages (is_sample=True). A few names are borrowed from real places for colour:
# Kala (卡拉) for its bird cages, Yangxian (羊先) in the Paidaomo area known for Miao batik
# (蜡染), Shiqiao (石桥) for its ancient hand-made paper (古法造纸). They are still samples:
# codes, positions and boundaries are invented.
VILLAGES = (
    VillageData(
        "522636001", "522636001901", "金钟村", "Jinzhong Village", D("26.215"), D("107.806")
    ),
    VillageData(
        "522636001", "522636001902", "城江村", "Chengjiang Village", D("26.222"), D("107.795")
    ),
    VillageData(
        "522636001", "522636001903", "羊甲村", "Yangjia Village", D("26.203"), D("107.812")
    ),
    VillageData("522636100", "522636100901", "卡拉村", "Kala Village", D("26.185"), D("107.780")),
    VillageData("522636100", "522636100902", "高要村", "Gaoyao Village", D("26.176"), D("107.808")),
    VillageData("522636100", "522636100903", "马寨村", "Mazhai Village", D("26.214"), D("107.772")),
    VillageData(
        "522636101", "522636101901", "王家村", "Wangjia Village", D("26.276"), D("107.872")
    ),
    VillageData(
        "522636101", "522636101902", "烧茶村", "Shaocha Village", D("26.262"), D("107.893")
    ),
    VillageData("522636101", "522636101903", "摆泥村", "Baini Village", D("26.288"), D("107.866")),
    VillageData(
        "522636102",
        "522636102901",
        "羊先村",
        "Yangxian Village (Paidaomo batik area)",
        D("26.048"),
        D("107.851"),
    ),
    VillageData("522636102", "522636102902", "麻鸟村", "Maniao Village", D("26.071"), D("107.874")),
    VillageData(
        "522636102", "522636102903", "党早村", "Dangzao Village", D("26.052"), D("107.879")
    ),
    VillageData(
        "522636103", "522636103901", "羊排村", "Yangpai Village", D("26.351"), D("107.762")
    ),
    VillageData(
        "522636103", "522636103902", "番鸟村", "Fanniao Village", D("26.330"), D("107.784")
    ),
    VillageData("522636103", "522636103903", "扬武村", "Yangwu Village", D("26.343"), D("107.774")),
    VillageData("522636200", "522636200901", "雅灰村", "Yahui Village", D("26.004"), D("107.936")),
    VillageData(
        "522636200", "522636200902", "送陇村", "Songlong Village", D("25.988"), D("107.951")
    ),
    VillageData(
        "522636200", "522636200903", "岩英村", "Yanying Village", D("26.012"), D("107.925")
    ),
    VillageData(
        "522636201",
        "522636201901",
        "石桥村",
        "Shiqiao Village (ancient paper)",
        D("26.311"),
        D("107.701"),
    ),
    VillageData("522636201", "522636201902", "南皋村", "Nangao Village", D("26.298"), D("107.686")),
    VillageData(
        "522636201", "522636201903", "清江村", "Qingjiang Village", D("26.286"), D("107.676")
    ),
)

# SAMPLE sites. Phone numbers are placeholders in the prefecture's 0855 area, not real lines.
STATIONS = (
    StationData(
        code="DZ-WH-01",
        kind="warehouse",
        name="丹寨县仓储中心",
        name_en="Danzhai County Warehouse",
        township_code="522636100",
        village_code=None,
        address_detail="龙泉镇物流园1号库（示例地址）",
        phone="0855-3600101",
        opening_hours="07:30-19:00",
        latitude=D("26.192"),
        longitude=D("107.786"),
    ),
    StationData(
        code="DZ-SC-01",
        kind="service_centre",
        name="丹寨县电子商务服务中心",
        name_en="Danzhai County E-commerce Service Centre",
        township_code="522636001",
        village_code=None,
        address_detail="金泉街道电商大楼一楼（示例地址）",
        phone="0855-3600102",
        opening_hours="08:30-18:00",
        latitude=D("26.208"),
        longitude=D("107.802"),
    ),
    StationData(
        code="DZ-VS-01",
        kind="village_station",
        name="金钟村服务站",
        name_en="Jinzhong Village Station",
        township_code="522636001",
        village_code="522636001901",
        address_detail="村委会旁（示例地址）",
        phone="0855-3600111",
        opening_hours="09:00-17:30",
        latitude=D("26.215"),
        longitude=D("107.806"),
    ),
    StationData(
        code="DZ-VS-02",
        kind="village_station",
        name="卡拉村服务站",
        name_en="Kala Village Station",
        township_code="522636100",
        village_code="522636100901",
        address_detail="鸟笼合作社对面（示例地址）",
        phone="0855-3600112",
        opening_hours="09:00-17:30",
        latitude=D("26.185"),
        longitude=D("107.780"),
    ),
    StationData(
        code="DZ-VS-03",
        kind="village_station",
        name="高要村服务站",
        name_en="Gaoyao Village Station",
        township_code="522636100",
        village_code="522636100902",
        address_detail="村口小卖部内（示例地址）",
        phone="0855-3600113",
        opening_hours="09:00-17:30",
        latitude=D("26.176"),
        longitude=D("107.808"),
    ),
    StationData(
        code="DZ-VS-04",
        kind="village_station",
        name="王家村服务站",
        name_en="Wangjia Village Station",
        township_code="522636101",
        village_code="522636101901",
        address_detail="村委会一楼（示例地址）",
        phone="0855-3600114",
        opening_hours="09:00-17:30",
        latitude=D("26.276"),
        longitude=D("107.872"),
    ),
    StationData(
        code="DZ-VS-05",
        kind="village_station",
        name="羊先村服务站",
        name_en="Yangxian Village Station",
        township_code="522636102",
        village_code="522636102901",
        address_detail="蜡染合作社旁（示例地址）",
        phone="0855-3600115",
        opening_hours="09:00-17:30",
        latitude=D("26.048"),
        longitude=D("107.851"),
    ),
    StationData(
        code="DZ-VS-06",
        kind="village_station",
        name="扬武村服务站",
        name_en="Yangwu Village Station",
        township_code="522636103",
        village_code="522636103903",
        address_detail="集市路口（示例地址）",
        phone="0855-3600116",
        opening_hours="08:30-17:30",
        latitude=D("26.343"),
        longitude=D("107.774"),
    ),
    StationData(
        code="DZ-VS-07",
        kind="village_station",
        name="雅灰村服务站",
        name_en="Yahui Village Station",
        township_code="522636200",
        village_code="522636200901",
        address_detail="村委会旁（示例地址）",
        phone="0855-3600117",
        opening_hours="09:00-17:00",
        latitude=D("26.004"),
        longitude=D("107.936"),
    ),
    StationData(
        code="DZ-VS-08",
        kind="village_station",
        name="石桥村服务站",
        name_en="Shiqiao Village Station",
        township_code="522636201",
        village_code="522636201901",
        address_detail="古法造纸作坊旁（示例地址）",
        phone="0855-3600118",
        opening_hours="09:00-17:30",
        latitude=D("26.311"),
        longitude=D("107.701"),
    ),
)
