"""Every write of the accounts app: registration, roles, residents, logins, codes and tokens.

The two login services record a failure and then raise. Their bookkeeping runs in its own
`transaction.atomic()` block that is left before raising, so the failure count is kept even
though the call fails (an exception inside the block would roll it back).
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from xiangcun.accounts.errors import (
    AccountDisabledError,
    AccountLockedError,
    IdNumberTakenError,
    InvalidCodeError,
    InvalidCredentialsError,
    InvalidNameError,
    OtpExpiredError,
    OtpRateLimitedError,
    PhoneTakenError,
    UserAlreadyResidentError,
    WeakPasswordError,
    WrongVillageHouseholdError,
)
from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import (
    ApiToken,
    Household,
    LoginGuard,
    OneTimeCode,
    ResidentProfile,
    User,
)
from xiangcun.accounts.roles import ROLE_PERMISSIONS
from xiangcun.accounts.tasks import sms_send
from xiangcun.accounts.types import STAFF_ROLES, DemoUser, IssuedApiToken, Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import mobile_normalize
from xiangcun.regions.errors import UnknownVillageError
from xiangcun.regions.selectors import village_exists

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 64
OTP_LENGTH = 6
# A token's last use is recorded at most this often, so each API call is not also a write.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


# --- Text messages ----------------------------------------------------------------------------


def sms_queue(*, phone: str, message: str) -> None:
    """Send a text message once the current transaction commits (never for a rolled-back write).

    `message` must already be a plain string in the recipient's language.
    """
    transaction.on_commit(lambda: sms_send.enqueue(phone=phone, message=message))


# --- Users and roles --------------------------------------------------------------------------


def _name_clean(name: str) -> str:
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidNameError(field="name")
    return name


@transaction.atomic
def user_register(*, phone: str, password: str, name: str = "") -> User:
    """Open a buyer account for someone who chose a password."""
    phone = mobile_normalize(phone)
    name = _name_clean(name)
    try:
        validate_password(password, user=User(phone=phone, name=name))
    except ValidationError as error:
        raise WeakPasswordError(" ".join(error.messages), field="password") from error
    if User.objects.filter(phone=phone).exists():
        raise PhoneTakenError(field="phone")

    user = User(phone=phone, name=name)
    user.set_password(password)
    try:
        # A savepoint, so a concurrent registration of the same phone fails cleanly here.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise PhoneTakenError(field="phone") from error
    role_grant(user=user, role=Role.BUYER)
    return user


def _role_group(role: Role) -> Group:
    group, created = Group.objects.get_or_create(name=role.value)
    if created:
        group.permissions.set(_permissions_for(role))
    return group


def _permissions_for(role: Role) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in ROLE_PERMISSIONS.get(role, [])}
    if not wanted:
        return []
    app_labels = {app_label for app_label, _codename in wanted}
    candidates = Permission.objects.filter(content_type__app_label__in=app_labels).select_related(
        "content_type"
    )
    return [p for p in candidates if (p.content_type.app_label, p.codename) in wanted]


def _staff_flag_refresh(user: User) -> None:
    """Back-office access follows the roles: on with any staff role, off without one."""
    names = set(user.groups.values_list("name", flat=True))
    is_staff = user.is_superuser or any(role.value in names for role in STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(*, user: User, role: Role) -> None:
    user.groups.add(_role_group(role))
    _staff_flag_refresh(user)


@transaction.atomic
def role_revoke(*, user: User, role: Role) -> None:
    user.groups.remove(*Group.objects.filter(name=role.value))
    _staff_flag_refresh(user)


@transaction.atomic
def roles_sync() -> list[str]:
    """Create each role's group and give it exactly the permissions ROLE_PERMISSIONS names.

    Safe to run any number of times (after every migrate). Returns the permission names that do
    not exist yet, because their app is not built.
    """
    missing: list[str] = []
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = _permissions_for(role)
        group.permissions.set(permissions)
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        missing.extend(name for name in ROLE_PERMISSIONS.get(role, []) if name not in found)
    staff_groups = [role.value for role in STAFF_ROLES]
    User.objects.filter(groups__name__in=staff_groups, is_staff=False).update(is_staff=True)
    if missing:
        logger.debug("roles_sync skipped %d permissions of apps not built yet", len(missing))
    return sorted(set(missing))


# Phones 13800000001, 13800000002, ... in Role order; the admin is a superuser.
DEMO_NAMES: dict[Role, str] = {
    Role.BUYER: "陈思雨",
    Role.RESIDENT: "杨秀英",
    Role.SELLER: "王德富",
    Role.AGENT: "潘小燕",
    Role.WAREHOUSE: "吴建国",
    Role.PACKER: "龙美玲",
    Role.DRIVER: "罗志强",
    Role.COURIER: "李文军",
    Role.BRAND_MANAGER: "周雅琴",
    Role.LOAN_OFFICER: "孙立新",
    Role.RECRUITER: "黄丽华",
    Role.TRAINER: "杨光明",
    Role.PROGRAMME_MANAGER: "宋婷",
    Role.ADMIN: "韦刚",
}


@transaction.atomic
def demo_users_ensure(*, password: str) -> list[DemoUser]:
    """One login per role for demonstrations. Existing demo users are left as they are."""
    roles_sync()
    demo_users: list[DemoUser] = []
    for number, role in enumerate(Role, start=1):
        phone = f"138{number:08d}"
        name = DEMO_NAMES[role]
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(phone=phone, name=name)
            user.set_password(password)
            user.is_superuser = role == Role.ADMIN
            user.save()
        role_grant(user=user, role=role)
        demo_users.append(DemoUser(role=role, phone=phone, name=user.name))
    return demo_users


# --- Households and residents -----------------------------------------------------------------


def _village_check(village_id: int) -> None:
    if not village_exists(village_id=village_id):
        raise UnknownVillageError(field="village_id")


@transaction.atomic
def household_register(
    *,
    village_id: int,
    head_name: str,
    registered_poor: bool = False,
    register_number: str = "",
) -> Household:
    head_name = _name_clean(head_name)
    if not head_name:
        raise InvalidNameError(field="head_name")
    _village_check(village_id)
    return Household.objects.create(
        village_id=village_id,
        head_name=head_name,
        registered_poor=registered_poor,
        register_number=register_number.strip()[:32],
    )


@transaction.atomic
def resident_register(
    *,
    name: str,
    village_id: int,
    phone: str = "",
    id_number: str = "",
    household: Household | None = None,
    user: User | None = None,
) -> ResidentProfile:
    """Record a resident, often one without a login whom an agent registers at a centre."""
    name = _name_clean(name)
    if not name:
        raise InvalidNameError(field="name")
    phone = mobile_normalize(phone) if phone.strip() else ""
    number_hash = number_masked = ""
    if id_number.strip():
        number = id_number_normalize(id_number)
        number_hash, number_masked = id_number_hash(number), id_number_mask(number)
        if ResidentProfile.objects.filter(id_number_hash=number_hash).exists():
            raise IdNumberTakenError(field="id_number")
    _village_check(village_id)
    if household is not None and household.village_id != village_id:
        raise WrongVillageHouseholdError(field="household")
    if user is not None and ResidentProfile.objects.filter(user=user).exists():
        raise UserAlreadyResidentError(field="user")

    resident = ResidentProfile(
        name=name,
        phone=phone,
        village_id=village_id,
        household=household,
        user=user,
        id_number_hash=number_hash or None,
        id_number_masked=number_masked,
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as error:
        # Lost a race with another registration of the same ID card or account.
        raise IdNumberTakenError(field="id_number") from error
    if user is not None:
        role_grant(user=user, role=Role.RESIDENT)
    return resident


# --- Password login with lockout --------------------------------------------------------------


def _locked_error(locked_until: datetime) -> AccountLockedError:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()))
    minutes = -(-seconds // 60)
    message = ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return AccountLockedError(message, retry_after=seconds)


def _login_guard_locked(phone: str) -> LoginGuard:
    """The phone's guard row, locked: one login attempt per phone is judged at a time."""
    guard, _created = LoginGuard.objects.select_for_update().get_or_create(phone=phone)
    return guard


def password_login(*, phone: str, password: str) -> User:
    """The user with this phone and password, or an error; repeated failures lock the phone."""
    phone = mobile_normalize(phone)
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    error: XiangcunError | None = None
    user: User | None = None
    with transaction.atomic():
        guard = _login_guard_locked(phone)
        if guard.locked_until is not None and guard.locked_until > now:
            error = _locked_error(guard.locked_until)
        else:
            user = User.objects.filter(phone=phone).first()
            if user is None:
                # Hash anyway, so a missing account answers as slowly as a wrong password.
                make_password(password)
            if user is not None and user.check_password(password) and user.is_active:
                guard.failures, guard.locked_until, guard.last_failure_at = 0, None, None
                guard.save(update_fields=["failures", "locked_until", "last_failure_at"])
            else:
                # Failures older than the window (or before an expired lock) start afresh.
                stale = guard.last_failure_at is None or guard.last_failure_at <= now - window
                guard.failures = 1 if stale or guard.locked_until else guard.failures + 1
                guard.last_failure_at = now
                guard.locked_until = None
                if guard.failures >= settings.LOGIN_MAX_FAILURES:
                    guard.locked_until = now + window
                guard.save(update_fields=["failures", "locked_until", "last_failure_at"])
                user = None
                error = (
                    _locked_error(guard.locked_until)
                    if guard.locked_until
                    else InvalidCredentialsError()
                )
    if error is not None:
        raise error
    if user is None:
        raise InvalidCredentialsError()
    return user


@transaction.atomic
def login_guard_reset(*, phone: str) -> None:
    """Lift a lockout, e.g. when a service-centre agent has checked the person's identity."""
    LoginGuard.objects.filter(phone=mobile_normalize(phone)).update(
        failures=0, locked_until=None, last_failure_at=None
    )


# --- SMS one-time codes -----------------------------------------------------------------------


def _otp_hash(phone: str, code: str) -> str:
    # Keyed: a plain hash of a six-digit code is reversed by trying all million codes.
    return salted_hmac("xiangcun.accounts.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def otp_request(*, phone: str) -> None:
    """Text a six-digit login code to the phone, within the resend and hourly limits."""
    phone = mobile_normalize(phone)
    now = timezone.now()
    # The guard row serialises requests for one phone across app servers.
    _login_guard_locked(phone)
    recent = OneTimeCode.objects.filter(phone=phone, created_at__gt=now - timedelta(hours=1))
    latest = recent.order_by("-created_at").first()
    resend_at = (
        latest.created_at + timedelta(seconds=settings.OTP_RESEND_SECONDS) if latest else now
    )
    if resend_at > now:
        seconds = max(1, int((resend_at - now).total_seconds()))
        message = ngettext(
            "Wait %(seconds)d second before asking for another code.",
            "Wait %(seconds)d seconds before asking for another code.",
            seconds,
        ) % {"seconds": seconds}
        raise OtpRateLimitedError(message, field="phone", retry_after=seconds)
    if recent.count() >= settings.OTP_MAX_PER_HOUR:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first() or now
        seconds = max(1, int((oldest + timedelta(hours=1) - now).total_seconds()))
        raise OtpRateLimitedError(field="phone", retry_after=seconds)

    code = f"{secrets.randbelow(10**OTP_LENGTH):0{OTP_LENGTH}d}"
    ttl = settings.OTP_TTL_SECONDS
    OneTimeCode.objects.create(
        phone=phone,
        code_hash=_otp_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )
    message = gettext(
        "Your Xiangcun login code is %(code)s. It expires in %(minutes)d minutes. "
        "Do not tell anyone this code."
    ) % {"code": code, "minutes": max(1, ttl // 60)}
    sms_queue(phone=phone, message=message)


def otp_login(*, phone: str, code: str) -> User:
    """The user who holds this phone and its latest code; an unknown phone becomes a buyer."""
    phone = mobile_normalize(phone)
    code = "".join(code.split())
    now = timezone.now()
    error: XiangcunError | None = None
    user: User | None = None
    with transaction.atomic():
        # Only the latest code counts: asking for a new one retires the earlier ones.
        latest = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone)
            .order_by("-created_at", "-pk")
            .first()
        )
        if (
            latest is None
            or latest.used_at is not None
            or latest.expires_at <= now
            or latest.attempts >= settings.OTP_MAX_ATTEMPTS
        ):
            error = OtpExpiredError(field="code")
        elif not hmac.compare_digest(latest.code_hash, _otp_hash(phone, code)):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            error = (
                InvalidCodeError(field="code")
                if latest.attempts < settings.OTP_MAX_ATTEMPTS
                else OtpExpiredError(field="code")
            )
        else:
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            user = User.objects.filter(phone=phone).first()
            if user is None:
                # Logging in by SMS is how a shopper signs up: the phone is proven, no password.
                user = User.objects.create(phone=phone, password=make_password(None))
                role_grant(user=user, role=Role.BUYER)
            elif not user.is_active:
                error = AccountDisabledError()
    if error is not None:
        raise error
    if user is None:
        raise OtpExpiredError(field="code")
    return user


# --- API tokens -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    # Unkeyed SHA-256 is enough: the token has 256 random bits, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> IssuedApiToken:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    ApiToken.objects.create(
        user=user, key_hash=_token_hash(token), created_at=now, expires_at=expires_at
    )
    return IssuedApiToken(token=token, expires_at=expires_at)


@transaction.atomic
def api_token_authenticate(*, token: str) -> User | None:
    """The active user a live token belongs to, or None. Records when the token was used."""
    if not token:
        return None
    now = timezone.now()
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_token_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if api_token is None:
        return None
    if api_token.last_used_at is None or api_token.last_used_at <= now - TOKEN_USE_RESOLUTION:
        # Conditional, so concurrent requests with one token write once.
        ApiToken.objects.filter(pk=api_token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_USE_RESOLUTION)
        ).update(last_used_at=now)
    return api_token.user


@transaction.atomic
def api_token_revoke(*, token: str) -> bool:
    """Revoke a token; False when it was unknown or already revoked."""
    revoked = ApiToken.objects.filter(key_hash=_token_hash(token), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked > 0
