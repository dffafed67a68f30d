"""Logging in: with a password (an SMS code too after repeated failures), or with an SMS
one-time code; the guards that count failures and requests."""

import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop, ngettext

from xiangcun.accounts.errors import (
    AccountDisabledError,
    InvalidCodeError,
    InvalidCredentialsError,
    OtpBusyError,
    OtpClientRateLimitedError,
    OtpExpiredError,
    OtpRateLimitedError,
    SmsCodeRequiredError,
)
from xiangcun.accounts.models import LoginGuard, OneTimeCode, RateCount, User
from xiangcun.accounts.services.messages import sms_queue
from xiangcun.accounts.services.users import role_grant
from xiangcun.accounts.types import SMS_TEXT, Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import mobile_normalize, text_check

OTP_LENGTH = 6


# Kinds of text accounts sends (see accounts.sms); SMS_TEXT is for texts that hold no secret.
LOGIN_CODE_SMS = "accounts.login_code"


# --- Password login, with an SMS code after repeated failures ----------------------------------


def _login_guard_locked(phone: str) -> LoginGuard:
    """The phone's guard row, locked: one login attempt per phone is judged at a time."""
    guard, _created = LoginGuard.objects.select_for_update().get_or_create(phone=phone)
    return guard


def password_login(*, phone: str, password: str, code: str = "") -> User:
    """The user with this phone and password, or an error.

    After LOGIN_MAX_FAILURES failures within the window a password alone no longer logs in,
    right or wrong (SmsCodeRequiredError, which does not tell which): the caller adds the
    phone's latest SMS code (`otp_request`). Nobody is locked out, so guessing cannot keep the
    owner, who holds the phone, out of the account; the guesser learns nothing more about the
    password. A code, when given, is always checked, and each try with it counts against it.
    """
    phone = mobile_normalize(phone)
    text_check(password=password, code=code)
    code = "".join(code.split())
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    error: XiangcunError | None = None
    user: User | None = None
    with transaction.atomic():
        guard = _login_guard_locked(phone)
        if guard.last_failure_at is None or guard.last_failure_at <= now - window:
            guard.failures = 0  # failures older than the window start afresh
        code_required = guard.failures >= settings.LOGIN_MAX_FAILURES
        otp: OneTimeCode | None = None
        if code:
            otp, error = _otp_verify(phone, code, now)
        elif code_required:
            error = SmsCodeRequiredError(field="code")
        if error is None:
            user = User.objects.filter(phone=phone).first()
            if user is None:
                # Hash anyway, so a missing account answers as slowly as a wrong password.
                make_password(password)
            if user is None or not user.check_password(password) or not user.is_active:
                user, error = None, InvalidCredentialsError()
        if otp is not None:
            # A right code is spent by a login, and each wrong password tried with it counts.
            if error is None:
                otp.used_at = now
            else:
                otp.attempts += 1
            otp.save(update_fields=["used_at", "attempts"])
        if error is None:
            guard.failures, guard.last_failure_at = 0, None
            guard.save(update_fields=["failures", "last_failure_at"])
        else:
            guard.failures += 1
            guard.failures_since_login += 1
            guard.last_failure_at = now
            if guard.failures >= settings.LOGIN_MAX_FAILURES and not code_required:
                # This failure raised the bar: say so, and tell the owner once in a while.
                if isinstance(error, InvalidCredentialsError) and not code:
                    error = SmsCodeRequiredError(field="code")
                _login_alert(guard, now)
            guard.save(
                update_fields=["failures", "failures_since_login", "last_failure_at", "alerted_at"]
            )
    if error is not None:
        raise error
    if user is None:
        raise InvalidCredentialsError()
    return user


def _login_alert(guard: LoginGuard, now: datetime) -> None:
    """Text the owner that their password is being guessed, at most once per alert period."""
    period = timedelta(seconds=settings.LOGIN_ALERT_SECONDS)
    if guard.alerted_at is not None and guard.alerted_at > now - period:
        return
    if not User.objects.filter(phone=guard.phone, is_active=True).exists():
        return
    guard.alerted_at = now
    text = gettext_noop(
        "Xiangcun: several wrong passwords were entered for your account. Your account is "
        "safe: for a while, logging in with your password also needs a code we text you. "
        "If it was not you, think about changing your password."
    )
    sms_queue(phone=guard.phone, kind=SMS_TEXT, params={"text": text})


@transaction.atomic
def login_failures_acknowledge(*, user: User) -> int:
    """How many logins to this user's number failed since they last logged in, now that they
    have; the count starts again from zero. Pages and the API show it to the owner."""
    guard = LoginGuard.objects.select_for_update().filter(phone=user.phone).first()
    if guard is None or guard.failures_since_login == 0:
        return 0
    count = guard.failures_since_login
    guard.failures_since_login = 0
    guard.save(update_fields=["failures_since_login"])
    return count


@transaction.atomic
def login_guard_reset(*, phone: str) -> None:
    """Let a password alone log in again, e.g. once a service-centre agent has checked the
    person's identity."""
    LoginGuard.objects.filter(phone=mobile_normalize(phone)).update(
        failures=0, last_failure_at=None
    )


# --- SMS one-time codes -----------------------------------------------------------------------


def _otp_hash(phone: str, code: str) -> str:
    # Keyed: a plain hash of a six-digit code is reversed by trying all million codes.
    return salted_hmac("xiangcun.accounts.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _otp_code(otp: OneTimeCode) -> str:
    """The code of this row, derived from its random salt under SECRET_KEY (as pickup codes are):
    the text is written when it is sent, so the code is never stored or queued."""
    digest = salted_hmac(
        "xiangcun.accounts.otp-code", f"{otp.phone}:{otp.code_salt}", algorithm="sha256"
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**OTP_LENGTH:0{OTP_LENGTH}d}"


def login_code_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The text of a login code, written by the SMS task when it sends it (kind LOGIN_CODE_SMS).
    None when the code can no longer be used: expired, used, or replaced by a newer one."""
    now = timezone.now()
    otp = OneTimeCode.objects.filter(pk=int(params["otp_id"]), phone=phone).first()
    if otp is None or not otp.code_salt or otp.used_at is not None or otp.expires_at <= now:
        return None
    latest = (
        OneTimeCode.objects.filter(phone=phone)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != otp.pk:
        return None
    minutes = max(1, -(-int((otp.expires_at - now).total_seconds()) // 60))
    return gettext(
        "Your Xiangcun login code is %(code)s. It expires in %(minutes)d minutes. "
        "Do not tell anyone this code."
    ) % {"code": _otp_code(otp), "minutes": minutes}


def _client_key(client_ip: str) -> str:
    """What one client is, for counting: its address, or its /64 for IPv6 (one home or phone
    holds a whole /64 and could walk through it)."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip[:64]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # An IPv4 client on a dual-stack socket (::ffff:a.b.c.d): every such address is in
        # one /64, which would make all IPv4 clients one.
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _rate_count_over(name: str, *, limit: int, window_seconds: int, now: datetime) -> int | None:
    """Count one more in the current fixed window; the seconds to its end when over `limit`.

    The counter is a database row locked until the caller's transaction ends, so concurrent
    requests on any app server or worker process are counted one after another (an
    in-process cache would give each gunicorn worker limits of its own). A refused request
    rolls back with its transaction and counts for nothing."""
    start = int(now.timestamp()) // window_seconds * window_seconds
    ends = datetime.fromtimestamp(start + window_seconds, tz=UTC)
    counter, _created = RateCount.objects.select_for_update().get_or_create(
        key=f"{name}:{start}", defaults={"expires_at": ends}
    )
    RateCount.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    if counter.count + 1 <= limit:
        return None
    return max(1, start + window_seconds - int(now.timestamp()))


def _otp_flood_check(*, client_ip: str, now: datetime) -> None:
    """Besides the limits per phone: per client address per hour, and the whole site's per
    minute, so one client cannot text any number of phones."""
    if client_ip:
        wait = _rate_count_over(
            f"client:{_client_key(client_ip)}",
            limit=settings.OTP_MAX_PER_CLIENT_PER_HOUR,
            window_seconds=3600,
            now=now,
        )
        if wait is not None:
            raise OtpClientRateLimitedError(retry_after=wait)
    wait = _rate_count_over("site", limit=settings.OTP_MAX_PER_MINUTE, window_seconds=60, now=now)
    if wait is not None:
        raise OtpBusyError(retry_after=wait)


@transaction.atomic
def otp_request(*, phone: str, client_ip: str = "") -> None:
    """Text a six-digit login code to the phone, within the limits per phone, per client address
    (`client_ip`, as the trusted-proxy middleware sets REMOTE_ADDR) and for the whole site."""
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
    # Counted only once this phone may have a code, so repeats for one phone cost no one else.
    _otp_flood_check(client_ip=client_ip, now=now)
    RateCount.objects.filter(expires_at__lt=now - timedelta(hours=1)).delete()

    otp = OneTimeCode(
        phone=phone,
        code_salt=secrets.token_hex(16),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    otp.code_hash = _otp_hash(phone, _otp_code(otp))
    otp.save()
    sms_queue(phone=phone, kind=LOGIN_CODE_SMS, params={"otp_id": otp.pk})


def _otp_verify(
    phone: str, code: str, now: datetime
) -> tuple[OneTimeCode | None, XiangcunError | None]:
    """Check a code against the phone's latest one (locked), counting a wrong try.

    Returns the row when the code is right (the caller spends it), else the error. Only the
    latest code counts: asking for a new one retires the earlier ones."""
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
        return None, OtpExpiredError(field="code")
    if not hmac.compare_digest(latest.code_hash, _otp_hash(phone, code)):
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
        if latest.attempts < settings.OTP_MAX_ATTEMPTS:
            return None, InvalidCodeError(field="code")
        return None, OtpExpiredError(field="code")
    return latest, None


def otp_login(*, phone: str, code: str) -> User:
    """The user who holds this phone and its latest code; an unknown phone becomes a buyer."""
    phone = mobile_normalize(phone)
    text_check(code=code)
    code = "".join(code.split())
    now = timezone.now()
    error: XiangcunError | None = None
    user: User | None = None
    with transaction.atomic():
        otp, error = _otp_verify(phone, code, now)
        if otp is not None:
            otp.used_at = now
            otp.save(update_fields=["used_at"])
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
