"""Accounts API: tokens by password or SMS code, revoking a token, and who am I.

Errors answer `{"code", "message"}` (see xiangcun.api): invalid_phone 400, invalid_credentials
401, invalid_code 401, otp_expired 401, sms_code_required 401 (after repeated wrong passwords:
ask for a code at /otp and send it with the password), account_disabled 403, rate_limited 429
(with details.retry_after in seconds and a Retry-After header).
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import (
    api_token_issue,
    api_token_revoke,
    login_failures_acknowledge,
    otp_login,
    otp_request,
    password_login,
)
from xiangcun.core.api import ErrorOut

router = Router()


class PasswordLoginIn(Schema):
    phone: str
    password: str
    # Needed after repeated wrong passwords for the phone (answer sms_code_required).
    code: str = ""


class OtpRequestIn(Schema):
    phone: str


class OtpLoginIn(Schema):
    phone: str
    code: str


class TokenOut(Schema):
    token: str
    expires_at: datetime
    # Failed logins to this number since the owner last logged in: show it to them.
    failed_logins_since_last_login: int = 0


class OtpSentOut(Schema):
    expires_in: int
    resend_after: int


class MeOut(Schema):
    id: int
    phone: str
    name: str
    roles: list[str]


_LOGIN_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _token_answer(user: User) -> TokenOut:
    issued = api_token_issue(user=user)
    return TokenOut(
        token=issued.token,
        expires_at=issued.expires_at,
        failed_logins_since_last_login=login_failures_acknowledge(user=user),
    )


@router.post("/token", response={200: TokenOut, **_LOGIN_ERRORS}, summary="Token by password")
def token_by_password(request: HttpRequest, payload: PasswordLoginIn) -> TokenOut:
    user = password_login(phone=payload.phone, password=payload.password, code=payload.code)
    return _token_answer(user)


@router.post("/otp", response={202: OtpSentOut, **_LOGIN_ERRORS}, summary="Text a login code")
def otp_send(request: HttpRequest, payload: OtpRequestIn) -> Status[OtpSentOut]:
    # REMOTE_ADDR is the client's address: TrustedProxyMiddleware sets it behind nginx.
    otp_request(phone=payload.phone, client_ip=request.META.get("REMOTE_ADDR", ""))
    return Status(
        202,
        OtpSentOut(expires_in=settings.OTP_TTL_SECONDS, resend_after=settings.OTP_RESEND_SECONDS),
    )


@router.post("/otp/token", response={200: TokenOut, **_LOGIN_ERRORS}, summary="Token by code")
def token_by_code(request: HttpRequest, payload: OtpLoginIn) -> TokenOut:
    return _token_answer(otp_login(phone=payload.phone, code=payload.code))


@router.delete(
    "/token", auth=ApiTokenAuth(), response={204: None, 401: ErrorOut}, summary="Revoke token"
)
def token_revoke(request: HttpRequest) -> Status[None]:
    # Authentication has already accepted the header's token; this revokes that same one.
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    api_token_revoke(token=token)
    return Status(204, None)


@router.get("/me", auth=ApiTokenAuth(), response={200: MeOut, 401: ErrorOut}, summary="Who am I")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    roles = sorted(role.value for role in user_roles(user=user))
    return MeOut(id=user.pk, phone=user.phone, name=user.name, roles=roles)
