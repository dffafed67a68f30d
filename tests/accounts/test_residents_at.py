"""Residents as they were on a day, for the programme's figures: where they lived then (moves
taken into account), their household, and test and staff accounts left out."""

from datetime import date

import pytest

from tests.accounts.factories import UserFactory
from tests.regions.factories import TownshipFactory, VillageFactory
from xiangcun.accounts.models import Household, ResidentMove, ResidentProfile
from xiangcun.accounts.selectors import (
    counted_user_ids,
    poor_households,
    residents_by_id,
    residents_of_users,
)

pytestmark = pytest.mark.django_db


def _resident(village: object, *, user: object = None, household: object = None) -> ResidentProfile:
    return ResidentProfile.objects.create(
        name="村民", village=village, user=user, household=household
    )


def test_a_resident_who_moved_is_where_they_lived_on_each_day() -> None:
    first, second, third = VillageFactory(), VillageFactory(), VillageFactory()
    user = UserFactory()
    person = _resident(third, user=user)
    ResidentMove.objects.create(
        resident=person, from_village=first, to_village=second, moved_on=date(2026, 3, 1)
    )
    ResidentMove.objects.create(
        resident=person, from_village=second, to_village=third, moved_on=date(2026, 6, 1)
    )

    def village_on(day: date) -> int:
        return residents_of_users(user_ids=[user.pk], on=day)[user.pk].village_id

    assert village_on(date(2026, 2, 28)) == first.pk
    # The day of the move counts where they moved to.
    assert village_on(date(2026, 3, 1)) == second.pk
    assert village_on(date(2026, 5, 31)) == second.pk
    assert village_on(date(2026, 6, 1)) == third.pk
    assert village_on(date(2026, 12, 1)) == third.pk
    by_id = residents_by_id(resident_ids=[person.pk], on=date(2026, 4, 1))[person.pk]
    assert (by_id.village_id, by_id.township_id) == (second.pk, second.township_id)


def test_test_staff_and_superuser_accounts_are_left_out_but_residents_without_login_count() -> None:
    village = VillageFactory()
    counted = UserFactory()
    tester = UserFactory(is_test=True)
    staff = UserFactory(is_staff=True)
    boss = UserFactory(is_superuser=True)
    people = [_resident(village, user=u) for u in (counted, tester, staff, boss)]
    no_login = _resident(village)
    day = date(2026, 5, 1)

    assert set(
        residents_of_users(user_ids=[u.pk for u in (counted, tester, staff, boss)], on=day)
    ) == {counted.pk}
    assert set(residents_by_id(resident_ids=[p.pk for p in people] + [no_login.pk], on=day)) == {
        people[0].pk,
        no_login.pk,
    }
    assert counted_user_ids(user_ids=[counted.pk, tester.pk, staff.pk, boss.pk]) == {counted.pk}


def test_household_and_poverty_register_come_with_the_resident() -> None:
    village = VillageFactory()
    poor = Household.objects.create(village=village, head_name="杨", registered_poor=True)
    other = Household.objects.create(village=village, head_name="王")
    a, b = _resident(village, household=poor), _resident(village, household=other)
    _resident(village, household=poor)
    found = residents_by_id(resident_ids=[a.pk, b.pk], on=date(2026, 1, 1))
    assert (found[a.pk].household_id, found[a.pk].poor) == (poor.pk, True)
    assert (found[b.pk].household_id, found[b.pk].poor) == (other.pk, False)

    elsewhere = VillageFactory(township=TownshipFactory())
    Household.objects.create(village=elsewhere, head_name="李", registered_poor=True)
    rows = poor_households(township_id=village.township_id)
    assert [(r.id, r.members) for r in rows] == [(poor.pk, 2)]
    assert len(poor_households()) == 2
    assert poor_households(village_id=elsewhere.pk)[0].head_name == "李"
