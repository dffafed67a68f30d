"""Fuzz of the accounts and regions services: registration, logins, codes, ID numbers,
households, addresses and stations."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import strategies as st
from tests.accounts.factories import PASSWORD, UserFactory
from tests.fuzz.driver import Target, full_width, fuzz, texts
from tests.regions.factories import VillageFactory

from xiangcun.accounts import services as accounts
from xiangcun.accounts.models import Household, User
from xiangcun.core.validators import InvalidPhoneError, UnstorableTextError, mobile_normalize
from xiangcun.regions import services as regions
from xiangcun.regions.errors import InvalidCoordinatesError
from xiangcun.regions.models import Station, Village

ID_NUMBERS = ["11010519491231002X", "52263619780615109x", "522636 1988 0808 1050"]


@dataclass
class World:
    user: User
    village: Village
    household: Household
    token: str


@pytest.fixture
def world(db: None) -> World:
    user = UserFactory(phone="13812345678")
    village = VillageFactory()
    household = accounts.household_register(village_id=village.pk, head_name="杨秀英")
    accounts.otp_request(phone=user.phone)
    token = accounts.api_token_issue(user=user).token
    return World(user=user, village=village, household=household, token=token)


def targets(world: World) -> list[Target]:
    phones = texts(
        "13812345678", "+86 138 1234 5679", full_width("0139") + "-0013-9000", "13900139000"
    )
    village_ids = st.sampled_from([world.village.pk, world.village.pk + 1000])
    login = ("accounts.LoginGuard", "accounts.OneTimeCode")
    return [
        Target(
            accounts.user_register,
            {
                "phone": phones,
                "password": texts(PASSWORD, "Danzhai-2016-新"),
                "name": texts("王芳"),
            },
        ),
        Target(
            accounts.password_login,
            {"phone": phones, "password": texts(PASSWORD)},
            bookkeeping=login,
        ),
        Target(accounts.otp_request, {"phone": phones}),
        Target(accounts.otp_login, {"phone": phones, "code": texts("123456")}, bookkeeping=login),
        Target(accounts.login_guard_reset, {"phone": phones}),
        Target(
            accounts.household_register,
            {
                "village_id": village_ids,
                "head_name": texts("杨秀英"),
                "register_number": texts("DZ-2016-001"),
            },
        ),
        Target(
            accounts.resident_register,
            {
                "name": texts("杨秀英"),
                "village_id": village_ids,
                "phone": phones,
                "id_number": texts(*ID_NUMBERS),
                "household": st.sampled_from([None, world.household]),
                "user": st.sampled_from([None, world.user]),
            },
        ),
        Target(accounts.api_token_authenticate, {"token": texts(world.token)}),
        Target(accounts.api_token_revoke, {"token": texts(world.token)}),
        Target(
            regions.address_create,
            {
                "province": texts("贵州省"),
                "city": texts("黔东南苗族侗族自治州"),
                "county": texts("丹寨县", world.village.township.county.name),
                "detail": texts("龙泉镇东湖路12号"),
                "recipient": texts("王芳"),
                "phone": phones,
                "township_id": st.sampled_from([None, world.village.township_id]),
                "village_id": st.sampled_from([None, world.village.pk]),
                "postal_code": texts("557500"),
            },
        ),
        Target(
            regions.station_create,
            {
                "kind": st.sampled_from(Station.Kind.values),
                "code": texts("ST-9"),
                "name": texts("高要村服务站"),
                "township_id": st.just(world.village.township_id),
                "village_id": st.sampled_from([None, world.village.pk]),
                "phone": texts("0855-3612345", "13800138000"),
                "latitude": st.decimals(-90, 90, places=6),
                "longitude": st.decimals(-180, 180, places=6),
                "opening_hours": texts("8:00-18:00"),
            },
        ),
    ]


def test_accounts_and_regions_services_refuse_bad_input_cleanly(world: World) -> None:
    answers = fuzz(targets(world))
    # Plausible arguments get past the first checks: some calls succeed.
    assert sum(outcome["ok"] for outcome in answers.values()) > 0, answers


# What the fuzz found, kept as plain examples (each failed before its fix).


def test_text_a_database_cannot_store_is_refused_before_any_write(world: World) -> None:
    with pytest.raises(UnstorableTextError) as refused:
        accounts.household_register(village_id=world.village.pk, head_name="杨\ud800秀英")
    assert refused.value.field == "head_name"
    with pytest.raises(UnstorableTextError):
        regions.address_create(
            province="贵州省",
            city="黔东南",
            county="丹寨县",
            detail="龙泉镇\x00东湖路",
            recipient="王芳",
            phone="13800138000",
        )


def test_a_malformed_token_is_simply_unknown(world: World) -> None:
    assert accounts.api_token_authenticate(token=world.token + "\ud800") is None
    assert accounts.api_token_revoke(token="\udfff") is False


def test_phone_digits_of_other_scripts_are_not_a_mainland_number() -> None:
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in "800138000")
    with pytest.raises(InvalidPhoneError):
        mobile_normalize("13" + arabic_indic)
    assert mobile_normalize(full_width("13800138000")) == "13800138000"


@pytest.mark.parametrize("latitude", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_station_coordinates_that_are_not_numbers_are_refused(
    world: World, latitude: Decimal
) -> None:
    with pytest.raises(InvalidCoordinatesError):
        regions.station_create(
            kind=Station.Kind.SERVICE_CENTRE,
            code="ST-9",
            name="服务站",
            township_id=world.village.township_id,
            latitude=latitude,
            longitude=Decimal("107.8"),
        )
