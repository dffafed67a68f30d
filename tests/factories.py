"""factory_boy factories for rows tests need as a setting, not as the thing under test."""

import factory

from xiangcun.accounts.models import User
from xiangcun.regions.models import County, Township, Village

PASSWORD = "Danzhai-2016-rice"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"1350000{n:04d}")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)


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
    code = factory.Sequence(lambda n: f"522636{n:03d}000")
    name = factory.Sequence(lambda n: f"Township {n}")
    kind = Township.Kind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"522636{n:09d}")
    name = factory.Sequence(lambda n: f"Village {n}")
