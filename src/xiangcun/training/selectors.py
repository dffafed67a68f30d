"""Reads of the training app: courses, a learner's progress, sessions, certificates and the
trainers' results by township. Other apps ask `food_safety_certified` (the fresh-food policy)
and `completions_count` (impact figures, credit assessment)."""

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.training.errors import (
    CertificateNotFoundError,
    CourseNotFoundError,
    SessionNotFoundError,
    TrainingPermissionDeniedError,
)
from xiangcun.training.models import (
    Certificate,
    Course,
    Lesson,
    LessonRead,
    QuizAttempt,
    Registration,
    TrainingSession,
)
from xiangcun.training.types import (
    FOOD_SAFETY_COURSE_SLUG,
    CertificateCheck,
    CertificateFact,
    CourseProgress,
    TownshipResult,
)

TRAINING_STAFF = frozenset({Role.TRAINER, Role.ADMIN})


def training_can_manage(*, user: AnyUser) -> bool:
    """Trainers (and the administrator) run courses, sessions and attendance."""
    return bool(user.is_authenticated and user.is_active and user_roles(user=user) & TRAINING_STAFF)


def training_require_manager(*, user: AnyUser) -> None:
    if not training_can_manage(user=user):
        raise TrainingPermissionDeniedError


def courses_list(*, for_user: AnyUser | None = None) -> QuerySet[Course]:
    """Published courses (trainers see drafts too), with how many lessons each has."""
    rows = Course.objects.annotate(lesson_count=Count("lessons", distinct=True))
    if for_user is None or not training_can_manage(user=for_user):
        rows = rows.filter(is_published=True)
    return rows.order_by("area", "id")


def course_get(*, course_id: int, for_user: AnyUser | None = None) -> Course:
    """A course with its lessons prefetched; a draft only for trainers."""
    course = (
        courses_list(for_user=for_user).prefetch_related("lessons").filter(pk=course_id).first()
    )
    if course is None:
        raise CourseNotFoundError
    return course


def lesson_get(*, lesson_id: int, for_user: AnyUser | None = None) -> Lesson:
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None:
        raise CourseNotFoundError
    course_get(course_id=lesson.course_id, for_user=for_user)
    return lesson


def _attended(*, learner: AnyUser, course: Course) -> bool:
    return Registration.objects.filter(
        Q(learner_id=learner.pk) | Q(phone=getattr(learner, "phone", "") or "-"),
        session__course=course,
        attended=True,
    ).exists()


def course_progress(*, learner: AnyUser, course: Course) -> CourseProgress:
    """How far a learner is with a course; nothing done for a visitor."""
    lesson_ids = set(Lesson.objects.filter(course=course).values_list("pk", flat=True))
    has_quiz = course.questions.exists()
    if not learner.is_authenticated:
        read: set[int] = set()
        scores: list[int] = []
        attended = False
        code = None
    else:
        read = set(
            LessonRead.objects.filter(learner_id=learner.pk, lesson__course=course).values_list(
                "lesson_id", flat=True
            )
        )
        scores = [
            score
            for score in QuizAttempt.objects.filter(
                learner_id=learner.pk, course=course, submitted_at__isnull=False
            ).values_list("score", flat=True)
            if score is not None
        ]
        attended = course.requires_session and _attended(learner=learner, course=course)
        code = (
            Certificate.objects.filter(holder_id=learner.pk, course=course)
            .values_list("code", flat=True)
            .first()
        )
    best = max(scores) if scores else None
    return CourseProgress(
        lessons_total=len(lesson_ids),
        lessons_read=len(read & lesson_ids),
        read_lesson_ids=frozenset(read),
        has_quiz=has_quiz,
        quiz_passed=best is not None and best >= course.pass_mark,
        best_score=best,
        session_required=course.requires_session,
        session_attended=attended,
        certificate_code=code,
    )


def attempts_of(*, learner: AnyUser, course: Course) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(
        learner_id=learner.pk, course=course, submitted_at__isnull=False
    )


# --- Certificates ------------------------------------------------------------------------------


def name_mask(name: str) -> str:
    """王** for 王小明, J*** for John: enough for someone who knows the holder, not more."""
    name = (name or "").strip()
    if not name:
        return "***"
    stars = "***" if name.isascii() else "*" * max(1, len(name) - 1)
    return name[0] + stars


def _certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code (any case), or None; text no certificate can have (a NUL,
    a page of text) never reaches the database."""
    cleaned = (code or "").strip().upper()
    if not (0 < len(cleaned) <= 16 and cleaned.isalnum() and cleaned.isascii()):
        return None
    return Certificate.objects.select_related("course", "holder").filter(code=cleaned).first()


def certificate_verify(*, code: str) -> CertificateCheck:
    """The public check of a code; CertificateNotFoundError when no certificate has it."""
    row = _certificate_by_code(code)
    if row is None:
        raise CertificateNotFoundError
    return CertificateCheck(
        code=row.code,
        valid=not row.revoked,
        revoked=row.revoked,
        course=row.course.title,
        holder_masked=name_mask(row.holder.name),
        issued_on=row.issued_on,
    )


def certificates_of(*, holder: AnyUser) -> QuerySet[Certificate]:
    return Certificate.objects.select_related("course").filter(holder_id=holder.pk)


def certificate_for_download(*, actor: AnyUser, code: str) -> Certificate:
    """The holder's own certificate, or any for trainers; others are told it does not exist."""
    row = _certificate_by_code(code)
    if row is None or not actor.is_authenticated:
        raise CertificateNotFoundError
    if row.holder_id != actor.pk and not training_can_manage(user=actor):
        raise CertificateNotFoundError
    return row


def food_safety_certified(*, user: AnyUser) -> bool:
    """Whether the user holds a valid certificate of the food-safety traceability course (the
    rule for listing fresh food)."""
    if not user.is_authenticated:
        return False
    return Certificate.objects.filter(
        holder_id=user.pk, course__slug=FOOD_SAFETY_COURSE_SLUG, revoked=False
    ).exists()


def food_safety_course_id() -> int | None:
    """The published food-safety traceability course, if there is one."""
    return (
        Course.objects.filter(slug=FOOD_SAFETY_COURSE_SLUG, is_published=True)
        .values_list("pk", flat=True)
        .first()
    )


def completions_count(*, course_area: str | None = None) -> int:
    """Valid certificates issued (of one area, if given)."""
    rows = Certificate.objects.filter(revoked=False)
    if course_area:
        rows = rows.filter(course__area=course_area)
    return rows.count()


# --- Sessions -----------------------------------------------------------------------------------


def sessions_upcoming(*, course_id: int | None = None) -> QuerySet[TrainingSession]:
    """Scheduled sessions not yet started, with seats taken and people waiting."""
    rows = (
        TrainingSession.objects.select_related("course", "station")
        .filter(status=TrainingSession.Status.SCHEDULED, starts_at__gte=timezone.now())
        .annotate(
            taken=Count("registrations", filter=Q(registrations__status="registered")),
            waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        )
    )
    if course_id is not None:
        rows = rows.filter(course_id=course_id)
    return rows.order_by("starts_at", "id")


def session_get(*, session_id: int) -> TrainingSession:
    row = TrainingSession.objects.select_related("course", "station").filter(pk=session_id).first()
    if row is None:
        raise SessionNotFoundError
    return row


def session_can_run(*, user: AnyUser, session: TrainingSession) -> bool:
    """The session's own trainer, or the administrator."""
    if not training_can_manage(user=user):
        return False
    return session.trainer_id == user.pk or Role.ADMIN in user_roles(user=user)


def sessions_run_by(*, trainer: AnyUser) -> QuerySet[TrainingSession]:
    training_require_manager(user=trainer)
    rows = TrainingSession.objects.select_related("course", "station").annotate(
        taken=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        present=Count("registrations", filter=Q(registrations__attended=True)),
    )
    if Role.ADMIN not in user_roles(user=trainer):
        rows = rows.filter(trainer_id=trainer.pk)
    return rows.order_by("-starts_at", "-id")


def session_sheet(*, actor: AnyUser, session_id: int) -> tuple[TrainingSession, list[Registration]]:
    """A session and its people for the attendance sheet: only for the session's trainer."""
    session = session_get(session_id=session_id)
    if not session_can_run(user=actor, session=session):
        raise SessionNotFoundError
    rows = list(session.registrations.exclude(status=Registration.Status.CANCELLED))
    return session, rows


def registrations_of(*, learner: AnyUser) -> QuerySet[Registration]:
    return (
        Registration.objects.select_related("session__course", "session__station")
        .filter(learner_id=learner.pk)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("session__starts_at")
    )


# --- Results -------------------------------------------------------------------------------------

_TOWNSHIP = "learner__resident_profile__village__township__name"


def results_by_township(*, actor: AnyUser) -> list[TownshipResult]:
    """Per township of the learner's home village (people without a resident profile under ""):
    learners who handed in a quiz, quizzes passed, certificates. Three queries."""
    training_require_manager(user=actor)
    attempts = QuizAttempt.objects.filter(submitted_at__isnull=False)
    learners = dict(
        attempts.values_list(_TOWNSHIP).annotate(n=Count("learner", distinct=True)).order_by()
    )
    passed = dict(
        attempts.filter(passed=True)
        .values_list(_TOWNSHIP)
        .annotate(n=Count("learner", distinct=True))
        .order_by()
    )
    certificates = dict(
        Certificate.objects.filter(revoked=False)
        .values_list("holder__resident_profile__village__township__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = sorted(set(learners) | set(certificates), key=lambda name: (name is None, name or ""))
    return [
        TownshipResult(
            township=name or "",
            learners=learners.get(name, 0),
            quizzes_passed=passed.get(name, 0),
            certificates=certificates.get(name, 0),
        )
        for name in names
    ]


# --- For the programme's figures (impact) ---------------------------------------------------


def certificates_issued_on(*, day: datetime.date) -> list[CertificateFact]:
    """Certificates issued on `day` and not revoked, with their course's area; one query."""
    rows = (
        Certificate.objects.filter(issued_on=day, revoked=False)
        .order_by("id")
        .values_list("id", "holder_id", "course__area", "issued_on")
    )
    return [CertificateFact(*row) for row in rows]


def certificates_first_day() -> datetime.date | None:
    """The day the first certificate was issued (None when there is none)."""
    first: datetime.date | None = Certificate.objects.aggregate(first=Min("issued_on"))["first"]
    return first


def certificate_days_changed(*, since: datetime.datetime) -> set[datetime.date]:
    """The issue days of certificates issued, revoked or otherwise changed since `since`."""
    return set(
        Certificate.objects.filter(updated_at__gte=since)
        .values_list("issued_on", flat=True)
        .distinct()
    )
