"""factory_boy factories for shops; their owners and villages come from the accounts and regions
factories."""

import factory

from tests.accounts.factories import UserFactory
from tests.regions.factories import VillageFactory
from xiangcun.sellers.models import Seller


class SellerFactory(factory.django.DjangoModelFactory):
    """A local farmer's approved shop unless told otherwise."""

    class Meta:
        model = Seller

    owner = factory.SubFactory(UserFactory)
    kind = Seller.Kind.FARMER
    status = Seller.Status.APPROVED
    name = factory.Sequence(lambda n: f"Shop {n}")
    village = factory.SubFactory(VillageFactory)
    township = factory.LazyAttribute(
        lambda seller: seller.village.township if seller.village else None
    )

    class Params:
        outside = factory.Trait(
            kind=Seller.Kind.INDUSTRIAL_MAKER, village=None, origin_text="浙江省义乌市"
        )
