"""Users, households, resident profiles, login guards, one-time codes, rate counts and API
tokens."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    """Only what `createsuperuser` and the auth backend need; writes live in services."""

    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(phone=phone, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(_("mobile number"), max_length=11, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("back-office access"),
        default=False,
        help_text=_("May log in to the administration site."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Accounts made to try the system (training sessions, QA): left out of every programme figure.
    is_test = models.BooleanField(_("test account"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^1[3-9][0-9]{9}$"),
                name="accounts_user_phone_mainland_mobile",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name or self.phone

    def get_short_name(self) -> str:
        return self.name or self.phone


class Household(TimeStampedModel):
    """A household in a village; the unit the poor-household register (建档立卡) counts."""

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="households"
    )
    head_name = models.CharField(_("head of household"), max_length=64)
    registered_poor = models.BooleanField(_("registered poor household (建档立卡)"), default=False)
    register_number = models.CharField(_("poverty register number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.head_name


class ResidentProfile(TimeStampedModel):
    """A resident of the county. Many have no login: an agent registers them at a centre."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="resident_profile"
    )
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    # The ID number itself is never stored: a keyed hash finds a resident by it, the masked
    # form is what screens show.
    id_number_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    id_number_masked = models.CharField(_("ID card number"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return self.name

    @property
    def registered_poor(self) -> bool:
        return bool(self.household and self.household.registered_poor)


class ResidentMove(models.Model):
    """A resident moved from one village to another on a day. The profile holds where they live
    now; these rows say where they lived before, so figures for a past day count them there."""

    resident = models.ForeignKey(ResidentProfile, on_delete=models.CASCADE, related_name="moves")
    from_village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    to_village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("moved on"))
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resident move")
        verbose_name_plural = _("resident moves")
        indexes = [models.Index(fields=["resident", "moved_on"])]

    def __str__(self) -> str:
        return f"{self.resident_id}:{self.moved_on}"


class LoginGuard(models.Model):
    """Failed password logins per phone number.

    After too many within the window a password alone no longer logs in: it takes an SMS code
    as well, so whoever guesses cannot lock the owner out. The owner is told how many attempts
    failed since their last login.
    """

    phone = models.CharField(max_length=11, unique=True)
    # Failures in the current window (LOGIN_LOCKOUT_SECONDS since the last one).
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    # Failures since the owner last logged in and was told of them.
    failures_since_login = models.PositiveIntegerField(default=0)
    # When the owner was last texted about failed attempts (at most once a LOGIN_ALERT_SECONDS).
    alerted_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("login guard")
        verbose_name_plural = _("login guards")

    def __str__(self) -> str:
        return self.phone


class OneTimeCode(models.Model):
    """An SMS login code; the code itself is never kept."""

    phone = models.CharField(max_length=11, db_index=True)
    # The code is derived from the salt under SECRET_KEY (see services._otp_code), so the text
    # can be written when it is sent and the code is never stored or queued.
    code_salt = models.CharField(max_length=32, blank=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return self.phone


class RateCount(models.Model):
    """Requests counted in one fixed window, e.g. login codes one client address asked for
    this hour. In the database, so every app server and each of its worker processes count
    together; the row is locked while a request is counted."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    # The end of the window; rows past it are deleted.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key_hash[:8]}"
