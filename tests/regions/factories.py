"""factory_boy factories for places: the county, its townships and villages, and stations."""

import factory

from xiangcun.regions.models import County, Division, Station, Township, Village


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = "522636"
    name = "丹寨县"
    province = "贵州省"
    city = "黔东南苗族侗族自治州"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    # Twelve digits however many tests ran before in this process (the column holds 12); the
    # "999" tail is never a real township's (those end in 000), so no clash with the demo's.
    code = factory.Sequence(lambda n: f"522636{n % 1000:03d}999")
    name = factory.Sequence(lambda n: f"Township {n}")
    kind = Township.Kind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"522636{n:09d}")
    name = factory.Sequence(lambda n: f"Village {n}")


class StationFactory(factory.django.DjangoModelFactory):
    """A village station in a new village unless told otherwise; `county_site=True` for a
    county site (service centre or warehouse), which serves no one village."""

    class Meta:
        model = Station

    kind = Station.Kind.VILLAGE_STATION
    code = factory.Sequence(lambda n: f"ST-{n:03d}")
    name = factory.Sequence(lambda n: f"Station {n}")
    village = factory.SubFactory(VillageFactory)
    township = factory.LazyAttribute(lambda station: station.village.township)

    class Params:
        county_site = factory.Trait(
            kind=Station.Kind.SERVICE_CENTRE,
            village=None,
            township=factory.SubFactory(TownshipFactory),
        )


class ProvinceDivisionFactory(factory.django.DjangoModelFactory):
    """A made-up province (code 99xxxx is no real one) for tests that add divisions."""

    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "990000"
    name = "测试省"
    name_en = "Test Province"
    level = Division.Level.PROVINCE
    parent = None


class PrefectureDivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "990100"
    name = "测试市"
    name_en = "Test City"
    level = Division.Level.PREFECTURE
    parent = factory.SubFactory(ProvinceDivisionFactory)


class DivisionFactory(factory.django.DjangoModelFactory):
    """A made-up county under the made-up prefecture; six-digit codes 98xxxx, never real."""

    class Meta:
        model = Division

    code = factory.Sequence(lambda n: f"98{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"测试{n % 10000}县")
    name_en = factory.Sequence(lambda n: f"Test {n % 10000} County")
    level = Division.Level.COUNTY
    parent = factory.SubFactory(PrefectureDivisionFactory)
