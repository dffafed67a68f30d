"""Trainers write courses here: lessons, quiz questions and their options inline."""

from django.contrib import admin

from xiangcun.training.models import (
    Certificate,
    Course,
    Lesson,
    Option,
    Question,
    Registration,
    TrainingSession,
)


class LessonInline(admin.StackedInline[Lesson, Course]):
    model = Lesson
    extra = 0


class QuestionInline(admin.TabularInline[Question, Course]):
    model = Question
    extra = 0
    show_change_link = True


class OptionInline(admin.TabularInline[Option, Question]):
    model = Option
    extra = 3


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = (
        "title",
        "area",
        "slug",
        "pass_mark",
        "requires_session",
        "is_published",
    )
    list_filter = (
        "area",
        "is_published",
    )
    inlines = (
        LessonInline,
        QuestionInline,
    )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = (
        "text",
        "course",
    )
    inlines = (OptionInline,)


class RegistrationInline(admin.TabularInline[Registration, TrainingSession]):
    model = Registration
    extra = 0
    fields = (
        "name",
        "status",
        "attended",
        "attended_at",
    )
    readonly_fields = ("attended_at",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin[TrainingSession]):
    list_display = (
        "course",
        "station",
        "starts_at",
        "capacity",
        "status",
    )
    list_filter = ("status",)
    raw_id_fields = ("trainer",)
    inlines = (RegistrationInline,)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = (
        "code",
        "course",
        "issued_on",
        "revoked",
    )
    list_filter = (
        "revoked",
        "course",
    )
    search_fields = ("code",)
    raw_id_fields = ("holder",)
    readonly_fields = (
        "code",
        "holder",
        "course",
        "issued_on",
    )
