"""The jobs API under /api/v1/jobs/: open postings (public), applying (a resident for
themselves, a recruiter or agent for someone), the pipeline, fairs and the county headcount.

Errors answer `{"code", "message"}`: posting_not_found / application_not_found /
fair_not_found 404, permission_denied 403, posting_closed / invalid_application_move /
posting_full 409, invalid_phone / unknown_village / invalid_id_number / invalid_field 400.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, PageNumber, Text
from xiangcun.jobs import selectors, services
from xiangcun.jobs.models import Application
from xiangcun.jobs.types import PostingCard

router = Router()


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Fallback for public routes: a visitor without a (valid) token reads as anonymous."""
    return AnonymousUser()


PUBLIC = [ApiTokenAuth(), _anonymous]
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
PAGE_SIZE = 20


class PostingOut(Schema):
    id: int
    title: str
    role: str
    site: str
    township: str
    wage_min: int
    wage_max: int
    headcount: int
    filled: int
    status: str


class PostingListOut(Schema):
    items: list[PostingOut]
    count: int


class PostingDetailOut(PostingOut):
    role_label: str
    shifts: str
    licence_class: str
    age_min: int
    age_max: int
    description: str
    opens_on: datetime.date
    closes_on: datetime.date


class PostingFilterIn(Schema):
    township: Text = Field("", max_length=20)
    role: Text = Field("", max_length=12)
    page: PageNumber = 1


class StepFilterIn(Schema):
    status: Text = Field("", max_length=20)


class PostingIn(Schema):
    title: Text = Field(max_length=200)
    role: Text = Field(max_length=20)
    wage_min: int = Field(ge=0, le=1_000_000)
    wage_max: int = Field(ge=0, le=1_000_000)
    opens_on: datetime.date
    closes_on: datetime.date
    station: Id | None = None
    township: Id | None = None
    role_other: Text = Field("", max_length=200)
    shifts: Text = Field("", max_length=200)
    licence_class: Text = Field("", max_length=20)
    age_min: int = Field(18, ge=0, le=200)
    age_max: int = Field(60, ge=0, le=200)
    headcount: int = Field(1, ge=1, le=10_000)
    description: Text = Field("", max_length=4000)


class PostingStatusIn(Schema):
    status: Text = Field(max_length=20)


class ApplicationIn(Schema):
    posting: Id
    name: Text = Field(max_length=200)
    phone: Text = Field("", max_length=40)
    village: Id
    fair: Id | None = None
    id_number: Text = Field("", max_length=40)
    licence_class: Text = Field("", max_length=20)
    consent: bool = False
    station: Id | None = None
    idempotency_key: Text = Field("", max_length=64)


class ApplicationOut(Schema):
    id: int
    posting: int
    status: str
    source: str
    name: str
    phone: str
    village: int
    township: int
    registered_poor: bool
    id_number_masked: str
    fair: int | None
    interview_at: datetime.datetime | None
    duplicate: bool = False


class MoveIn(Schema):
    to: Text = Field(max_length=20)
    reason: Text = Field("", max_length=400)
    interview_at: datetime.datetime | None = None


class BulkMoveIn(MoveIn):
    applications: list[Id] = Field(max_length=500)


class BulkMoveOut(Schema):
    moved: list[int]
    refused: dict[str, str]


class HireIn(Schema):
    start_date: datetime.date
    monthly_wage: int = Field(ge=1, le=1_000_000)
    station: Id | None = None
    reason: Text = Field("", max_length=400)


class EmploymentOut(Schema):
    id: int
    application: int
    user: int
    start_date: datetime.date
    station: int | None
    monthly_wage: int


class FairIn(Schema):
    name: Text = Field(max_length=200)
    day: datetime.date
    place: Text = Field(max_length=200)
    township: Id
    postings: list[Id] = Field(default_factory=list, max_length=200)


class FairOut(Schema):
    id: int
    name: str
    day: datetime.date
    place: str
    township: str
    postings: list[int]


class FairReportOut(Schema):
    fair: int
    total: int
    registrations: int
    walk_ins: int
    by_role: dict[str, int]
    by_township: dict[str, int]
    by_household: dict[str, int]


class HeadcountOut(Schema):
    target: int
    filled: int
    by_role: dict[str, int]


def _posting_out(card: PostingCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.title,
        "role": card.role,
        "site": card.site,
        "township": card.township,
        "wage_min": card.wage_min,
        "wage_max": card.wage_max,
        "headcount": card.headcount,
        "filled": card.filled,
        "status": card.status,
    }


def _application_out(row: Application, *, duplicate: bool = False) -> ApplicationOut:
    return ApplicationOut(
        id=row.pk,
        posting=row.posting_id,
        status=row.status,
        source=row.source,
        name=row.name,
        phone=row.phone,
        village=row.village_id,
        township=row.township_id,
        registered_poor=row.registered_poor,
        id_number_masked=row.id_number_masked,
        fair=row.fair_id,
        interview_at=row.interview_at,
        duplicate=duplicate,
    )


@router.get("/postings", auth=PUBLIC, response={200: PostingListOut, **ERRORS}, summary="Open jobs")
def postings_index(request: HttpRequest, filters: Query[PostingFilterIn]) -> PostingListOut:
    cards = selectors.postings_open(township_code=filters.township, role=filters.role)
    start = (filters.page - 1) * PAGE_SIZE
    items = [PostingOut(**_posting_out(c)) for c in cards[start : start + PAGE_SIZE]]
    return PostingListOut(items=items, count=len(cards))


@router.post(
    "/postings",
    auth=ApiTokenAuth(),
    response={201: PostingDetailOut, **ERRORS},
    summary="Open a job (recruiters)",
)
def posting_create(request: HttpRequest, payload: PostingIn) -> Status[PostingDetailOut]:
    data = payload.dict()
    posting = services.posting_create(
        actor=api_user(request),
        station_id=data.pop("station"),
        township_id=data.pop("township"),
        **data,
    )
    return Status(201, _posting_detail(posting.pk, request))


def _posting_detail(posting_id: int, request: HttpRequest) -> PostingDetailOut:
    viewer = getattr(request, "auth", None)
    row = selectors.posting_get(posting_id=posting_id, user=viewer)
    card = selectors.posting_card(posting=row)
    return PostingDetailOut(
        **_posting_out(card),
        role_label=card.role_label,
        shifts=row.shifts,
        licence_class=row.licence_class,
        age_min=row.age_min,
        age_max=row.age_max,
        description=row.description,
        opens_on=row.opens_on,
        closes_on=row.closes_on,
    )


@router.get(
    "/postings/{posting_id}",
    auth=PUBLIC,
    response={200: PostingDetailOut, **ERRORS},
    summary="One job",
)
def posting_detail(request: HttpRequest, posting_id: Id) -> PostingDetailOut:
    return _posting_detail(posting_id, request)


@router.post(
    "/postings/{posting_id}/status",
    auth=ApiTokenAuth(),
    response={200: PostingDetailOut, **ERRORS},
    summary="Open or close a job (recruiters)",
)
def posting_status(
    request: HttpRequest, posting_id: Id, payload: PostingStatusIn
) -> PostingDetailOut:
    services.posting_status_set(
        actor=api_user(request), posting_id=posting_id, status=payload.status
    )
    return _posting_detail(posting_id, request)


@router.get(
    "/postings/{posting_id}/applications",
    auth=ApiTokenAuth(),
    response={200: list[ApplicationOut], **ERRORS},
    summary="A job's applications (recruiters, programme managers)",
)
def posting_applications(
    request: HttpRequest, posting_id: Id, filters: Query[StepFilterIn]
) -> list[ApplicationOut]:
    rows = selectors.pipeline_for_posting(
        user=api_user(request), posting_id=posting_id, status=filters.status
    )
    return [_application_out(row) for row in rows]


@router.post(
    "/applications",
    auth=ApiTokenAuth(),
    response={200: ApplicationOut, 201: ApplicationOut, **ERRORS},
    summary="Apply for a job (for yourself, or for someone as a recruiter or agent)",
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[ApplicationOut]:
    result = services.application_submit(
        actor=api_user(request),
        posting_id=payload.posting,
        name=payload.name,
        phone=payload.phone,
        village_id=payload.village,
        fair_id=payload.fair,
        id_number=payload.id_number,
        licence_class=payload.licence_class,
        consent=payload.consent,
        station_id=payload.station,
        idempotency_key=payload.idempotency_key,
    )
    status = 201 if result.created else 200
    return Status(status, _application_out(result.application, duplicate=not result.created))


# Declared before /applications/{application_id}: "move" is not an id.
@router.post(
    "/applications/move",
    auth=ApiTokenAuth(),
    response={200: BulkMoveOut, **ERRORS},
    summary="Move many applications to one step (recruiters)",
)
def applications_move(request: HttpRequest, payload: BulkMoveIn) -> BulkMoveOut:
    result = services.applications_move(
        actor=api_user(request),
        application_ids=payload.applications,
        to=payload.to,
        reason=payload.reason,
        interview_at=payload.interview_at,
    )
    return BulkMoveOut(moved=result.moved, refused={str(k): v for k, v in result.refused.items()})


@router.get(
    "/applications/{application_id}",
    auth=ApiTokenAuth(),
    response={200: ApplicationOut, **ERRORS},
    summary="One application (recruiters, or the person who applied)",
)
def application_detail(request: HttpRequest, application_id: Id) -> ApplicationOut:
    row = selectors.application_get(user=api_user(request), application_id=application_id)
    return _application_out(row)


@router.post(
    "/applications/{application_id}/move",
    auth=ApiTokenAuth(),
    response={200: ApplicationOut, **ERRORS},
    summary="Move an application a step (recruiters; the person may withdraw)",
)
def application_move(request: HttpRequest, application_id: Id, payload: MoveIn) -> ApplicationOut:
    row = services.application_move(
        actor=api_user(request),
        application_id=application_id,
        to=payload.to,
        reason=payload.reason,
        interview_at=payload.interview_at,
    )
    return _application_out(row)


@router.post(
    "/applications/{application_id}/hire",
    auth=ApiTokenAuth(),
    response={201: EmploymentOut, **ERRORS},
    summary="Hire a person who has an offer (recruiters)",
)
def application_hire(
    request: HttpRequest, application_id: Id, payload: HireIn
) -> Status[EmploymentOut]:
    employment = services.application_hire(
        actor=api_user(request),
        application_id=application_id,
        start_date=payload.start_date,
        monthly_wage=payload.monthly_wage,
        station_id=payload.station,
        reason=payload.reason,
    )
    return Status(
        201,
        EmploymentOut(
            id=employment.pk,
            application=employment.application_id,
            user=employment.user_id,
            start_date=employment.start_date,
            station=employment.station_id,
            monthly_wage=employment.monthly_wage,
        ),
    )


def _fair_out(fair_id: int) -> FairOut:
    fair = selectors.fair_get(fair_id=fair_id)
    return FairOut(
        id=fair.pk,
        name=fair.name,
        day=fair.day,
        place=fair.place,
        township=fair.township.name,
        postings=[p.pk for p in selectors.fair_postings(fair_id=fair.pk)],
    )


@router.get(
    "/fairs",
    auth=ApiTokenAuth(),
    response={200: list[FairOut], **ERRORS},
    summary="Career fairs (recruiters, programme managers)",
)
def fairs_index(request: HttpRequest) -> list[FairOut]:
    return [_fair_out(fair.pk) for fair in selectors.fairs_list(user=api_user(request))[:100]]


@router.post(
    "/fairs", auth=ApiTokenAuth(), response={201: FairOut, **ERRORS}, summary="Plan a fair"
)
def fair_create(request: HttpRequest, payload: FairIn) -> Status[FairOut]:
    fair = services.fair_create(
        actor=api_user(request),
        name=payload.name,
        day=payload.day,
        place=payload.place,
        township_id=payload.township,
        posting_ids=payload.postings,
    )
    return Status(201, _fair_out(fair.pk))


@router.get(
    "/fairs/{fair_id}/report",
    auth=ApiTokenAuth(),
    response={200: FairReportOut, **ERRORS},
    summary="A fair's applications by role, township and household status",
)
def fair_report(request: HttpRequest, fair_id: Id) -> FairReportOut:
    report = selectors.fair_report(user=api_user(request), fair_id=fair_id)
    return FairReportOut(
        fair=report.fair_id,
        total=report.total,
        registrations=report.registrations,
        walk_ins=report.walk_ins,
        by_role=report.by_role,
        by_township=report.by_township,
        by_household=report.by_household,
    )


@router.get(
    "/headcount",
    auth=PUBLIC,
    response={200: HeadcountOut, **ERRORS},
    summary="People hired against the county's target, by role",
)
def headcount(request: HttpRequest) -> HeadcountOut:
    return HeadcountOut(**selectors.headcount())
