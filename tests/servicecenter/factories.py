"""factory_boy factories and builders for the service-centre tests: an agent at their station, a
supervisor, residents (with or without a phone, login or ID number) and their consent, and goods
in stock to order.

Each part of the app adds its own builders below its heading; shared ones first."""

import itertools

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.logistics.factories import StockLocationFactory, stocked_variant
from tests.regions.factories import StationFactory, VillageFactory
from xiangcun.accounts.idcards import id_number_check_character
from xiangcun.accounts.models import ResidentProfile, User
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services as logistics_services
from xiangcun.logistics.models import StaffMember
from xiangcun.regions.models import Station
from xiangcun.servicecenter.models import Consent

# --- Shared: agents, supervisors, residents, consent, stock -----------------------------------

_id_serial = itertools.count(1)


def id_number(birth: str = "19560312") -> str:
    """A valid resident ID card number (GB 11643) of Danzhai county, new each call."""
    first_17 = f"522636{birth}{next(_id_serial) % 1000:03d}"
    return first_17 + id_number_check_character(first_17)


def agent_at(station: Station | None = None, **user_fields: object) -> User:
    """A new user working as the agent of `station` (a new village station unless given),
    recorded by logistics' service as the demo's agents are."""
    station = station or StationFactory()
    user: User = UserFactory(**user_fields)
    logistics_services.staff_member_set(
        actor=None, user=user, job=StaffMember.Job.AGENT, station_id=station.pk
    )
    return user


def supervisor() -> User:
    """Staff above the agents (the warehouse manager): acts for any station, naming it."""
    return user_with_role(Role.WAREHOUSE)


class ResidentFactory(factory.django.DjangoModelFactory):
    """A resident of a new village with no phone, no login and no ID number unless given."""

    class Meta:
        model = ResidentProfile

    name = factory.Sequence(lambda n: f"居民{n}")
    phone = ""
    village = factory.SubFactory(VillageFactory)


def consent_given(resident: ResidentProfile, station: Station, agent: User) -> Consent:
    """The resident's consent that `station`'s agents act for them, recorded by `agent`."""
    consent: Consent = Consent.objects.create(
        resident=resident, station=station, recorded_by=agent, given_at=timezone.now()
    )
    return consent


def consented_resident(station: Station, agent: User, **fields: object) -> ResidentProfile:
    """A resident of the station's village (unless given) who consented at `station`."""
    if "village" not in fields and station.village_id is not None:
        fields["village"] = station.village
    resident: ResidentProfile = ResidentFactory(**fields)
    consent_given(resident, station, agent)
    return resident


def goods_in_stock(*, on_hand: int = 50, **variant_fields: object) -> Variant:
    """A listed product (¥12.50 a 斤 unless told) with `on_hand` units at the county warehouse."""
    variant = stocked_variant(
        user_with_role(Role.WAREHOUSE), StockLocationFactory(), on_hand=on_hand
    )
    if variant_fields:
        Variant.objects.filter(pk=variant.pk).update(**variant_fields)
        variant.refresh_from_db()
    return variant


# --- Residents and assisted orders ------------------------------------------------------------

# --- Cash drawer and commission ---------------------------------------------------------------
