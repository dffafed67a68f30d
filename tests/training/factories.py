"""Factories of the training app: a course with lessons and a quiz, sessions, certificates."""

import datetime
from typing import Any

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.regions.factories import StationFactory
from xiangcun.training.models import (
    Certificate,
    Course,
    Lesson,
    Option,
    Question,
    TrainingSession,
)
from xiangcun.training.types import FOOD_SAFETY_COURSE_SLUG


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"course-{n}")
    area = Course.Area.ECOMMERCE
    title = factory.Sequence(lambda n: f"Course {n}")
    pass_mark = 60


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "First paragraph.\n\nSecond paragraph."


def course_with_quiz(*, lessons: int = 2, questions: int = 5, **fields: Any) -> Course:
    """A course with `lessons` lessons and `questions` questions of three options, the first
    option of each correct."""
    course: Course = CourseFactory(**fields)
    for index in range(lessons):
        LessonFactory(course=course, position=index)
    for index in range(questions):
        question = Question.objects.create(course=course, position=index, text=f"Q{index}")
        for option in range(3):
            Option.objects.create(question=question, text=f"A{option}", is_correct=option == 0)
    return course


def answers_for(course: Course, *, correct: int) -> dict[str, int]:
    """Answers to every question of the course, the first `correct` of them right."""
    answers = {}
    for index, question in enumerate(course.questions.order_by("position")):
        options = list(question.options.order_by("id"))
        answers[str(question.pk)] = (options[0] if index < correct else options[1]).pk
    return answers


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    station = factory.SubFactory(StationFactory, county_site=True)
    trainer = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    capacity = 2


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    code = factory.Sequence(lambda n: f"TEST{n:06d}")
    holder = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    issued_on = factory.LazyFunction(timezone.localdate)


def food_safety_certify(user: Any) -> Certificate:
    """Give `user` a valid certificate of the food-safety course (the fresh-food policy)."""
    course = CourseFactory(slug=FOOD_SAFETY_COURSE_SLUG, area=Course.Area.FOOD_SAFETY)
    certificate, _created = Certificate.objects.get_or_create(
        holder=user,
        course=course,
        defaults={"code": f"FS{user.pk:08d}", "issued_on": timezone.localdate()},
    )
    return certificate
