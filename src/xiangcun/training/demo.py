"""The training part of `xiangcun demo`: three short courses in zh-Hans (one per area), a class
at the county service centre run by the demo trainer, and the food-safety certificate for the
owners of the demo shops, who list fresh food. The demo seller login is left uncertified, so
the demo shows the policy: it takes the course before listing new fresh food."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.types import Role
from xiangcun.regions.selectors import stations_list
from xiangcun.training.demo_data import COURSES, DemoCourse
from xiangcun.training.models import Certificate, Course, Lesson, Option, Question, TrainingSession
from xiangcun.training.services import certificate_code_new
from xiangcun.training.types import FOOD_SAFETY_COURSE_SLUG


def _course(data: DemoCourse) -> tuple[Course, bool]:
    course, created = Course.objects.get_or_create(
        slug=data.slug,
        defaults={"area": data.area, "title": data.title, "summary": data.summary, "pass_mark": 80},
    )
    if created:
        for position, (title, body) in enumerate(data.lessons):
            Lesson.objects.create(course=course, position=position, title=title, body=body)
        for position, (text, right, *wrong) in enumerate(data.questions):
            question = Question.objects.create(course=course, position=position, text=text)
            Option.objects.create(question=question, text=right, is_correct=True)
            for answer in wrong:
                Option.objects.create(question=question, text=answer)
    return course, created


def _demo_login_phones() -> set[str]:
    # As accounts.services.demo_users_ensure numbers them: one per role, 138 + its number.
    return {f"138{number:08d}" for number in range(1, len(Role) + 1)}


def _session(course: Course) -> bool:
    trainer = get_user_model().objects.filter(groups__name=Role.TRAINER).order_by("pk").first()
    centres = stations_list(kind="service_centre")
    if trainer is None or not centres or TrainingSession.objects.filter(course=course).exists():
        return False
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    TrainingSession.objects.create(
        course=course, station_id=centres[0].id, trainer=trainer, starts_at=starts, capacity=30
    )
    return True


@transaction.atomic
def training_demo_load(*, sellers: Any = ()) -> dict[str, int]:
    """Load the demo courses and class, and certify the demo shops' owners (not the demo seller
    login). `sellers` are the demo shops (anything with `owner_id`). Safe to run again."""
    made = 0
    courses = {}
    for data in COURSES:
        course, created = _course(data)
        courses[data.slug] = course
        made += created
    sessions = _session(courses[FOOD_SAFETY_COURSE_SLUG])
    owners = {
        getattr(seller, "owner_id", None)
        for seller in getattr(sellers, "values", lambda: sellers)()
    }
    skip = set(
        get_user_model().objects.filter(phone__in=_demo_login_phones()).values_list("pk", flat=True)
    )
    certified = 0
    for owner_id in sorted(owner for owner in owners if owner and owner not in skip):
        _certificate, created = Certificate.objects.get_or_create(
            holder_id=owner_id,
            course=courses[FOOD_SAFETY_COURSE_SLUG],
            defaults={"code": certificate_code_new(), "issued_on": timezone.localdate()},
        )
        certified += created
    return {"courses": made, "sessions": int(sessions), "certificates": certified}
