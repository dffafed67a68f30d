"""Reads of the accounts app, shaped for callers in other apps and in views."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Count, Q, QuerySet

from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import Household, ResidentMove, ResidentProfile, User
from xiangcun.accounts.types import PoorHouseholdRow, ResidentAt, Role
from xiangcun.core.validators import mobile_normalize

_ROLE_VALUES = {role.value: role for role in Role}


def user_roles(*, user: AbstractBaseUser | AnonymousUser) -> set[Role]:
    """The roles a user holds (one query); empty for a visitor who is not logged in."""
    if not user.is_authenticated:
        return set()
    names = Group.objects.filter(user__pk=user.pk).values_list("name", flat=True)
    roles = {_ROLE_VALUES[name] for name in names if name in _ROLE_VALUES}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def user_has_role(*, user: AbstractBaseUser | AnonymousUser, role: Role) -> bool:
    return role in user_roles(user=user)


def user_by_phone(*, phone: str) -> User | None:
    """The user with this mobile number; raises InvalidPhoneError when it is not one."""
    return User.objects.filter(phone=mobile_normalize(phone)).first()


def user_language(*, phone: str) -> str:
    """The language to write to this phone in: its account's choice, else the site's default."""
    chosen = User.objects.filter(phone=phone).values_list("language", flat=True).first() or ""
    known = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in known else settings.LANGUAGE_CODE


def household_registered_poor(*, household_id: int) -> bool | None:
    """Whether a household is on the poverty register (建档立卡); None if it does not exist."""
    return (
        Household.objects.filter(pk=household_id).values_list("registered_poor", flat=True).first()
    )


def id_number_protected(*, id_number: str) -> tuple[str, str]:
    """(keyed hash, masked form) of a resident ID card number, for an app that must find a person
    again by ID number without keeping it; raises InvalidIdNumberError when it is not valid."""
    number = id_number_normalize(id_number)
    return id_number_hash(number), id_number_mask(number)


def resident_by_id_number(*, id_number: str) -> ResidentProfile | None:
    """The resident holding this ID card; raises InvalidIdNumberError when it is not valid."""
    number_hash = id_number_hash(id_number_normalize(id_number))
    return (
        ResidentProfile.objects.select_related("village", "household", "user")
        .filter(id_number_hash=number_hash)
        .first()
    )


def resident_get(*, resident_id: int) -> ResidentProfile | None:
    """One resident by id (village and login joined), or None."""
    return ResidentProfile.objects.select_related("village", "user").filter(pk=resident_id).first()


def resident_by_phone(*, phone: str) -> ResidentProfile | None:
    """The resident with this mobile number (their own, or their login's), oldest first; raises
    InvalidPhoneError when it is not one."""
    phone = mobile_normalize(phone)
    return (
        ResidentProfile.objects.select_related("village", "user")
        .filter(Q(phone=phone) | Q(user__phone=phone))
        .order_by("pk")
        .first()
    )


# --- For the programme's figures (impact) ---------------------------------------------------


def _counted_users() -> Q:
    """Users whose activity counts in the programme's figures: not test accounts, not back-office
    staff, not superusers (docs/impact-metrics.md, "Who is left out")."""
    return Q(is_test=False, is_staff=False, is_superuser=False)


def _residents_at(rows: QuerySet[ResidentProfile], on: date) -> list[ResidentAt]:
    # A join on the user, not `user__in=<counted users>`: SQLite answers that subquery by
    # scanning every user (seconds at 60,000 users for a handful of residents).
    rows = rows.filter(
        Q(user__isnull=True)
        | Q(user__is_test=False, user__is_staff=False, user__is_superuser=False)
    )
    profiles = list(
        rows.values_list(
            "pk",
            "user_id",
            "village_id",
            "village__township_id",
            "household_id",
            "household__registered_poor",
        )
    )
    if not profiles:
        return []
    # Where a resident lived on `on`: the village they left in their first move after it, or
    # where they live now when they have not moved since.
    earlier: dict[int, tuple[int, int]] = {}
    moves = (
        ResidentMove.objects.filter(resident_id__in=[p[0] for p in profiles], moved_on__gt=on)
        .order_by("resident_id", "-moved_on", "-pk")
        .values_list("resident_id", "from_village_id", "from_village__township_id")
    )
    for resident_id, village_id, township_id in moves:
        earlier[resident_id] = (village_id, township_id)  # the last written is the earliest move
    out = []
    for pk, user_id, village_id, township_id, household_id, poor in profiles:
        village_id, township_id = earlier.get(pk, (village_id, township_id))
        out.append(ResidentAt(pk, user_id, village_id, township_id, household_id, bool(poor)))
    return out


def residents_of_users(*, user_ids: Iterable[int], on: date) -> dict[int, ResidentAt]:
    """The county residents among these users, keyed by user id, as they were on `on`. Test
    accounts, staff and users with no resident profile are not in the answer."""
    ids = list(set(user_ids))
    return {
        r.user_id: r
        for r in _residents_at(ResidentProfile.objects.filter(user_id__in=ids), on)
        if r.user_id is not None
    }


def residents_by_id(*, resident_ids: Iterable[int], on: date) -> dict[int, ResidentAt]:
    """These residents (ResidentProfile ids), as they were on `on`; test and staff accounts
    left out."""
    ids = list(set(resident_ids))
    return {r.resident_id: r for r in _residents_at(ResidentProfile.objects.filter(pk__in=ids), on)}


def counted_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Which of these users count in the programme's figures (not test, staff or superuser)."""
    return set(
        User.objects.filter(_counted_users(), pk__in=list(set(user_ids))).values_list(
            "pk", flat=True
        )
    )


def poor_households(
    *, township_id: int | None = None, village_id: int | None = None
) -> list[PoorHouseholdRow]:
    """Registered poor households (建档立卡) in the county, or in one township or village."""
    rows = Household.objects.filter(registered_poor=True)
    if township_id is not None:
        rows = rows.filter(village__township_id=township_id)
    if village_id is not None:
        rows = rows.filter(village_id=village_id)
    return [
        PoorHouseholdRow(pk, head, number or "", village_id_, township_id_, members)
        for pk, head, number, village_id_, township_id_, members in rows.annotate(
            n=Count("members")
        )
        .order_by("village_id", "pk")
        .values_list(
            "pk", "head_name", "register_number", "village_id", "village__township_id", "n"
        )
    ]


def resident_moves_since(*, since: datetime) -> list[tuple[int, date]]:
    """(resident id, moved on) for each move recorded since `since`: the days from `moved_on`
    on count that resident somewhere else now (impact rebuilds them)."""
    return list(
        ResidentMove.objects.filter(recorded_at__gte=since)
        .order_by("id")
        .values_list("resident_id", "moved_on")
    )
