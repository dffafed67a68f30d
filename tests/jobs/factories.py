"""factory_boy factories for jobs: open postings at a station and fairs offering them."""

import datetime

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.regions.factories import StationFactory, TownshipFactory
from xiangcun.jobs.models import Fair, Posting
from xiangcun.jobs.types import JobRole, PostingStatus


class PostingFactory(factory.django.DjangoModelFactory):
    """An open driver posting at a village station, taking applications for a month."""

    class Meta:
        model = Posting

    title = factory.Sequence(lambda n: f"Driver {n}")
    role = JobRole.DRIVER
    station = factory.SubFactory(StationFactory)
    township = factory.LazyAttribute(lambda posting: posting.station.township)
    wage_min = 3500
    wage_max = 4500
    headcount = 2
    licence_class = "C1"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = PostingStatus.OPEN
    created_by = factory.SubFactory(UserFactory)


class FairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fair
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Fair {n}")
    day = factory.LazyFunction(timezone.localdate)
    place = "龙泉镇广场"
    township = factory.SubFactory(TownshipFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def postings(self, create: bool, extracted: list[Posting] | None) -> None:
        if create and extracted:
            self.postings.set(extracted)
