"""Reads of the jobs app: open postings for the public, the pipeline and fair reports for
recruiters, the county's headcount, and application histories in the reader's language."""

from collections import Counter
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.language import localized
from xiangcun.jobs.errors import (
    ApplicationNotFoundError,
    FairNotFoundError,
    JobsPermissionDeniedError,
    PostingNotFoundError,
)
from xiangcun.jobs.models import Application, ApplicationEvent, Employment, Fair, Posting
from xiangcun.jobs.types import (
    ApplicationStatus,
    EmploymentChanges,
    EmploymentFact,
    FairReport,
    JobRole,
    PostingCard,
    PostingStatus,
    Source,
)

READERS = frozenset({Role.RECRUITER, Role.PROGRAMME_MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.RECRUITER, Role.ADMIN})
HELPERS = frozenset({Role.RECRUITER, Role.AGENT, Role.ADMIN})
HEADCOUNT_TARGET_DEFAULT = 2000


def jobs_can_read(*, user: AnyUser) -> bool:
    """Recruiters, programme managers and administrators read the whole pipeline."""
    return bool(user_roles(user=user) & READERS)


def jobs_can_manage(*, user: AnyUser) -> bool:
    return bool(user_roles(user=user) & MANAGERS)


def jobs_can_help(*, user: AnyUser) -> bool:
    """Who may apply for someone else (at a fair or a service centre)."""
    return bool(user_roles(user=user) & HELPERS)


def _require_reader(user: AnyUser) -> None:
    if not jobs_can_read(user=user):
        raise JobsPermissionDeniedError


def _postings() -> QuerySet[Posting]:
    return Posting.objects.select_related("station", "township").annotate(
        filled_count=Count("employments", distinct=True)
    )


def _card(row: Any) -> PostingCard:
    return PostingCard(
        id=row.pk,
        title=row.title,
        role=row.role,
        role_label=row.role_other or str(JobRole(row.role).label),
        site=localized(row.station) if row.station else localized(row.township),
        township=localized(row.township),
        township_code=row.township.code,
        wage_min=row.wage_min,
        wage_max=row.wage_max,
        headcount=row.headcount,
        filled=row.filled_count,
        status=row.status,
        closes_on=row.closes_on,
    )


def postings_open(*, township_code: str = "", role: str = "") -> list[PostingCard]:
    """Postings taking applications today, newest first; filters that match nothing give an
    empty list. One query."""
    today = timezone.localdate()
    rows = _postings().filter(status=PostingStatus.OPEN, opens_on__lte=today, closes_on__gte=today)
    if township_code:
        rows = rows.filter(township__code=township_code)
    if role:
        rows = rows.filter(role=role)
    return [_card(row) for row in rows]


def postings_all(*, user: AnyUser) -> list[PostingCard]:
    """Every posting, for the recruiters' workspace."""
    _require_reader(user)
    return [_card(row) for row in _postings()]


def posting_get(*, posting_id: int, user: AnyUser | None = None) -> Posting:
    """A posting; one not open (a draft, closed) only for those who read the pipeline."""
    row = _postings().filter(pk=posting_id).first()
    if row is None:
        raise PostingNotFoundError
    if row.status == PostingStatus.DRAFT and (user is None or not jobs_can_read(user=user)):
        raise PostingNotFoundError
    return row


def posting_card(*, posting: Posting) -> PostingCard:
    return _card(posting)


def pipeline_for_posting(*, user: AnyUser, posting_id: int, status: str = "") -> list[Application]:
    """A posting's applications, newest first, optionally at one step."""
    _require_reader(user)
    rows = Application.objects.filter(posting_id=posting_id).select_related("village", "fair")
    if status:
        rows = rows.filter(status=status)
    return list(rows)


def pipeline_counts(*, user: AnyUser, posting_id: int) -> dict[str, int]:
    _require_reader(user)
    counts = dict(
        Application.objects.filter(posting_id=posting_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ApplicationStatus.values}


def application_get(*, user: AnyUser, application_id: int) -> Application:
    """An application, for the pipeline's readers or the person who applied."""
    row = (
        Application.objects.select_related("posting", "village", "township", "fair")
        .filter(pk=application_id)
        .first()
    )
    if row is None:
        raise ApplicationNotFoundError
    if not (jobs_can_read(user=user) or (user.is_authenticated and row.user_id == user.pk)):
        raise ApplicationNotFoundError
    return row


def applications_of(*, user: AnyUser) -> list[Application]:
    """The signed-in person's own applications."""
    if not user.is_authenticated:
        return []
    return list(
        Application.objects.filter(Q(user_id=user.pk) | Q(phone=getattr(user, "phone", "")))
        .select_related("posting")
        .order_by("-created_at")
    )


def event_text(event: ApplicationEvent) -> str:
    """One step of the history in the active language."""
    params = event.params or {}
    if event.code == "applied":
        return gettext("Applied (%(door)s)") % {
            "door": _label(params.get("source"), {s.value: s.label for s in Source})
        }
    if event.code == "hired":
        return gettext("Hired from %(date)s at ¥%(wage)s a month") % {
            "date": params.get("start_date", ""),
            "wage": params.get("wage", ""),
        }
    labels = {s.value: s.label for s in ApplicationStatus}
    return gettext("Moved from %(from)s to %(to)s") % {
        "from": _label(params.get("from"), labels),
        "to": _label(params.get("to"), labels),
    }


def _label(value: Any, labels: dict[str, Any]) -> str:
    return str(labels.get(str(value), value or ""))


def application_history(*, user: AnyUser, application_id: int) -> list[tuple[Any, str, str]]:
    """(when, what, why) of each step, oldest first."""
    application = application_get(user=user, application_id=application_id)
    return [
        (event.at, event_text(event), event.reason)
        for event in ApplicationEvent.objects.filter(application=application)
    ]


def fairs_list(*, user: AnyUser) -> list[Fair]:
    _require_reader(user)
    return list(Fair.objects.select_related("township").annotate(entries=Count("applications")))


def fair_get(*, fair_id: int) -> Fair:
    fair = Fair.objects.select_related("township").filter(pk=fair_id).first()
    if fair is None:
        raise FairNotFoundError
    return fair


def fair_postings(*, fair_id: int) -> list[Posting]:
    return list(Posting.objects.filter(fairs__id=fair_id).order_by("title", "id"))


def fair_report(*, user: AnyUser, fair_id: int) -> FairReport:
    """Applications taken at or registered for a fair: by role, township, household status."""
    _require_reader(user)
    fair = fair_get(fair_id=fair_id)
    rows = list(
        Application.objects.filter(fair=fair)
        .select_related("posting", "township")
        .only("source", "registered_poor", "posting__role", "township__name")
    )
    roles = {r.value: str(r.label) for r in JobRole}
    poor, other = gettext("Registered poor household"), gettext("Other households")
    return FairReport(
        fair_id=fair.pk,
        total=len(rows),
        registrations=sum(1 for r in rows if r.source != "fair"),
        walk_ins=sum(1 for r in rows if r.source == "fair"),
        by_role=dict(Counter(roles[r.posting.role] for r in rows).most_common()),
        by_township=dict(Counter(localized(r.township) for r in rows).most_common()),
        by_household=dict(Counter(poor if r.registered_poor else other for r in rows)),
    )


def headcount() -> dict[str, Any]:
    """People hired against the county's target (setting JOBS_HEADCOUNT_TARGET), by role."""
    target = int(getattr(settings, "JOBS_HEADCOUNT_TARGET", HEADCOUNT_TARGET_DEFAULT))
    by_role = dict(
        Employment.objects.values_list("posting__role").annotate(n=Count("id")).order_by()
    )
    return {
        "target": target,
        "filled": sum(by_role.values()),
        "by_role": {role: by_role.get(role, 0) for role in JobRole.values},
    }


def applications_entered_at_counter(*, since: datetime, limit: int = 5000) -> list[tuple[int, int]]:
    """(application id, user id) for each application a service-centre agent entered for an
    applicant since `since` (the service centre pays agents a fee per applicant); oldest
    first."""
    rows = (
        Application.objects.filter(source=Source.AGENT, created_at__gte=since)
        .order_by("id")
        .values_list("id", "entered_by_id")[: max(1, min(limit, 50_000))]
    )
    return [(application_id, user_id) for application_id, user_id in rows]


# --- For the programme's figures (impact) ---------------------------------------------------


def employments_started_by(*, day: date) -> list[EmploymentFact]:
    """Every employment started on or before `day` (employments have no end yet, so these are
    the people at work that day), with the posting's role and township; one query."""
    rows = (
        Employment.objects.filter(start_date__lte=day)
        .order_by("id")
        .values_list(
            "id", "user_id", "posting__role", "posting__township_id", "start_date", "monthly_wage"
        )
    )
    return [EmploymentFact(*row) for row in rows]


def employments_first_day() -> date | None:
    """The day the first employment started (None when nobody was hired)."""
    first: date | None = Employment.objects.aggregate(first=Min("start_date"))["first"]
    return first


def employment_changes(*, since: datetime) -> EmploymentChanges:
    """The start days of employments recorded or changed since `since`, or whose posting
    changed (role, township), and the earliest start among the changed employments."""
    changed = list(
        Employment.objects.filter(updated_at__gte=since)
        .values_list("start_date", flat=True)
        .distinct()
    )
    of_postings = (
        Employment.objects.filter(posting__updated_at__gte=since)
        .values_list("start_date", flat=True)
        .distinct()
    )
    return EmploymentChanges(
        hire_days=frozenset(changed) | frozenset(of_postings),
        wages_from=min(changed) if changed else None,
    )
