"""The fresh-food policy (catalog asks training) and the training demo."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.catalog.factories import CategoryFactory
from tests.sellers.factories import SellerFactory
from tests.training.factories import answers_for, food_safety_certify
from xiangcun.catalog import services as catalog
from xiangcun.catalog.errors import TrainingRequiredError
from xiangcun.training import services
from xiangcun.training.models import Certificate, Course, TrainingSession
from xiangcun.training.types import FOOD_SAFETY_COURSE_SLUG


def test_fresh_food_needs_the_food_safety_certificate(db: None) -> None:
    shop = SellerFactory()
    category = CategoryFactory()
    fields = {"seller_id": shop.pk, "category_id": category.pk, "name": "蓝莓"}
    with pytest.raises(TrainingRequiredError) as refused:
        catalog.product_create(actor=shop.owner, is_fresh=True, **fields)
    assert refused.value.code == "training_required"
    dry = catalog.product_create(actor=shop.owner, **fields)
    with pytest.raises(TrainingRequiredError):
        catalog.product_update(actor=shop.owner, product_id=dry.pk, is_fresh=True)
    food_safety_certify(shop.owner)
    fresh = catalog.product_create(actor=shop.owner, is_fresh=True, **fields)
    assert fresh.is_fresh
    # A certified shop edits its fresh product like any other.
    catalog.product_update(actor=shop.owner, product_id=fresh.pk, name="丹寨蓝莓")


def test_the_seller_console_links_the_course(db: None) -> None:
    services.training_demo_load()
    course = Course.objects.get(slug=FOOD_SAFETY_COURSE_SLUG)
    answer = Client().get(reverse("training:food_safety"))
    assert answer["Location"] == reverse("training:course", args=[course.pk])


def test_the_demo_has_a_course_per_area_with_a_five_question_quiz_and_a_class(db: None) -> None:
    from tests.accounts.factories import user_with_role
    from tests.regions.factories import StationFactory
    from xiangcun.accounts.types import Role

    trainer = user_with_role(Role.TRAINER)
    StationFactory(county_site=True)
    shop = SellerFactory()
    first = services.training_demo_load(sellers={"farm": shop})
    again = services.training_demo_load(sellers={"farm": shop})
    assert first == {"courses": 3, "sessions": 1, "certificates": 1}
    assert again == {"courses": 0, "sessions": 0, "certificates": 0}
    assert sorted(Course.objects.values_list("area", flat=True)) == [
        "ecommerce", "food_safety", "sales",
    ]  # fmt: skip
    for course in Course.objects.all():
        assert course.questions.count() == 5
        assert course.lessons.count() >= 3
        assert all(q.options.filter(is_correct=True).count() == 1 for q in course.questions.all())
    assert TrainingSession.objects.get().trainer == trainer
    assert Certificate.objects.get().holder == shop.owner


def test_a_farmer_completes_the_demo_food_safety_course(db: None) -> None:
    from tests.accounts.factories import UserFactory

    services.training_demo_load()
    farmer = UserFactory()
    course = Course.objects.get(slug=FOOD_SAFETY_COURSE_SLUG)
    for lesson in course.lessons.all():
        services.lesson_mark_read(learner=farmer, lesson_id=lesson.pk)
    attempt = services.quiz_attempt_start(learner=farmer, course_id=course.pk)
    services.quiz_attempt_submit(
        learner=farmer, attempt_id=attempt.pk, answers=answers_for(course, correct=5)
    )
    assert Certificate.objects.filter(holder=farmer, course=course).exists()
