"""Fleet and staff: the county's vans, who works in logistics and as what, and their shifts."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import text_check
from xiangcun.logistics.errors import (
    StaffMemberNotFoundError,
    VehicleNotFoundError,
)
from xiangcun.logistics.models import (
    Shift,
    StaffMember,
    Vehicle,
)
from xiangcun.logistics.services._common import _minutes, _positive_int, _require
from xiangcun.logistics.types import WAREHOUSE_ROLES
from xiangcun.regions.selectors import station_get


@transaction.atomic
def vehicle_create(
    *,
    actor: AnyUser,
    plate: str,
    capacity_kg: int,
    capacity_crates: int,
    cost_per_km: Decimal,
    home_station_id: int,
    cold_chain: bool = False,
    name: str = "",
) -> Vehicle:
    """A van of the county fleet, kept at its home depot."""
    text_check(plate=plate, name=name)
    _require(actor, WAREHOUSE_ROLES)
    plate = (plate or "").strip().upper()
    if not plate or len(plate) > 12:
        raise InvalidInputError(_("Enter the number plate."), field="plate")
    station_get(station_id=home_station_id)
    # is_finite first: comparing a NaN raises InvalidOperation. The column holds 999999.99.
    if (
        not isinstance(cost_per_km, Decimal)
        or not cost_per_km.is_finite()
        or not 0 <= cost_per_km < 1_000_000
    ):
        raise InvalidInputError(_("Enter the cost per km in yuan."), field="cost_per_km")
    try:
        with transaction.atomic():
            return Vehicle.objects.create(
                plate=plate,
                name=name.strip()[:40],
                capacity_kg=_positive_int(capacity_kg, field="capacity_kg"),
                capacity_crates=_positive_int(capacity_crates, field="capacity_crates"),
                cost_per_km=cost_per_km,
                cold_chain=cold_chain,
                home_station_id=home_station_id,
            )
    except IntegrityError as error:
        raise InvalidInputError(_("A van with this plate exists."), field="plate") from error


@transaction.atomic
def vehicle_status_set(*, actor: AnyUser, vehicle_id: int, status: str) -> Vehicle:
    """A van breaks down, is repaired or retired."""
    _require(actor, WAREHOUSE_ROLES | {Role.DRIVER})
    if status not in Vehicle.Status.values:
        raise InvalidInputError(field="status")
    vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()
    if vehicle is None:
        raise VehicleNotFoundError
    vehicle.status = status
    vehicle.save(update_fields=["status", "updated_at"])
    return vehicle


_JOB_ROLES = {
    StaffMember.Job.DRIVER: Role.DRIVER,
    StaffMember.Job.COURIER: Role.COURIER,
    StaffMember.Job.PACKER: Role.PACKER,
    StaffMember.Job.WAREHOUSE: Role.WAREHOUSE,
    StaffMember.Job.AGENT: Role.AGENT,
}


@transaction.atomic
def staff_member_set(*, actor: AnyUser | None, user: Any, job: str, station_id: int) -> StaffMember:
    """Record where a user works and as what; the job's role is granted if missing. `actor`
    None is the platform itself (demo loading)."""
    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    if job not in StaffMember.Job.values:
        raise InvalidInputError(field="job")
    station_get(station_id=station_id)
    role_grant(user=user, role=_JOB_ROLES[StaffMember.Job(job)])
    member, _created = StaffMember.objects.update_or_create(
        user_id=user.pk, defaults={"job": job, "station_id": station_id, "is_active": True}
    )
    return member


@transaction.atomic
def shift_set(
    *,
    actor: AnyUser | None,
    staff_id: int,
    day: date,
    start_min: int,
    end_min: int,
    vehicle_id: int | None = None,
) -> Shift:
    """A staff member's working hours on a day (and the van a driver takes)."""
    if actor is not None:
        _require(actor, WAREHOUSE_ROLES)
    start_min = _minutes(start_min, field="start")
    end_min = _minutes(end_min, field="end")
    if start_min >= end_min:
        raise InvalidInputError(_("A shift ends after it starts."), field="end")
    if not StaffMember.objects.filter(pk=staff_id).exists():
        raise InvalidInputError(field="staff_id")
    if vehicle_id is not None and not Vehicle.objects.filter(pk=vehicle_id).exists():
        raise VehicleNotFoundError
    shift, _created = Shift.objects.update_or_create(
        staff_id=staff_id,
        day=day,
        defaults={"start_min": start_min, "end_min": end_min, "vehicle_id": vehicle_id},
    )
    return shift


@transaction.atomic
def staff_member_deactivate(*, actor: AnyUser, staff_id: int) -> StaffMember:
    """Someone stops working in logistics. The record stays (old routes name them) and their
    shifts are left as history, but the planner no longer gives them a van; adding them again
    by phone number takes them back on. Their roles are the administrator's to take away."""
    _require(actor, WAREHOUSE_ROLES)
    member = StaffMember.objects.select_for_update().filter(pk=staff_id).first()
    if member is None:
        raise StaffMemberNotFoundError
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
    return member
