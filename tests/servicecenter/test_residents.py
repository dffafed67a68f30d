"""Residents at the counter: registered only with consent, found by phone, name and village or
ID card number (never kept in clear), and only by agents of a station they consented at."""

import pytest

from tests.accounts.factories import UserFactory
from tests.regions.factories import StationFactory
from tests.servicecenter.factories import (
    agent_at,
    consented_resident,
    id_number,
    supervisor,
)
from xiangcun.accounts.errors import InvalidIdNumberError
from xiangcun.accounts.models import ResidentProfile, User
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.errors import (
    ConsentRequiredError,
    NoConsentError,
    NotAnAgentError,
    StationRequiredError,
)
from xiangcun.servicecenter.models import AssistedAction, Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return StationFactory()


@pytest.fixture
def agent(station):
    return agent_at(station)


def test_registering_without_consent_is_refused_and_writes_nothing(agent, station) -> None:
    with pytest.raises(ConsentRequiredError):
        services.resident_register_assisted(
            actor=agent, name="杨阿婆", village_id=station.village_id, consent=False
        )
    assert not ResidentProfile.objects.exists()


def test_a_resident_without_a_phone_is_registered_with_consent_and_logged(agent, station) -> None:
    resident = services.resident_register_assisted(
        actor=agent, name="杨阿婆", village_id=station.village_id, consent=True
    )
    assert resident.user_id is None
    assert resident.phone == ""
    consent = Consent.objects.get(resident=resident)
    assert (consent.station_id, consent.recorded_by_id) == (station.pk, agent.pk)
    assert consent.given_at is not None
    assert consent.withdrawn_at is None
    codes = set(AssistedAction.objects.filter(resident=resident).values_list("code", flat=True))
    assert codes == {"resident_registered", "consent_recorded"}
    assert AssistedAction.objects.filter(agent=agent, station=station).count() == 2


def test_a_resident_with_a_phone_gets_a_login_without_a_password(agent, station) -> None:
    resident = services.resident_register_assisted(
        actor=agent, name="潘大哥", village_id=station.village_id, phone="13912345678", consent=True
    )
    user = User.objects.get(phone="13912345678")
    assert resident.user_id == user.pk
    assert not user.has_usable_password()


def test_an_existing_phone_or_id_number_finds_the_resident_instead_of_a_duplicate(
    agent, station
) -> None:
    number = id_number()
    first = services.resident_register_assisted(
        actor=agent,
        name="王奶奶",
        village_id=station.village_id,
        id_number=number,
        consent=True,
    )
    other_station = StationFactory()
    other_agent = agent_at(other_station)
    again = services.resident_register_assisted(
        actor=other_agent,
        name="王奶奶",
        village_id=station.village_id,
        id_number=number,
        consent=True,
    )
    assert again.pk == first.pk
    assert ResidentProfile.objects.count() == 1
    assert Consent.objects.filter(resident=first, withdrawn_at__isnull=True).count() == 2


def test_the_id_number_is_never_stored_or_logged_in_clear(agent, station) -> None:
    number = id_number()
    resident = services.resident_register_assisted(
        actor=agent, name="吴大爷", village_id=station.village_id, id_number=number, consent=True
    )
    resident.refresh_from_db()
    assert number not in str(ResidentProfile.objects.filter(pk=resident.pk).values().first())
    for action in AssistedAction.objects.all():
        assert number not in str(action.params)
    assert resident.id_number_masked.endswith(number[-4:])
    found = selectors.residents_find(actor=agent, q=number)
    assert [row.id for row in found] == [resident.pk]
    assert found[0].id_number_masked == resident.id_number_masked


def test_an_invalid_id_number_is_refused(agent, station) -> None:
    with pytest.raises(InvalidIdNumberError):
        services.resident_register_assisted(
            actor=agent,
            name="吴大爷",
            village_id=station.village_id,
            id_number="522636195603120011",
            consent=True,
        )


def test_find_by_phone_name_and_village_only_at_the_consented_station(agent, station) -> None:
    yang = consented_resident(station, agent, name="杨阿婆")
    pan = consented_resident(station, agent, name="潘大哥", phone="13700001111")
    elsewhere = StationFactory()
    consented_resident(elsewhere, agent_at(elsewhere), name="杨老师")

    assert [r.id for r in selectors.residents_find(actor=agent, q="杨")] == [yang.pk]
    assert [r.id for r in selectors.residents_find(actor=agent, q="13700001111")] == [pan.pk]
    assert [r.id for r in selectors.residents_find(actor=agent, q="1111")] == [pan.pk]
    village = station.village.name
    assert {r.id for r in selectors.residents_find(actor=agent, q=village)} == {yang.pk, pan.pk}
    assert [r.id for r in selectors.residents_find(actor=agent, q=f"杨 {village}")] == [yang.pk]
    row = selectors.residents_find(actor=agent, q="潘")[0]
    assert row.phone_masked == "137****1111"
    assert row.has_login is False


def test_withdrawn_consent_hides_the_resident(agent, station) -> None:
    resident = consented_resident(station, agent, name="杨阿婆")
    services.consent_withdraw(actor=agent, resident_id=resident.pk)
    assert selectors.residents_find(actor=agent, q="杨") == []
    with pytest.raises(NoConsentError):
        selectors.resident_get(actor=agent, resident_id=resident.pk)
    services.consent_record(actor=agent, resident_id=resident.pk)
    assert selectors.resident_get(actor=agent, resident_id=resident.pk).id == resident.pk
    codes = list(AssistedAction.objects.order_by("pk").values_list("code", flat=True))
    assert codes == ["consent_withdrawn", "consent_recorded"]


def test_only_agents_and_supervisors_naming_a_station(station) -> None:
    with pytest.raises(NotAnAgentError):
        selectors.residents_find(actor=UserFactory(), q="")
    boss = supervisor()
    with pytest.raises(StationRequiredError):
        selectors.residents_find(actor=boss, q="")
    resident = consented_resident(station, agent_at(station), name="杨阿婆")
    found = selectors.residents_find(actor=boss, q="", station_id=station.pk)
    assert [row.id for row in found] == [resident.pk]
