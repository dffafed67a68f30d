"""Job postings, the people who apply (by any of three doors), career fairs, the pipeline's
history and the employments that hiring creates."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel
from xiangcun.jobs.types import ApplicationStatus, JobRole, PostingStatus, Source


class Posting(TimeStampedModel):
    title = models.CharField(_("title"), max_length=80)
    role = models.CharField(_("role"), max_length=12, choices=JobRole.choices)
    # For role "other": what the job is, in the recruiter's words.
    role_other = models.CharField(_("other role"), max_length=40, blank=True)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey("regions.Township", on_delete=models.PROTECT, related_name="+")
    wage_min = models.PositiveIntegerField(_("lowest monthly wage (yuan)"))
    wage_max = models.PositiveIntegerField(_("highest monthly wage (yuan)"))
    shifts = models.CharField(_("shifts"), max_length=120, blank=True)
    licence_class = models.CharField(_("driving licence class"), max_length=8, blank=True)
    age_min = models.PositiveSmallIntegerField(_("youngest age"), default=18)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), default=60)
    headcount = models.PositiveSmallIntegerField(_("people wanted"), default=1)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=8, choices=PostingStatus.choices, default=PostingStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["status", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(wage_min__lte=F("wage_max")), name="jobs_posting_wage_range"
            ),
            models.CheckConstraint(
                condition=Q(age_min__lte=F("age_max")), name="jobs_posting_age_range"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("closes_on")), name="jobs_posting_dates"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="jobs_posting_headcount"),
        ]

    def __str__(self) -> str:
        return self.title


class Fair(TimeStampedModel):
    """A career fair: a day and a place where recruiters meet people and take applications."""

    name = models.CharField(_("name"), max_length=80)
    day = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=120)
    township = models.ForeignKey("regions.Township", on_delete=models.PROTECT, related_name="+")
    postings = models.ManyToManyField(Posting, related_name="fairs", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("career fair")
        verbose_name_plural = _("career fairs")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.name


class Application(TimeStampedModel):
    """One person applying for one posting. The person is recorded here (many applicants have
    no login): name, phone, village, household status, and an ID number only as a keyed hash
    and a masked form."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("mobile number"), max_length=11)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Township", on_delete=models.PROTECT, related_name="+")
    id_number_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  (NULL: unknown, not unique)
    id_number_masked = models.CharField(_("ID card number"), max_length=18, blank=True)
    registered_poor = models.BooleanField(_("registered poor household (建档立卡)"), default=False)
    licence_class = models.CharField(_("driving licence class"), max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_applications",
    )
    # Which door, and who stood at it.
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # An agent applying for a resident records the resident's consent: where, and when.
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fair = models.ForeignKey(
        Fair, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  (NULL: none)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
    )
    interview_at = models.DateTimeField(_("interview at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["posting", "status"])]
        constraints = [
            # One person per posting: the same phone or ID card is the same person.
            models.UniqueConstraint(fields=["posting", "phone"], name="jobs_application_phone"),
            models.UniqueConstraint(
                fields=["posting", "id_number_hash"],
                condition=Q(id_number_hash__isnull=False),
                name="jobs_application_id_number",
            ),
            # A retried submit of the same entry finds the first one.
            models.UniqueConstraint(
                fields=["entered_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="jobs_application_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^1[3-9][0-9]{9}$"), name="jobs_application_phone_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.posting_id}"


class ApplicationEvent(models.Model):
    """One step of an application's history: a code and its parameters, rendered in the
    reader's language (see selectors.event_text)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=20)
    params = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.code}"


class Employment(TimeStampedModel):
    """A hire: who, for which posting, from when, where, at what monthly wage."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="employment"
    )
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="employments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employments"
    )
    start_date = models.DateField(_("start date"))
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    monthly_wage = models.PositiveIntegerField(_("monthly wage (yuan)"))
    hired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.posting_id}"
