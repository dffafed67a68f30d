"""Reads of the accounts app, shaped for callers in other apps and in views."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Q

from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import Household, ResidentProfile, User
from xiangcun.accounts.types import Role
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
