"""The training API under /api/v1/training/: courses and my progress, reading lessons, quiz
attempts, sessions and registrations, my certificates and the public certificate check.

Errors answer `{"code", "message"}` (see xiangcun.api): course_not_found, session_not_found,
certificate_not_found, attempt_not_found, registration_not_found 404; permission_denied 403;
no_quiz, attempt_closed, session_closed 409; invalid_answer 400; invalid_input 422.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user, api_viewer
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.training import selectors, services
from xiangcun.training.models import Course, QuizAttempt, Registration

router = Router()


def _anonymous(request: HttpRequest) -> AnonymousUser:
    return AnonymousUser()


PUBLIC = [ApiTokenAuth(), _anonymous]
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class ProgressOut(Schema):
    lessons_total: int
    lessons_read: int
    quiz_passed: bool
    best_score: int | None
    session_required: bool
    session_attended: bool
    complete: bool
    certificate: str | None


class CourseOut(Schema):
    id: int
    slug: str
    area: str
    title: str
    summary: str
    pass_mark: int
    requires_session: bool
    lessons: int


class CourseListOut(Schema):
    items: list[CourseOut]
    count: int


class LessonOut(Schema):
    id: int
    title: str
    paragraphs: list[str]
    picture_url: str | None
    video_url: str | None
    read: bool


class CourseDetailOut(CourseOut):
    lesson_items: list[LessonOut]
    progress: ProgressOut | None


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    options: list[OptionOut]


class AttemptOut(Schema):
    id: int
    course: int
    questions: list[QuestionOut]
    score: int | None
    passed: bool
    certificate: str | None


class AnswersIn(Schema):
    answers: dict[Id, Id]


class SessionOut(Schema):
    id: int
    course: int
    course_title: str
    station: str
    starts_at: datetime.datetime
    capacity: int
    taken: int
    waiting: int


class RegistrationOut(Schema):
    id: int
    session: int
    status: str
    attended: bool


class CertificateOut(Schema):
    valid: bool
    course: str
    holder_masked: str
    issued_on: datetime.date


class MyCertificateOut(Schema):
    code: str
    course: str
    issued_on: datetime.date
    revoked: bool


def _progress(request: HttpRequest, course: Course) -> ProgressOut | None:
    user = api_viewer(request)
    if not user.is_authenticated:
        return None
    p = selectors.course_progress(learner=user, course=course)
    return ProgressOut(
        lessons_total=p.lessons_total,
        lessons_read=p.lessons_read,
        quiz_passed=p.quiz_passed,
        best_score=p.best_score,
        session_required=p.session_required,
        session_attended=p.session_attended,
        complete=p.complete,
        certificate=p.certificate_code,
    )


def _course(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk,
        "slug": course.slug,
        "area": course.area,
        "title": course.title,
        "summary": course.summary,
        "pass_mark": course.pass_mark,
        "requires_session": course.requires_session,
        "lessons": getattr(course, "lesson_count", 0),
    }


@router.get("/courses", auth=PUBLIC, response={200: CourseListOut, **ERRORS}, summary="Courses")
def courses_index(request: HttpRequest) -> CourseListOut:
    rows = list(selectors.courses_list(for_user=api_viewer(request)))
    return CourseListOut(items=[CourseOut(**_course(c)) for c in rows], count=len(rows))


@router.get(
    "/courses/{course_id}",
    auth=PUBLIC,
    response={200: CourseDetailOut, **ERRORS},
    summary="A course, its lessons and my progress",
)
def course_detail(request: HttpRequest, course_id: Id) -> CourseDetailOut:
    course = selectors.course_get(course_id=course_id, for_user=api_viewer(request))
    progress = _progress(request, course)
    read: frozenset[int] = frozenset()
    user = api_viewer(request)
    if user.is_authenticated:
        read = selectors.course_progress(learner=user, course=course).read_lesson_ids
    lessons = [
        LessonOut(
            id=lesson.pk,
            title=lesson.title,
            paragraphs=lesson.paragraphs,
            picture_url=lesson.picture.url if lesson.picture else None,
            video_url=lesson.video.url if lesson.video else None,
            read=lesson.pk in read,
        )
        for lesson in course.lessons.all()
    ]
    return CourseDetailOut(**_course(course), lesson_items=lessons, progress=progress)


@router.post(
    "/lessons/{lesson_id}/read",
    auth=ApiTokenAuth(),
    response={200: ProgressOut, **ERRORS},
    summary="Mark a lesson read",
)
def lesson_read(request: HttpRequest, lesson_id: Id) -> ProgressOut | None:
    user = api_user(request)
    services.lesson_mark_read(learner=user, lesson_id=lesson_id)
    lesson = selectors.lesson_get(lesson_id=lesson_id, for_user=user)
    return _progress(request, lesson.course)


def _attempt(attempt: QuizAttempt, *, user: Any) -> AttemptOut:
    questions = {q.pk: q for q in attempt.course.questions.prefetch_related("options")}
    shown = [questions[int(pk)] for pk in attempt.question_order if int(pk) in questions]
    progress = selectors.course_progress(learner=user, course=attempt.course)
    return AttemptOut(
        id=attempt.pk,
        course=attempt.course_id,
        questions=[
            QuestionOut(
                id=q.pk,
                text=q.text,
                options=[OptionOut(id=o.pk, text=o.text) for o in q.options.all()],
            )
            for q in shown
        ],
        score=attempt.score,
        passed=attempt.passed,
        certificate=progress.certificate_code,
    )


@router.post(
    "/courses/{course_id}/attempts",
    auth=ApiTokenAuth(),
    response={201: AttemptOut, **ERRORS},
    summary="Start a quiz attempt (questions in a new order)",
)
def attempt_start(request: HttpRequest, course_id: Id) -> Status[AttemptOut]:
    user = api_user(request)
    attempt = services.quiz_attempt_start(learner=user, course_id=course_id)
    return Status(201, _attempt(attempt, user=user))


@router.post(
    "/attempts/{attempt_id}",
    auth=ApiTokenAuth(),
    response={200: AttemptOut, **ERRORS},
    summary="Hand in a quiz attempt",
)
def attempt_submit(request: HttpRequest, attempt_id: Id, payload: AnswersIn) -> AttemptOut:
    user = api_user(request)
    attempt = services.quiz_attempt_submit(
        learner=user, attempt_id=attempt_id, answers=payload.answers
    )
    return _attempt(attempt, user=user)


@router.get(
    "/sessions", auth=PUBLIC, response={200: list[SessionOut], **ERRORS}, summary="Sessions"
)
def sessions_index(request: HttpRequest) -> list[SessionOut]:
    return [
        SessionOut(
            id=s.pk,
            course=s.course_id,
            course_title=s.course.title,
            station=s.station.name,
            starts_at=s.starts_at,
            capacity=s.capacity,
            taken=getattr(s, "taken", 0),
            waiting=getattr(s, "waiting", 0),
        )
        for s in selectors.sessions_upcoming()[:200]
    ]


def _registration(row: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=row.pk, session=row.session_id, status=row.status, attended=row.attended
    )


@router.post(
    "/sessions/{session_id}/registrations",
    auth=ApiTokenAuth(),
    response={200: RegistrationOut, **ERRORS},
    summary="Register for a session (or join its waiting list)",
)
def session_register(request: HttpRequest, session_id: Id) -> RegistrationOut:
    row = services.session_register(learner=api_user(request), session_id=session_id)
    return _registration(row)


@router.post(
    "/registrations/{registration_id}/cancel",
    auth=ApiTokenAuth(),
    response={200: RegistrationOut, **ERRORS},
    summary="Cancel a registration",
)
def registration_cancel(request: HttpRequest, registration_id: Id) -> RegistrationOut:
    row = services.registration_cancel(actor=api_user(request), registration_id=registration_id)
    return _registration(row)


@router.get(
    "/certificates",
    auth=ApiTokenAuth(),
    response={200: list[MyCertificateOut], **ERRORS},
    summary="My certificates",
)
def certificates_mine(request: HttpRequest) -> list[MyCertificateOut]:
    return [
        MyCertificateOut(
            code=c.code, course=c.course.title, issued_on=c.issued_on, revoked=c.revoked
        )
        for c in selectors.certificates_of(holder=api_user(request))
    ]


@router.get(
    "/certificates/{code}",
    auth=PUBLIC,
    response={200: CertificateOut, **ERRORS},
    summary="Check a certificate (public)",
)
def certificate_check(request: HttpRequest, code: Text) -> CertificateOut:
    check = selectors.certificate_verify(code=code)
    return CertificateOut(
        valid=check.valid,
        course=check.course,
        holder_masked=check.holder_masked,
        issued_on=check.issued_on,
    )
