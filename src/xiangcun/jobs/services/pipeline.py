"""The hiring pipeline: applied → screened → interview → offer → hired, or rejected or
withdrawn at any open step. Each move is recorded (who, when, why) and texted to the person.
Hiring makes an Employment, gives the person an account if they have none, grants the
posting's staff role and tells the registered hire handlers (logistics adds them to its staff).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import role_grant, user_for_phone
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import ids_storable, int_check, text_field
from xiangcun.jobs.errors import (
    InvalidApplicationMoveError,
    InvalidJobFieldError,
    JobsPermissionDeniedError,
    PostingFullError,
)
from xiangcun.jobs.models import Application, ApplicationEvent, Employment
from xiangcun.jobs.services._common import (
    MANAGERS,
    actor_id,
    application_locked,
    posting_locked,
    require_manager,
)
from xiangcun.jobs.services.applications import step_sms_queue
from xiangcun.jobs.services.postings import WAGE_MAX
from xiangcun.jobs.types import ApplicationStatus, Hire, JobRole
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import station_get

S = ApplicationStatus
# Where each step may go next (hired is reached only through application_hire).
NEXT: dict[str, frozenset[str]] = {
    S.APPLIED: frozenset({S.SCREENED}),
    S.SCREENED: frozenset({S.INTERVIEW}),
    S.INTERVIEW: frozenset({S.INTERVIEW, S.OFFER}),
    S.OFFER: frozenset(),
}
ENDINGS = frozenset({S.REJECTED, S.WITHDRAWN})
FINAL = frozenset({S.HIRED, S.REJECTED, S.WITHDRAWN})

ROLE_GRANTED: dict[str, Role] = {
    JobRole.DRIVER: Role.DRIVER,
    JobRole.COURIER: Role.COURIER,
    JobRole.PACKER: Role.PACKER,
    JobRole.WAREHOUSE: Role.WAREHOUSE,
    JobRole.AGENT: Role.AGENT,
}

HireHandler = Callable[[Hire], None]
_hire_handlers: list[HireHandler] = []


def hire_handler_register(handler: HireHandler) -> None:
    """Call `handler(hire)` in the hiring transaction for every hire. Apps above jobs register
    in their AppConfig.ready() (logistics adds drivers, couriers, packers, warehouse staff)."""
    if handler not in _hire_handlers:
        _hire_handlers.append(handler)


def _reason(value: str) -> str:
    return text_field(value, field="reason", max_length=200, required=False)


def _may_move(actor: AnyUser, application: Application, to: str) -> None:
    """Recruiters move any application; the person may only withdraw their own."""
    if actor.is_authenticated and user_roles(user=actor) & MANAGERS:
        return
    if to == S.WITHDRAWN and actor.is_authenticated and application.user_id == actor.pk:
        return
    raise JobsPermissionDeniedError


def _move(
    actor: AnyUser,
    application: Application,
    to: str,
    *,
    reason: str,
    interview_at: datetime.datetime | None,
) -> Application:
    start = application.status
    if start in FINAL or (to not in ENDINGS and to not in NEXT.get(start, frozenset())):
        raise InvalidApplicationMoveError(
            _("This application is “%(status)s” and cannot become “%(to)s”.")
            % {"status": S(start).label, "to": S(to).label if to in S.values else to},
            status=start,
            to=to,
        )
    params: dict[str, str] = {"from": start, "to": to}
    fields = ["status", "updated_at"]
    if to == S.INTERVIEW:
        if interview_at is None or interview_at < timezone.now():
            raise InvalidJobFieldError(
                _("Give the interview a day and time that is still ahead."), field="interview_at"
            )
        application.interview_at = interview_at
        params["interview_at"] = interview_at.isoformat()
        fields.append("interview_at")
    application.status = to
    application.save(update_fields=fields)
    ApplicationEvent.objects.create(
        application=application, code="moved", params=params, reason=reason, actor_id=actor.pk
    )
    step_sms_queue(application)
    return application


@transaction.atomic
def application_move(
    *,
    actor: AnyUser,
    application_id: int,
    to: str,
    reason: str = "",
    interview_at: datetime.datetime | None = None,
) -> Application:
    """Move one application a step on (or end it), recording who, when and why."""
    reason = _reason(reason)
    if to == S.HIRED:
        raise InvalidJobFieldError(_("Hire with the start date, site and wage."), field="to")
    if to not in S.values:
        raise InvalidJobFieldError(_("Choose a step from the list."), field="to")
    application = application_locked(application_id)
    _may_move(actor, application, to)
    return _move(actor, application, to, reason=reason, interview_at=interview_at)


@dataclass(frozen=True)
class BulkMoved:
    moved: list[int] = field(default_factory=list)
    # application id -> error code of the refusal
    refused: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def applications_move(
    *,
    actor: AnyUser,
    application_ids: Iterable[int],
    to: str,
    reason: str = "",
    interview_at: datetime.datetime | None = None,
) -> BulkMoved:
    """Move many applications to one step; each that cannot move is listed with its reason
    and the others still move. Rows are locked in id order, so two bulk moves never deadlock."""
    require_manager(actor)
    reason = _reason(reason)
    if to == S.HIRED or to not in S.values:
        raise InvalidJobFieldError(_("Choose a step from the list."), field="to")
    ids = sorted(set(ids_storable(application_ids)))[:500]
    rows = {
        row.pk: row
        for row in Application.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    result = BulkMoved()
    for application_id in ids:
        application = rows.get(application_id)
        if application is None:
            result.refused[application_id] = "application_not_found"
            continue
        try:
            with transaction.atomic():
                _move(actor, application, to, reason=reason, interview_at=interview_at)
        except XiangcunError as error:
            application.refresh_from_db()
            result.refused[application_id] = error.code
        else:
            result.moved.append(application_id)
    return result


@transaction.atomic
def application_hire(
    *,
    actor: AnyUser,
    application_id: int,
    start_date: datetime.date,
    monthly_wage: int,
    station_id: int | None = None,
    reason: str = "",
) -> Employment:
    """Hire a person who accepted an offer: the employment, their account and the staff role."""
    require_manager(actor)
    reason = _reason(reason)
    int_check(monthly_wage, field="monthly_wage", minimum=1, maximum=WAGE_MAX)
    application = application_locked(application_id)
    posting = posting_locked(application.posting_id)
    if application.status != S.OFFER:
        raise InvalidApplicationMoveError(
            _("Only a person who has an offer can be hired."), status=application.status
        )
    if posting.employments.count() >= posting.headcount:
        raise PostingFullError
    station = station_id if station_id is not None else posting.station_id
    if station is not None:
        try:
            station_get(station_id=station)
        except StationNotFoundError:
            raise InvalidJobFieldError(field="station") from None
    user = application.user or user_for_phone(phone=application.phone, name=application.name)
    employment = Employment.objects.create(
        application=application,
        posting=posting,
        user_id=actor_id(user),
        start_date=start_date,
        station_id=station,
        monthly_wage=monthly_wage,
        hired_by_id=actor_id(actor),
    )
    role = ROLE_GRANTED.get(posting.role)
    if role is not None:
        role_grant(user=user, role=role)
    application.user_id = user.pk
    application.status = S.HIRED
    application.save(update_fields=["user", "status", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        code="hired",
        params={"start_date": start_date.isoformat(), "wage": monthly_wage},
        reason=reason,
        actor_id=actor.pk,
    )
    hire = Hire(
        user=user,
        role=posting.role,
        station_id=station,
        posting_id=posting.pk,
        employment_id=employment.pk,
    )
    for handler in list(_hire_handlers):
        handler(hire)
    step_sms_queue(application)
    return employment
