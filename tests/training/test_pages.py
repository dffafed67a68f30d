"""Training pages: a learner reads, passes the quiz and downloads the certificate; the public
check; the trainer's attendance sheet, as a form and as the offline queue's JSON endpoint."""

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.training.factories import CertificateFactory, answers_for
from xiangcun.accounts.models import User
from xiangcun.training.models import Certificate, Course, QuizAttempt, Registration, TrainingSession

JSON = {"Accept": "application/json"}


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_reads_passes_and_downloads_the_certificate(
    learner: User, course: Course
) -> None:
    client = _signed_in(learner)
    page = client.get(reverse("training:course", args=[course.pk]))
    assert page.status_code == 200
    assert course.title in page.content.decode()
    for lesson in course.lessons.all():
        assert client.get(reverse("training:lesson", args=[lesson.pk])).status_code == 200
        client.post(reverse("training:lesson_read", args=[lesson.pk]))
    started = client.post(reverse("training:quiz_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(learner=learner)
    assert started["Location"] == reverse("training:attempt", args=[attempt.pk])
    quiz = client.get(started["Location"]).content.decode()
    positions = [quiz.index(f'name="q{pk}"') for pk in attempt.question_order]
    assert positions == sorted(positions)  # shown in the attempt's own order
    answers = {f"q{k}": v for k, v in answers_for(course, correct=5).items()}
    client.post(started["Location"], answers)
    certificate = Certificate.objects.get(holder=learner)
    pdf = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert certificate.code in client.get(reverse("training:my_certificates")).content.decode()


def test_nobody_else_downloads_a_certificate(learner: User, course: Course) -> None:
    certificate = CertificateFactory(holder=learner, course=course)
    url = reverse("training:certificate_pdf", args=[certificate.code])
    assert _signed_in(UserFactory()).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_the_public_check_says_valid_revoked_or_unknown(
    learner: User, course: Course, trainer: User
) -> None:
    certificate = CertificateFactory(holder=learner, course=course)
    url = reverse("training:verify", args=[certificate.code])
    assert url == f"/training/certificates/{certificate.code}"
    page = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid certificate" in page.content.decode()
    assert "王**" in page.content.decode()
    assert "王小明" not in page.content.decode()
    _signed_in(trainer).post(
        reverse("training:revoke", args=[certificate.code]), {"reason": "copied"}
    )
    assert "withdrawn" in Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    unknown = Client().get(reverse("training:verify", args=["NOSUCH"]), HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 404
    assert "Unknown code" in unknown.content.decode()


def test_a_learner_takes_a_seat_from_the_sessions_page(
    learner: User, session: TrainingSession
) -> None:
    client = _signed_in(learner)
    client.post(reverse("training:register", args=[session.pk]))
    row = Registration.objects.get(session=session)
    assert (row.learner, row.status) == (learner, "registered")
    assert session.course.title in client.get(reverse("training:sessions")).content.decode()


def test_the_attendance_sheet_answers_the_offline_queue(
    trainer: User, session: TrainingSession
) -> None:
    client = _signed_in(trainer)
    url = reverse("training:sheet", args=[session.pk])
    assert 'data-offline-queue="session-' in client.get(url).content.decode()
    entry = {"phone": "13912345678", "name": "李四", "idempotency_key": "abc"}
    first = client.post(url, entry, headers=JSON)
    assert first.status_code == 201
    assert first.json()["duplicate"] is False
    retry = client.post(url, entry, headers=JSON)
    assert (retry.status_code, retry.json()["duplicate"]) == (200, True)
    again = client.post(url, {**entry, "idempotency_key": "other"}, headers=JSON)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    bad = client.post(url, {"phone": "12", "idempotency_key": "x"}, headers=JSON)
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_phone"
    assert bad.json()["message"]
    assert Registration.objects.filter(session=session, attended=True).count() == 1


def test_the_sheet_works_without_javascript(trainer: User, session: TrainingSession) -> None:
    client = _signed_in(trainer)
    url = reverse("training:sheet", args=[session.pk])
    answer = client.post(url, {"phone": "13912345678"})
    assert answer.status_code == 302
    assert Registration.objects.get(session=session).attended


def test_another_trainer_cannot_open_the_sheet(session: TrainingSession) -> None:
    from tests.accounts.factories import user_with_role
    from xiangcun.accounts.types import Role

    other = _signed_in(user_with_role(Role.TRAINER))
    url = reverse("training:sheet", args=[session.pk])
    assert other.get(url).status_code == 404
    answer: Any = other.post(url, {"phone": "13912345678"}, headers=JSON)
    assert answer.status_code == 404
    assert _signed_in(UserFactory()).get(url).status_code == 403


def test_trainer_pages_and_results(trainer: User, learner: User, course: Course) -> None:
    client = _signed_in(trainer)
    for name in ("training:trainer", "training:results", "training:session_new"):
        assert client.get(reverse(name)).status_code == 200
    assert _signed_in(learner).get(reverse("training:trainer")).status_code == 403


def test_pages_read_in_both_languages(learner: User, course: Course) -> None:
    client = _signed_in(learner)
    url = reverse("training:courses")
    assert "Training" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "培训" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_bad_codes_and_answers_are_refused_without_an_error_page(
    learner: User, course: Course
) -> None:
    client = _signed_in(learner)
    for code in ("%00", "x" * 300, "中文", "%ED%A0%80"):
        assert client.get(f"/training/certificates/{code}").status_code in (400, 404)
        assert client.get(f"/training/certificates/{code}/pdf").status_code in (400, 404)
    client.post(reverse("training:quiz_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(learner=learner)
    huge = {f"q{pk}": str(2**70) for pk in attempt.question_order}
    answer = client.post(reverse("training:attempt", args=[attempt.pk]), huge)
    assert answer.status_code == 200
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted_at


def test_a_trainer_writes_courses_in_the_admin(trainer: User, course: Course) -> None:
    from xiangcun.accounts.services import roles_sync

    roles_sync()
    trainer.refresh_from_db()
    client = _signed_in(trainer)
    assert client.get(reverse("admin:training_course_changelist")).status_code == 200
    assert client.get(reverse("admin:training_course_change", args=[course.pk])).status_code == 200
