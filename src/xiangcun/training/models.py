"""Training: courses with lessons and a quiz, in-person sessions at service centres, and the
certificates a completed course earns."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel

PICTURE_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 50 * 1024 * 1024


@deconstructible
class MaxFileSize:
    """Refuses an upload larger than `limit` bytes (lessons are read on cheap phones)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: object) -> None:
        size = getattr(value, "size", 0) or 0
        if size > self.limit:
            raise ValidationError(
                _("The file is too large: at most %(mb)d MB."),
                code="file_too_large",
                params={"mb": self.limit // (1024 * 1024)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxFileSize) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


class Course(TimeStampedModel):
    class Area(models.TextChoices):
        ECOMMERCE = "ecommerce", _("E-commerce skills")
        FOOD_SAFETY = "food_safety", _("Food-safety traceability")
        SALES = "sales", _("Sales techniques")

    # Stable, so rules elsewhere (the fresh-food policy) can name a course.
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"), default=80)
    requires_session = models.BooleanField(_("an in-person session is required"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["area", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100),
                name="training_course_pass_mark_percent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("A blank line starts a new paragraph."))
    picture = models.ImageField(
        _("picture"),
        upload_to="training/pictures/",
        blank=True,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            MaxFileSize(PICTURE_MAX_BYTES),
        ],
    )
    video = models.FileField(
        _("short video (MP4 or WebM)"),
        upload_to="training/videos/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"]), MaxFileSize(VIDEO_MAX_BYTES)],
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=200)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "id"]

    def __str__(self) -> str:
        return self.text


class LessonRead(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="training_lesson_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.lesson_id}"


class QuizAttempt(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The question ids in the order this learner was shown them (shuffled per attempt).
    question_order = models.JSONField(default=list)
    # {question id: chosen option id}, as strings (JSON keys).
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("score (percent)"), null=True)
    passed = models.BooleanField(_("passed"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["learner", "course"])]


class TrainingSession(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    station = models.ForeignKey("regions.Station", on_delete=models.PROTECT, related_name="+")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_seats")
        ]

    def __str__(self) -> str:
        return f"{self.course_id}@{self.starts_at:%Y-%m-%d %H:%M}"


class Registration(TimeStampedModel):
    """A person on a session: registered (a seat), waiting, or cancelled; attended once the
    trainer ticks them on the sheet. One row per phone per session: a second entry for the same
    person finds this row, so nobody is counted twice."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    attended = models.BooleanField(_("attended"), default=False)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    # The offline sheet's key for the entry that marked attendance: a retry finds this row.
    # NULL, not "": entries typed on the page without a key must not collide on the unique.
    attendance_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "phone"], name="training_one_row_per_phone"),
            models.UniqueConstraint(
                fields=["session", "attendance_key"],
                condition=Q(attendance_key__isnull=False),
                name="training_attendance_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.phone}:{self.status}"


class Certificate(TimeStampedModel):
    # Public and unguessable: the verification page is open to anyone holding the code.
    code = models.CharField(_("code"), max_length=16, unique=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    issued_on = models.DateField(_("issued on"))
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_reason = models.CharField(_("why revoked"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["holder", "course"], name="training_one_certificate")
        ]

    def __str__(self) -> str:
        return self.code
