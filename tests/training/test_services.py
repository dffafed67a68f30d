"""Training rules through the services: completion, quiz scoring with shuffled questions, the
waiting list, the attendance sheet, certificates and their public check."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.regions.factories import StationFactory
from tests.training.factories import answers_for, course_with_quiz
from xiangcun.accounts.models import User
from xiangcun.core.errors import PermissionDeniedError
from xiangcun.training import selectors, services
from xiangcun.training.errors import (
    AttemptClosedError,
    AttemptNotFoundError,
    CertificateNotFoundError,
    InvalidAnswerError,
    InvalidSessionError,
    RegistrationNotFoundError,
    TrainingPermissionDeniedError,
)
from xiangcun.training.models import Certificate, Course, Registration, TrainingSession


def _read_all(learner: User, course: Course) -> None:
    for lesson in course.lessons.all():
        services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)


def _pass_quiz(learner: User, course: Course, correct: int = 5) -> Any:
    attempt = services.quiz_attempt_start(learner=learner, course_id=course.pk)
    return services.quiz_attempt_submit(
        learner=learner, attempt_id=attempt.pk, answers=answers_for(course, correct=correct)
    )


def test_reading_every_lesson_and_passing_the_quiz_issues_one_certificate(
    learner: User, course: Course
) -> None:
    _read_all(learner, course)
    assert not Certificate.objects.exists()
    _pass_quiz(learner, course)
    _pass_quiz(learner, course)
    certificate = Certificate.objects.get()
    assert certificate.holder == learner
    assert selectors.course_progress(learner=learner, course=course).complete


def test_passing_the_quiz_without_reading_the_lessons_issues_nothing(
    learner: User, course: Course
) -> None:
    _pass_quiz(learner, course)
    assert not Certificate.objects.exists()
    _read_all(learner, course)  # the last lesson read completes the course
    assert Certificate.objects.filter(holder=learner).count() == 1


def test_a_course_that_requires_a_session_waits_for_attendance(
    learner: User, trainer: User, session: TrainingSession
) -> None:
    course = session.course
    course.requires_session = True
    course.save()
    _read_all(learner, course)
    _pass_quiz(learner, course)
    assert not Certificate.objects.exists()
    services.attendance_record(trainer=trainer, session_id=session.pk, phone=learner.phone)
    assert Certificate.objects.filter(holder=learner, course=course).count() == 1


def test_score_is_percent_correct_rounded_down_and_pass_mark_decides(
    learner: User, course: Course
) -> None:
    failed = _pass_quiz(learner, course, correct=2)
    assert (failed.score, failed.passed) == (40, False)
    passed = _pass_quiz(learner, course, correct=3)
    assert (passed.score, passed.passed) == (60, True)
    assert selectors.course_progress(learner=learner, course=course).best_score == 60


def test_questions_are_shuffled_per_attempt_and_the_order_is_kept(learner: User, db: None) -> None:
    course = course_with_quiz(questions=8)
    ids = set(course.questions.values_list("pk", flat=True))
    orders = {
        tuple(services.quiz_attempt_start(learner=learner, course_id=course.pk).question_order)
        for _ in range(20)
    }
    assert all(set(order) == ids for order in orders)
    assert len(orders) > 1


def test_a_missing_or_foreign_answer_is_refused(learner: User, course: Course) -> None:
    other = course_with_quiz(questions=5)
    attempt = services.quiz_attempt_start(learner=learner, course_id=course.pk)
    answers = answers_for(course, correct=5)
    with pytest.raises(InvalidAnswerError):
        services.quiz_attempt_submit(
            learner=learner, attempt_id=attempt.pk, answers=dict(list(answers.items())[:4])
        )
    first_question = next(iter(answers))
    answers[first_question] = other.questions.first().options.first().pk  # type: ignore[union-attr]
    with pytest.raises(InvalidAnswerError):
        services.quiz_attempt_submit(learner=learner, attempt_id=attempt.pk, answers=answers)


def test_an_attempt_is_handed_in_once_and_only_by_its_learner(
    learner: User, course: Course
) -> None:
    attempt = services.quiz_attempt_start(learner=learner, course_id=course.pk)
    with pytest.raises(AttemptNotFoundError):
        services.quiz_attempt_submit(
            learner=UserFactory(), attempt_id=attempt.pk, answers=answers_for(course, correct=5)
        )
    services.quiz_attempt_submit(
        learner=learner, attempt_id=attempt.pk, answers=answers_for(course, correct=5)
    )
    with pytest.raises(AttemptClosedError):
        services.quiz_attempt_submit(
            learner=learner, attempt_id=attempt.pk, answers=answers_for(course, correct=5)
        )


# --- Sessions and the waiting list ---------------------------------------------------------------


def test_a_full_session_puts_people_on_the_waiting_list(session: TrainingSession) -> None:
    people = [UserFactory() for _ in range(4)]
    rows = [services.session_register(learner=p, session_id=session.pk) for p in people]
    assert [r.status for r in rows] == ["registered", "registered", "waiting", "waiting"]
    again = services.session_register(learner=people[0], session_id=session.pk)
    assert again.pk == rows[0].pk
    assert Registration.objects.filter(session=session).count() == 4


def test_a_cancellation_promotes_the_first_waiting_and_texts_them(
    session: TrainingSession, sms_outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    people = [UserFactory() for _ in range(4)]
    rows = [services.session_register(learner=p, session_id=session.pk) for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=people[0], registration_id=rows[0].pk)
    statuses = dict(Registration.objects.values_list("learner_id", "status"))
    assert statuses[people[2].pk] == "registered"
    assert statuses[people[3].pk] == "waiting"
    assert [m.phone for m in sms_outbox] == [people[2].phone]


def test_cancelling_a_waiting_place_promotes_nobody(session: TrainingSession) -> None:
    people = [UserFactory() for _ in range(4)]
    rows = [services.session_register(learner=p, session_id=session.pk) for p in people]
    services.registration_cancel(actor=people[2], registration_id=rows[2].pk)
    assert Registration.objects.get(pk=rows[3].pk).status == "waiting"


def test_nobody_cancels_someone_elses_registration(session: TrainingSession) -> None:
    row = services.session_register(learner=UserFactory(), session_id=session.pk)
    with pytest.raises(RegistrationNotFoundError):
        services.registration_cancel(actor=UserFactory(), registration_id=row.pk)
    assert Registration.objects.get(pk=row.pk).status == "registered"


def test_sessions_are_only_at_service_centres_and_in_the_future(
    trainer: User, course: Course
) -> None:
    later = timezone.now() + datetime.timedelta(days=2)
    village_station = StationFactory()
    centre = StationFactory(county_site=True)
    with pytest.raises(InvalidSessionError):
        services.session_create(
            trainer=trainer, course_id=course.pk, station_id=village_station.pk,
            starts_at=later, capacity=10,
        )  # fmt: skip
    with pytest.raises(InvalidSessionError):
        services.session_create(
            trainer=trainer, course_id=course.pk, station_id=centre.pk,
            starts_at=timezone.now() - datetime.timedelta(hours=1), capacity=10,
        )  # fmt: skip
    with pytest.raises(TrainingPermissionDeniedError):
        services.session_create(
            trainer=UserFactory(), course_id=course.pk, station_id=centre.pk,
            starts_at=later, capacity=10,
        )  # fmt: skip
    session = services.session_create(
        trainer=trainer, course_id=course.pk, station_id=centre.pk, starts_at=later, capacity=10
    )
    assert session.trainer == trainer


# --- Attendance ----------------------------------------------------------------------------------


def test_attendance_entered_twice_counts_once(
    trainer: User, learner: User, session: TrainingSession
) -> None:
    services.session_register(learner=learner, session_id=session.pk)
    first = services.attendance_record(
        trainer=trainer, session_id=session.pk, phone=learner.phone, idempotency_key="k1"
    )
    retry = services.attendance_record(
        trainer=trainer, session_id=session.pk, phone=learner.phone, idempotency_key="k1"
    )
    again = services.attendance_record(
        trainer=trainer, session_id=session.pk, phone=f"+86 {learner.phone}", idempotency_key="k2"
    )
    assert not first.duplicate
    assert retry.duplicate
    assert again.duplicate
    assert retry.registration_id == again.registration_id == first.registration_id
    assert Registration.objects.filter(session=session, attended=True).count() == 1


def test_a_walk_in_is_added_present_even_past_capacity(
    trainer: User, session: TrainingSession
) -> None:
    for _ in range(2):
        services.session_register(learner=UserFactory(), session_id=session.pk)
    outcome = services.attendance_record(
        trainer=trainer, session_id=session.pk, phone="13912345678", name="李四"
    )
    row = Registration.objects.get(pk=outcome.registration_id)
    assert (row.attended, row.learner, row.name) == (True, None, "李四")


def test_only_the_sessions_trainer_fills_its_sheet(session: TrainingSession) -> None:
    from tests.accounts.factories import user_with_role
    from xiangcun.accounts.types import Role

    with pytest.raises(TrainingPermissionDeniedError):
        services.attendance_record(
            trainer=user_with_role(Role.TRAINER), session_id=session.pk, phone="13912345678"
        )
    with pytest.raises(TrainingPermissionDeniedError):
        services.attendance_record(
            trainer=UserFactory(), session_id=session.pk, phone="13912345678"
        )


def test_reminders_go_the_day_before_to_seated_people_once(
    session: TrainingSession, sms_outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    seated, waiting = UserFactory(), UserFactory()
    session.capacity = 1
    session.save()
    services.session_register(learner=seated, session_id=session.pk)
    services.session_register(learner=waiting, session_id=session.pk)
    day_before = timezone.localtime(session.starts_at).date() - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_queue(today=day_before - datetime.timedelta(days=1)) == 0
        assert services.session_reminders_queue(today=day_before) == 1
        assert services.session_reminders_queue(today=day_before) == 0
    assert [m.phone for m in sms_outbox] == [seated.phone]
    assert session.course.title in sms_outbox[0].message


# --- Certificates --------------------------------------------------------------------------------


def test_the_public_check_masks_the_name_and_says_when_revoked(
    learner: User, trainer: User, course: Course
) -> None:
    _read_all(learner, course)
    _pass_quiz(learner, course)
    code = Certificate.objects.get().code
    check = selectors.certificate_verify(code=code.lower())
    assert (check.valid, check.holder_masked, check.course) == (True, "王**", course.title)
    with pytest.raises(PermissionDeniedError):
        services.certificate_revoke(actor=learner, code=code, reason="copied answers")
    services.certificate_revoke(actor=trainer, code=code, reason="copied answers")
    check = selectors.certificate_verify(code=code)
    assert (check.valid, check.revoked) == (False, True)


def test_an_unknown_code_is_not_found(db: None) -> None:
    for code in ("NOPE123456", "", "x" * 500, "é"):
        with pytest.raises(CertificateNotFoundError):
            selectors.certificate_verify(code=code)


def test_only_the_holder_and_trainers_may_download(
    learner: User, trainer: User, course: Course
) -> None:
    _read_all(learner, course)
    _pass_quiz(learner, course)
    code = Certificate.objects.get().code
    assert selectors.certificate_for_download(actor=learner, code=code).holder == learner
    assert selectors.certificate_for_download(actor=trainer, code=code).holder == learner
    with pytest.raises(CertificateNotFoundError):
        selectors.certificate_for_download(actor=UserFactory(), code=code)


def test_food_safety_certified_only_with_a_valid_food_safety_certificate(
    learner: User, trainer: User, db: None
) -> None:
    from xiangcun.training.types import FOOD_SAFETY_COURSE_SLUG

    food = course_with_quiz(slug=FOOD_SAFETY_COURSE_SLUG, area="food_safety")
    other = course_with_quiz()
    for course in (other, food):
        assert not selectors.food_safety_certified(user=learner)
        _read_all(learner, course)
        _pass_quiz(learner, course)
    assert selectors.food_safety_certified(user=learner)
    code = Certificate.objects.get(course=food).code
    services.certificate_revoke(actor=trainer, code=code, reason="revoked")
    assert not selectors.food_safety_certified(user=learner)


def test_the_reminder_task_queues_the_texts(
    session: TrainingSession, sms_outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from xiangcun.training.tasks import session_reminders_send

    services.session_register(learner=UserFactory(), session_id=session.pk)
    session.starts_at = timezone.now() + datetime.timedelta(days=1)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        session_reminders_send.call()
    assert len(sms_outbox) == 1


def test_lesson_uploads_are_bounded_in_type_and_size(course: Course) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiangcun.training.models import VIDEO_MAX_BYTES

    lesson = course.lessons.first()
    assert lesson is not None
    lesson.video = SimpleUploadedFile("clip.exe", b"x", "application/octet-stream")
    with pytest.raises(ValidationError):
        lesson.full_clean()
    big = SimpleUploadedFile("clip.mp4", b"x", "video/mp4")
    big.size = VIDEO_MAX_BYTES + 1
    lesson.video = big
    with pytest.raises(ValidationError):
        lesson.full_clean()
    lesson.video = SimpleUploadedFile("clip.mp4", b"x", "video/mp4")
    lesson.full_clean()


def test_results_count_learners_passes_and_certificates_by_home_township(
    trainer: User, course: Course
) -> None:
    from tests.regions.factories import VillageFactory
    from xiangcun.accounts.models import ResidentProfile

    village = VillageFactory()
    passed, failed, elsewhere = UserFactory(), UserFactory(), UserFactory()
    for person in (passed, failed):
        ResidentProfile.objects.create(user=person, name=person.name, village=village)
    _read_all(passed, course)
    _pass_quiz(passed, course)
    _pass_quiz(passed, course)  # a second pass counts the person once
    _pass_quiz(failed, course, correct=1)
    _pass_quiz(elsewhere, course, correct=1)
    rows = {r.township: r for r in selectors.results_by_township(actor=trainer)}
    here = rows[village.township.name]
    assert (here.learners, here.quizzes_passed, here.certificates) == (2, 1, 1)
    assert (rows[""].learners, rows[""].quizzes_passed, rows[""].certificates) == (1, 0, 0)
    with pytest.raises(TrainingPermissionDeniedError):
        selectors.results_by_township(actor=passed)
