"""Households and their registered residents (a village's poverty-alleviation register)."""

from django.db import IntegrityError, transaction

from xiangcun.accounts.errors import (
    IdNumberTakenError,
    InvalidNameError,
    UserAlreadyResidentError,
    WrongVillageHouseholdError,
)
from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import Household, ResidentProfile, User
from xiangcun.accounts.services.users import _name_clean, role_grant
from xiangcun.accounts.types import Role
from xiangcun.core.validators import mobile_normalize, text_check
from xiangcun.regions.errors import UnknownVillageError
from xiangcun.regions.selectors import village_exists


def _village_check(village_id: int) -> None:
    if not village_exists(village_id=village_id):
        raise UnknownVillageError(field="village_id")


@transaction.atomic
def household_register(
    *,
    village_id: int,
    head_name: str,
    registered_poor: bool = False,
    register_number: str = "",
) -> Household:
    text_check(head_name=head_name, register_number=register_number)
    head_name = _name_clean(head_name)
    if not head_name:
        raise InvalidNameError(field="head_name")
    _village_check(village_id)
    return Household.objects.create(
        village_id=village_id,
        head_name=head_name,
        registered_poor=registered_poor,
        register_number=register_number.strip()[:32],
    )


@transaction.atomic
def resident_register(
    *,
    name: str,
    village_id: int,
    phone: str = "",
    id_number: str = "",
    household: Household | None = None,
    user: User | None = None,
) -> ResidentProfile:
    """Record a resident, often one without a login whom an agent registers at a centre."""
    text_check(name=name)
    name = _name_clean(name)
    if not name:
        raise InvalidNameError(field="name")
    phone = mobile_normalize(phone) if phone.strip() else ""
    number_hash = number_masked = ""
    if id_number.strip():
        number = id_number_normalize(id_number)
        number_hash, number_masked = id_number_hash(number), id_number_mask(number)
        if ResidentProfile.objects.filter(id_number_hash=number_hash).exists():
            raise IdNumberTakenError(field="id_number")
    _village_check(village_id)
    if household is not None and household.village_id != village_id:
        raise WrongVillageHouseholdError(field="household")
    if user is not None and ResidentProfile.objects.filter(user=user).exists():
        raise UserAlreadyResidentError(field="user")

    resident = ResidentProfile(
        name=name,
        phone=phone,
        village_id=village_id,
        household=household,
        user=user,
        id_number_hash=number_hash or None,
        id_number_masked=number_masked,
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as error:
        # Lost a race with another registration of the same ID card or account.
        raise IdNumberTakenError(field="id_number") from error
    if user is not None:
        role_grant(user=user, role=Role.RESIDENT)
    return resident
