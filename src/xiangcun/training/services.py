"""Every write of the training app: reading lessons, quiz attempts, sessions with their waiting
list and attendance sheet, certificates and their revocation.

Seats are counted under a lock on the session row (`select_for_update`), so two people cannot
both take the last seat, and a cancellation promotes exactly one person from the waiting list.
A course is complete when every lesson is read, the quiz passed and (when the course asks for
it) a session attended; the step that completes it issues the certificate.
"""

import datetime
import random
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.selectors import user_by_phone
from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError, PermissionDeniedError
from xiangcun.core.validators import ids_storable, int_check, mobile_normalize, text_field
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import station_get
from xiangcun.training.errors import (
    AttemptClosedError,
    AttemptNotFoundError,
    CertificateNotFoundError,
    InvalidAnswerError,
    InvalidSessionError,
    NoQuizError,
    RegistrationNotFoundError,
    SessionClosedError,
    SessionNotFoundError,
    TrainingPermissionDeniedError,
)
from xiangcun.training.models import (
    Certificate,
    Course,
    LessonRead,
    Option,
    QuizAttempt,
    Registration,
    TrainingSession,
)
from xiangcun.training.selectors import (
    course_get,
    course_progress,
    lesson_get,
    session_can_run,
    training_require_manager,
)
from xiangcun.training.types import AttendanceOutcome

SESSION_REMINDER_SMS = "training_session_reminder"
SEAT_FREED_SMS = "training_seat_freed"
CAPACITY_MAX = 500
KEY_MAX_LENGTH = 64
# No 0/O or 1/I: the code is read off paper and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

_shuffle = random.SystemRandom()


def _require_learner(learner: AnyUser) -> None:
    if not learner.is_authenticated or not learner.is_active:
        raise PermissionDeniedError


def _user_id(user: AnyUser) -> int:
    """The signed-in user's id (callers checked they are signed in)."""
    if user.pk is None:
        raise PermissionDeniedError
    return int(user.pk)


# --- Completion and certificates ----------------------------------------------------------------


def certificate_code_new() -> str:
    """A fresh random certificate code (unique by the column; callers retry on a clash)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def completion_check(*, learner: AnyUser, course: Course) -> Certificate | None:
    """Issue the certificate when the course is complete and none exists yet (idempotent; a
    revoked certificate is not issued again by this)."""
    progress = course_progress(learner=learner, course=course)
    if progress.certificate_code is not None or not progress.complete:
        return None
    if progress.lessons_total == 0 and not progress.has_quiz:
        return None  # an empty course certifies nothing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=certificate_code_new(),
                    holder_id=_user_id(learner),
                    course=course,
                    issued_on=timezone.localdate(),
                )
        except IntegrityError:
            # Either the code was taken (try another) or a racing step issued it already.
            if Certificate.objects.filter(holder_id=learner.pk, course=course).exists():
                return None
    raise RuntimeError("no free certificate code after five tries")


@transaction.atomic
def certificate_revoke(*, actor: AnyUser, code: str, reason: str) -> Certificate:
    """Withdraw a certificate (trainers): the public page then says it is revoked and why not."""
    training_require_manager(user=actor)
    reason = text_field(reason, field="reason", max_length=200)
    code = text_field(code, field="code", max_length=16, error=CertificateNotFoundError).upper()
    row = Certificate.objects.select_for_update().filter(code=code).first()
    if row is None:
        raise CertificateNotFoundError
    row.revoked = True
    row.revoked_reason = reason
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked", "revoked_reason", "revoked_at", "updated_at"])
    return row


# --- Lessons and quizzes ------------------------------------------------------------------------


@transaction.atomic
def lesson_mark_read(*, learner: AnyUser, lesson_id: int) -> Certificate | None:
    """The learner has read a lesson (again is fine); returns a certificate this completed."""
    _require_learner(learner)
    lesson = lesson_get(lesson_id=lesson_id, for_user=learner)
    LessonRead.objects.get_or_create(learner_id=learner.pk, lesson=lesson)
    return completion_check(learner=learner, course=lesson.course)


@transaction.atomic
def quiz_attempt_start(*, learner: AnyUser, course_id: int) -> QuizAttempt:
    """A new attempt with the course's questions in a fresh random order (kept, so the page
    and the scoring agree on what was shown)."""
    _require_learner(learner)
    course = course_get(course_id=course_id, for_user=learner)
    order = list(course.questions.values_list("pk", flat=True))
    if not order:
        raise NoQuizError
    _shuffle.shuffle(order)
    return QuizAttempt.objects.create(
        course=course, learner_id=_user_id(learner), question_order=order
    )


def _chosen(answers: Mapping[Any, Any], question_ids: list[int]) -> dict[int, int]:
    by_question: dict[int, int] = {}
    for key, value in answers.items():
        try:
            question_id, option_id = int(key), int(value)
        except (TypeError, ValueError):
            raise InvalidAnswerError(field="answers") from None
        # Ids a primary key can hold: a larger number would fail in the database, not here.
        if len(ids_storable([question_id, option_id])) != 2:
            raise InvalidAnswerError(field="answers")
        by_question[question_id] = option_id
    if set(by_question) != set(question_ids):
        raise InvalidAnswerError(field="answers")
    return by_question


@transaction.atomic
def quiz_attempt_submit(
    *, learner: AnyUser, attempt_id: int, answers: Mapping[Any, Any]
) -> QuizAttempt:
    """Score an attempt: every question shown answered with one of its options. The score is the
    percent of correct answers, rounded down; passed when it reaches the course's pass mark."""
    _require_learner(learner)
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("course")
        .filter(pk=attempt_id, learner_id=learner.pk)
        .first()
    )
    if attempt is None:
        raise AttemptNotFoundError
    if attempt.submitted_at is not None:
        raise AttemptClosedError
    question_ids = [int(pk) for pk in attempt.question_order]
    chosen = _chosen(answers, question_ids)
    options = {
        row.pk: row
        for row in Option.objects.filter(question_id__in=question_ids, pk__in=chosen.values())
    }
    correct = 0
    for question_id, option_id in chosen.items():
        option = options.get(option_id)
        if option is None or option.question_id != question_id:
            raise InvalidAnswerError(field="answers")
        correct += option.is_correct
    attempt.answers = {str(key): value for key, value in chosen.items()}
    attempt.score = correct * 100 // len(question_ids)
    attempt.passed = attempt.score >= attempt.course.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["answers", "score", "passed", "submitted_at", "updated_at"])
    if attempt.passed:
        completion_check(learner=learner, course=attempt.course)
    return attempt


# --- Sessions ----------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    trainer: AnyUser,
    course_id: int,
    station_id: int,
    starts_at: datetime.datetime,
    capacity: int,
) -> TrainingSession:
    """A session at a service centre, run by the trainer who creates it."""
    training_require_manager(user=trainer)
    course = course_get(course_id=course_id, for_user=trainer)
    try:
        station = station_get(station_id=station_id)
    except StationNotFoundError:
        raise InvalidSessionError(field="station") from None
    if station.kind != "service_centre":
        raise InvalidSessionError(field="station")
    if timezone.is_naive(starts_at) or starts_at <= timezone.now():
        raise InvalidSessionError(field="starts_at")
    try:
        int_check(capacity, field="capacity", minimum=1, maximum=CAPACITY_MAX)
    except InvalidInputError:
        raise InvalidSessionError(field="capacity") from None
    return TrainingSession.objects.create(
        course=course,
        station_id=station.id,
        trainer_id=_user_id(trainer),
        starts_at=starts_at,
        capacity=capacity,
    )


def _session_locked(session_id: int) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise SessionNotFoundError
    return session


def _seats_taken(session: TrainingSession) -> int:
    return session.registrations.filter(status=Registration.Status.REGISTERED).count()


@transaction.atomic
def session_register(*, learner: AnyUser, session_id: int) -> Registration:
    """Take a seat, or a place on the waiting list when the session is full. Registering twice
    returns the same registration."""
    _require_learner(learner)
    session = _session_locked(session_id)
    if session.status != TrainingSession.Status.SCHEDULED or session.starts_at <= timezone.now():
        raise SessionClosedError
    phone = str(getattr(learner, "phone", ""))
    row = Registration.objects.filter(session=session, phone=phone).first()
    if row is not None and row.status != Registration.Status.CANCELLED:
        return row
    full = _seats_taken(session) >= session.capacity
    status = Registration.Status.WAITING if full else Registration.Status.REGISTERED
    if row is None:
        row = Registration(session=session, phone=phone)
    row.learner_id = learner.pk
    row.name = str(getattr(learner, "name", ""))[:64]
    row.status = status
    # A re-registration queues behind those already waiting.
    row.created_at = timezone.now()
    row.save()
    return row


def _promote_first_waiting(session: TrainingSession) -> None:
    waiting = (
        Registration.objects.select_for_update()
        .filter(session=session, status=Registration.Status.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None or _seats_taken(session) >= session.capacity:
        return
    waiting.status = Registration.Status.REGISTERED
    waiting.save(update_fields=["status", "updated_at"])
    sms_queue(phone=waiting.phone, kind=SEAT_FREED_SMS, params={"registration_id": waiting.pk})


@transaction.atomic
def registration_cancel(*, actor: AnyUser, registration_id: int) -> Registration:
    """The learner (or the session's trainer) cancels; a freed seat goes to the first waiting."""
    _require_learner(actor)
    session_id = (
        Registration.objects.filter(pk=registration_id).values_list("session_id", flat=True).first()
    )
    if session_id is None:
        raise RegistrationNotFoundError
    # Lock order: the session, then its registrations (as session_register does).
    session = _session_locked(session_id)
    row = Registration.objects.select_for_update().get(pk=registration_id)
    if row.learner_id != actor.pk and not session_can_run(user=actor, session=session):
        raise RegistrationNotFoundError
    if row.status == Registration.Status.CANCELLED:
        return row
    was_seated = row.status == Registration.Status.REGISTERED
    row.status = Registration.Status.CANCELLED
    row.save(update_fields=["status", "updated_at"])
    if was_seated:
        _promote_first_waiting(session)
    return row


def _key(value: str | None) -> str | None:
    key = text_field(
        value or "", field="idempotency_key", max_length=KEY_MAX_LENGTH, required=False
    )
    return key or None


@transaction.atomic
def attendance_record(
    *,
    trainer: AnyUser,
    session_id: int,
    phone: str,
    name: str = "",
    idempotency_key: str | None = None,
) -> AttendanceOutcome:
    """Tick a person present on the sheet. The same entry sent again (same key) or the same
    person entered twice (same phone) finds the one row: `duplicate` is then True and nothing
    is counted twice. Someone not registered is added as present (a walk-in)."""
    key = _key(idempotency_key)
    session = _session_locked(session_id)
    if not session_can_run(user=trainer, session=session):
        raise TrainingPermissionDeniedError
    if session.status != TrainingSession.Status.SCHEDULED:
        raise SessionClosedError
    if key is not None:
        seen = Registration.objects.filter(session=session, attendance_key=key).first()
        if seen is not None:
            return AttendanceOutcome(seen.pk, seen.status, duplicate=True)
    phone = mobile_normalize(phone)
    name = text_field(name, field="name", max_length=64, required=False)
    row = Registration.objects.select_for_update().filter(session=session, phone=phone).first()
    if row is not None and row.attended:
        return AttendanceOutcome(row.pk, row.status, duplicate=True)
    if row is None:
        person = user_by_phone(phone=phone)
        row = Registration(session=session, phone=phone, learner=person)
    row.name = row.name or name
    row.status = Registration.Status.REGISTERED
    row.attended = True
    row.attended_at = timezone.now()
    row.attendance_key = key
    row.save()
    if row.learner is not None:
        completion_check(learner=row.learner, course=session.course)
    return AttendanceOutcome(row.pk, row.status, duplicate=False)


# --- Reminders -------------------------------------------------------------------------------


@transaction.atomic
def session_reminders_queue(*, today: datetime.date | None = None) -> int:
    """Text everyone with a seat in a session that starts tomorrow (local time), once each."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    rows = Registration.objects.select_for_update().filter(
        status=Registration.Status.REGISTERED,
        reminded_at__isnull=True,
        session__status=TrainingSession.Status.SCHEDULED,
        session__starts_at__date=tomorrow,
    )
    count = 0
    for row in rows:
        sms_queue(phone=row.phone, kind=SESSION_REMINDER_SMS, params={"registration_id": row.pk})
        row.reminded_at = timezone.now()
        row.save(update_fields=["reminded_at", "updated_at"])
        count += 1
    return count


def _sms_registration(phone: str, params: Mapping[str, Any]) -> Registration | None:
    row = (
        Registration.objects.select_related("session__course", "session__station")
        .filter(pk=int(params["registration_id"]), phone=phone)
        .first()
    )
    if row is None or row.status != Registration.Status.REGISTERED:
        return None
    if row.session.status != TrainingSession.Status.SCHEDULED:
        return None
    return row


def _when(row: Registration) -> str:
    return timezone.localtime(row.session.starts_at).strftime("%m-%d %H:%M")


def session_reminder_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The reminder text, written at send time; None once the seat is cancelled."""
    row = _sms_registration(phone, params)
    if row is None:
        return None
    return gettext("Xiangcun training: “%(course)s” tomorrow %(when)s at %(place)s.") % {
        "course": row.session.course.title,
        "when": _when(row),
        "place": row.session.station.name,
    }


def seat_freed_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The text to someone moved from the waiting list to a seat."""
    row = _sms_registration(phone, params)
    if row is None:
        return None
    return gettext("Xiangcun training: a seat is yours at “%(course)s”, %(when)s, %(place)s.") % {
        "course": row.session.course.title,
        "when": _when(row),
        "place": row.session.station.name,
    }


# --- Demo -----------------------------------------------------------------------------------


def training_demo_load(*, sellers: Any = ()) -> dict[str, int]:
    """The demo courses, a class and the demo shops' certificates (see training.demo)."""
    # Imported here: the demo module uses this one's code maker.
    from xiangcun.training.demo import training_demo_load as load

    return load(sellers=sellers)
