"""Households and their registered residents (a village's poverty-alleviation register)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.accounts.errors import (
    IdNumberTakenError,
    InvalidMoveDateError,
    InvalidNameError,
    MoveNotAllowedError,
    ResidentAlreadyThereError,
    ResidentNotFoundError,
    UserAlreadyResidentError,
    WrongVillageHouseholdError,
)
from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import Household, ResidentMove, ResidentProfile, User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services.users import _name_clean, role_grant
from xiangcun.accounts.types import AnyUser, Role
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


# --- Moves ----------------------------------------------------------------------------------------

# Who may record a move: agents at the counter and the staff above them (as at the service
# centre, where an agent registers residents and a supervisor may act for any station).
MOVE_ROLES = frozenset({Role.AGENT, Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN})
_ID_MAX = 2**31 - 1


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _ID_MAX


@transaction.atomic
def resident_move(
    *, actor: AnyUser, resident_id: int, village_id: int, moved_on: datetime.date
) -> ResidentMove:
    """Record that a resident moved to another village on `moved_on` and make it where they
    live now. The move keeps where they lived before, so the programme's figures for earlier
    days still count them there. Their household (and its poverty register entry) stays as it
    is. Agents and staff may; raises MoveNotAllowedError, ResidentNotFoundError,
    UnknownVillageError, ResidentAlreadyThereError or InvalidMoveDateError (a day in the future
    or before their last move)."""
    if not actor.is_authenticated or not actor.is_active:
        raise MoveNotAllowedError
    if not (getattr(actor, "is_superuser", False) or user_roles(user=actor) & MOVE_ROLES):
        raise MoveNotAllowedError
    if not _is_id(resident_id):
        raise ResidentNotFoundError(field="resident_id")
    if not _is_id(village_id):
        raise UnknownVillageError(field="village_id")
    if not isinstance(moved_on, datetime.date) or isinstance(moved_on, datetime.datetime):
        raise InvalidMoveDateError(field="moved_on")
    if moved_on > timezone.localdate():
        raise InvalidMoveDateError(field="moved_on")
    resident = ResidentProfile.objects.select_for_update().filter(pk=resident_id).first()
    if resident is None:
        raise ResidentNotFoundError(field="resident_id")
    _village_check(village_id)
    if resident.village_id == village_id:
        raise ResidentAlreadyThereError(field="village_id")
    last = (
        ResidentMove.objects.filter(resident=resident)
        .order_by("-moved_on", "-pk")
        .values_list("moved_on", flat=True)
        .first()
    )
    if last is not None and moved_on < last:
        raise InvalidMoveDateError(field="moved_on")
    move = ResidentMove.objects.create(
        resident=resident,
        from_village_id=resident.village_id,
        to_village_id=village_id,
        moved_on=moved_on,
        recorded_by_id=actor.pk,
    )
    resident.village_id = village_id
    resident.save(update_fields=["village", "updated_at"])
    return move
