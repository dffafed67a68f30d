"""The training API: the public certificate check, courses, progress, quiz and sessions."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.accounts.factories import UserFactory
from tests.training.factories import answers_for
from xiangcun.accounts.models import User
from xiangcun.training.models import Certificate, Course, TrainingSession

API = "/api/v1/training"


def _complete(client: Client, headers: dict[str, str], course: Course) -> dict[str, Any]:
    for lesson in course.lessons.all():
        assert client.post(f"{API}/lessons/{lesson.pk}/read", headers=headers).status_code == 200
    started = client.post(f"{API}/courses/{course.pk}/attempts", headers=headers)
    assert started.status_code == 201
    attempt = started.json()
    done = client.post(
        f"{API}/attempts/{attempt['id']}",
        {"answers": answers_for(course, correct=5)},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200
    return done.json()


def test_a_learner_completes_a_course_and_anyone_checks_the_certificate(
    client: Client, learner: User, course: Course, bearer: Callable[[User], dict[str, str]]
) -> None:
    result = _complete(client, bearer(learner), course)
    assert (result["score"], result["passed"]) == (100, True)
    code = result["certificate"]
    assert code == Certificate.objects.get().code
    public = Client().get(f"{API}/certificates/{code}")
    assert public.status_code == 200
    assert public.json() == {
        "valid": True,
        "course": course.title,
        "holder_masked": "王**",
        "issued_on": Certificate.objects.get().issued_on.isoformat(),
    }
    mine = client.get(f"{API}/certificates", headers=bearer(learner)).json()
    assert [c["code"] for c in mine] == [code]
    progress = client.get(f"{API}/courses/{course.pk}", headers=bearer(learner)).json()["progress"]
    assert progress["complete"] is True


def test_an_unknown_certificate_is_404_with_a_code(client: Client, db: None) -> None:
    for code in ("NOSUCHCODE", "a" * 300, "%E4%B8%AD"):
        answer = client.get(f"{API}/certificates/{code}")
        assert answer.status_code == 404
        assert answer.json()["code"] == "certificate_not_found"
    assert client.get(f"{API}/certificates/%00").json()["code"] == "invalid_input"


def test_the_quiz_shows_every_question_once_without_the_answers(
    client: Client, learner: User, course: Course, bearer: Callable[[User], dict[str, str]]
) -> None:
    attempt = client.post(f"{API}/courses/{course.pk}/attempts", headers=bearer(learner)).json()
    assert sorted(q["id"] for q in attempt["questions"]) == sorted(
        course.questions.values_list("pk", flat=True)
    )
    assert "is_correct" not in str(attempt)


def test_someone_elses_attempt_is_not_found(
    client: Client, learner: User, course: Course, bearer: Callable[[User], dict[str, str]]
) -> None:
    attempt = client.post(f"{API}/courses/{course.pk}/attempts", headers=bearer(learner)).json()
    answer = client.post(
        f"{API}/attempts/{attempt['id']}",
        {"answers": answers_for(course, correct=5)},
        content_type="application/json",
        headers=bearer(UserFactory()),
    )
    assert answer.status_code == 404


def test_a_bad_answer_body_is_a_4xx(
    client: Client, learner: User, course: Course, bearer: Callable[[User], dict[str, str]]
) -> None:
    attempt = client.post(f"{API}/courses/{course.pk}/attempts", headers=bearer(learner)).json()
    for body in ({"answers": {"1": 2}}, {"answers": {"x": "y"}}, {"answers": []}, {}):
        answer = client.post(
            f"{API}/attempts/{attempt['id']}",
            body,
            content_type="application/json",
            headers=bearer(learner),
        )
        assert answer.status_code in (400, 422), body


def test_registering_for_a_full_session_joins_the_waiting_list(
    client: Client, session: TrainingSession, bearer: Callable[[User], dict[str, str]]
) -> None:
    statuses = [
        client.post(
            f"{API}/sessions/{session.pk}/registrations", headers=bearer(UserFactory())
        ).json()["status"]
        for _ in range(3)
    ]
    assert statuses == ["registered", "registered", "waiting"]
    listed = client.get(f"{API}/sessions").json()
    assert [(s["id"], s["taken"], s["waiting"]) for s in listed] == [(session.pk, 2, 1)]


def test_lists_take_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any, db: None
) -> None:
    from tests.training.factories import SessionFactory, course_with_quiz

    for _ in range(5):
        SessionFactory(course=course_with_quiz())
    with django_assert_max_num_queries(3):
        assert client.get(f"{API}/courses").json()["count"] == 5
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{API}/sessions").json()) == 5
