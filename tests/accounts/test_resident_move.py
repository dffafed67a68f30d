"""Recording that a resident moved: who may, what is refused, and that figures for earlier days
still find the resident where they lived then (accounts.services.resident_move)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.regions.factories import VillageFactory
from xiangcun.accounts.errors import (
    InvalidMoveDateError,
    MoveNotAllowedError,
    ResidentAlreadyThereError,
    ResidentNotFoundError,
)
from xiangcun.accounts.models import ResidentMove, ResidentProfile
from xiangcun.accounts.selectors import resident_moves_since, residents_by_id
from xiangcun.accounts.services import resident_move, resident_register
from xiangcun.accounts.types import Role
from xiangcun.regions.errors import UnknownVillageError

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages() -> tuple[object, object, object]:
    first = VillageFactory()
    return first, VillageFactory(township=first.township), VillageFactory()


@pytest.fixture
def resident(villages: tuple[object, object, object]) -> ResidentProfile:
    return resident_register(name="王秀英", village_id=villages[0].pk)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.mark.parametrize("role", [Role.AGENT, Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN])
def test_agents_and_staff_record_a_move_and_earlier_days_keep_the_old_village(
    role: Role, resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    old, _same_township, new = villages
    actor = user_with_role(role)
    moved_on = days_ago(10)

    move = resident_move(actor=actor, resident_id=resident.pk, village_id=new.pk, moved_on=moved_on)

    resident.refresh_from_db()
    assert resident.village_id == new.pk
    row = ResidentMove.objects.get()
    assert (row.pk, row.resident_id, row.from_village_id, row.to_village_id) == (
        move.pk,
        resident.pk,
        old.pk,
        new.pk,
    )
    assert (row.moved_on, row.recorded_by_id) == (moved_on, actor.pk)
    before = residents_by_id(resident_ids=[resident.pk], on=moved_on - datetime.timedelta(days=1))
    on_the_day = residents_by_id(resident_ids=[resident.pk], on=moved_on)
    assert (before[resident.pk].village_id, before[resident.pk].township_id) == (
        old.pk,
        old.township_id,
    )
    assert (on_the_day[resident.pk].village_id, on_the_day[resident.pk].township_id) == (
        new.pk,
        new.township_id,
    )


def test_a_superuser_may_record_a_move(
    resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    resident_move(
        actor=UserFactory(admin=True),
        resident_id=resident.pk,
        village_id=villages[1].pk,
        moved_on=days_ago(0),
    )
    assert ResidentProfile.objects.get(pk=resident.pk).village_id == villages[1].pk


@pytest.mark.parametrize("who", ["visitor", "buyer", "resident", "recruiter", "inactive_agent"])
def test_others_may_not_record_a_move(
    who: str, resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    actor = {
        "visitor": lambda: AnonymousUser(),
        "buyer": lambda: UserFactory(),
        "resident": lambda: user_with_role(Role.RESIDENT),
        "recruiter": lambda: user_with_role(Role.RECRUITER),
        "inactive_agent": lambda: user_with_role(Role.AGENT, is_active=False),
    }[who]()
    with pytest.raises(MoveNotAllowedError):
        resident_move(
            actor=actor, resident_id=resident.pk, village_id=villages[2].pk, moved_on=days_ago(1)
        )
    assert not ResidentMove.objects.exists()
    assert ResidentProfile.objects.get(pk=resident.pk).village_id == villages[0].pk


def test_moves_follow_one_another_and_the_figures_find_each_village_on_its_days(
    resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    first, second, third = villages
    agent = user_with_role(Role.AGENT)
    resident_move(actor=agent, resident_id=resident.pk, village_id=second.pk, moved_on=days_ago(20))
    resident_move(actor=agent, resident_id=resident.pk, village_id=third.pk, moved_on=days_ago(5))

    def village_on(day: datetime.date) -> int:
        return residents_by_id(resident_ids=[resident.pk], on=day)[resident.pk].village_id

    assert village_on(days_ago(21)) == first.pk
    assert village_on(days_ago(20)) == second.pk
    assert village_on(days_ago(6)) == second.pk
    assert village_on(days_ago(5)) == third.pk
    assert village_on(days_ago(0)) == third.pk
    assert [row.from_village_id for row in ResidentMove.objects.order_by("moved_on")] == [
        first.pk,
        second.pk,
    ]


def test_moves_recorded_since_a_time_are_listed_for_the_figures(
    resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    since = timezone.now()
    resident_move(
        actor=user_with_role(Role.AGENT),
        resident_id=resident.pk,
        village_id=villages[1].pk,
        moved_on=days_ago(3),
    )
    assert resident_moves_since(since=since) == [(resident.pk, days_ago(3))]
    assert resident_moves_since(since=timezone.now() + datetime.timedelta(seconds=1)) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"village": "same"}, ResidentAlreadyThereError),
        ({"moved_on": 1}, InvalidMoveDateError),  # tomorrow
        ({"moved_on": "2026-01-01"}, InvalidMoveDateError),
        ({"moved_on": "datetime"}, InvalidMoveDateError),
        ({"resident_id": 0}, ResidentNotFoundError),
        ({"resident_id": 2**31}, ResidentNotFoundError),
        ({"resident_id": True}, ResidentNotFoundError),
        ({"resident_id": "1"}, ResidentNotFoundError),
        ({"resident_id": "missing"}, ResidentNotFoundError),
        ({"village_id": -1}, UnknownVillageError),
        ({"village_id": "missing"}, UnknownVillageError),
        ({"village_id": None}, UnknownVillageError),
    ],
)
def test_a_bad_move_is_refused_and_changes_nothing(
    change: dict[str, object],
    error: type[Exception],
    resident: ResidentProfile,
    villages: tuple[object, object, object],
) -> None:
    args: dict[str, object] = {
        "resident_id": resident.pk,
        "village_id": villages[2].pk,
        "moved_on": days_ago(1),
    }
    for key, value in change.items():
        if key == "village":
            args["village_id"] = villages[0].pk
        elif key == "moved_on" and value == 1:
            args["moved_on"] = timezone.localdate() + datetime.timedelta(days=1)
        elif key == "moved_on" and value == "datetime":
            args["moved_on"] = timezone.now()
        elif value == "missing":
            args[key] = 999_999
        else:
            args[key] = value
    with pytest.raises(error):
        resident_move(actor=user_with_role(Role.AGENT), **args)  # type: ignore[arg-type]
    assert not ResidentMove.objects.exists()
    assert ResidentProfile.objects.get(pk=resident.pk).village_id == villages[0].pk


def test_a_move_before_the_last_one_is_refused(
    resident: ResidentProfile, villages: tuple[object, object, object]
) -> None:
    agent = user_with_role(Role.AGENT)
    resident_move(
        actor=agent, resident_id=resident.pk, village_id=villages[1].pk, moved_on=days_ago(5)
    )
    with pytest.raises(InvalidMoveDateError):
        resident_move(
            actor=agent, resident_id=resident.pk, village_id=villages[2].pk, moved_on=days_ago(6)
        )
    assert ResidentMove.objects.count() == 1
    assert ResidentProfile.objects.get(pk=resident.pk).village_id == villages[1].pk
