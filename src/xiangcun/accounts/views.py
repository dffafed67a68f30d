"""Login, SMS login, logout and registration pages. They parse forms and call services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from xiangcun.accounts.errors import OtpRateLimitedError, SmsCodeRequiredError
from xiangcun.accounts.forms import OtpLoginForm, OtpRequestForm, PasswordLoginForm, RegisterForm
from xiangcun.accounts.models import User
from xiangcun.accounts.services import (
    login_failures_acknowledge,
    otp_login,
    otp_request,
    password_login,
    user_register,
)
from xiangcun.core.errors import RateLimitedError, XiangcunError
from xiangcun.core.forms import form_add_service_error

BACKEND = "django.contrib.auth.backends.ModelBackend"
_CODE_SENT = gettext_lazy("We sent a code by text message. Enter it with your password.")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _client_ip(request: HttpRequest) -> str:
    # TrustedProxyMiddleware has put the client's own address here behind nginx.
    return request.META.get("REMOTE_ADDR", "") or ""


def _log_in(request: HttpRequest, user: User) -> HttpResponseRedirect:
    login(request, user, backend=BACKEND)
    failures = login_failures_acknowledge(user=user)
    if failures:
        messages.warning(
            request,
            ngettext(
                "%(count)d attempt to log in to your account failed since your last login. "
                "If it was not you, think about changing your password.",
                "%(count)d attempts to log in to your account failed since your last login. "
                "If it was not you, think about changing your password.",
                failures,
            )
            % {"count": failures},
        )
    return redirect(_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    """Phone and password; after repeated wrong passwords for the phone, a texted code too."""
    sending = request.method == "POST" and request.POST.get("action") == "send_code"
    form = PasswordLoginForm(None if sending else (request.POST or None))
    show_code = bool(request.POST.get("code"))
    notice = ""
    if sending:
        # "Text me a code": the password is typed again with the code (it is never sent back).
        show_code = True
        phone = request.POST.get("phone", "")[:20]
        form = PasswordLoginForm(initial={"phone": phone})
        try:
            otp_request(phone=phone, client_ip=_client_ip(request))
        except XiangcunError as error:
            notice = str(error.message)
        else:
            notice = str(_CODE_SENT)
    elif request.method == "POST" and form.is_valid():
        try:
            user = password_login(
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except XiangcunError as error:
            show_code = show_code or isinstance(error, SmsCodeRequiredError)
            form_add_service_error(form, error)
        else:
            return _log_in(request, user)
    context = {"form": form, "show_code": show_code, "notice": notice, "next": _next_url(request)}
    return render(request, "accounts/login.html", context)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_sms(request: HttpRequest) -> HttpResponse:
    """Step one asks for the phone and texts a code; step two takes the code."""
    step = request.POST.get("step", "request")
    request_form = OtpRequestForm(request.POST if step == "request" else None)
    code_form: OtpLoginForm | None = None
    notice = ""
    retry_after = None
    if request.method == "POST" and step == "request" and request_form.is_valid():
        phone = request_form.cleaned_data["phone"]
        try:
            otp_request(phone=phone, client_ip=_client_ip(request))
        except OtpRateLimitedError as error:
            # A code was sent moments ago: let them type it, and say when to ask again.
            code_form = OtpLoginForm(initial={"phone": phone})
            notice = str(error.message)
        except XiangcunError as error:
            # Too many codes from this network or for the whole site: 429, and say so.
            if isinstance(error, RateLimitedError):
                retry_after = error.details.get("retry_after")
            form_add_service_error(request_form, error)
        else:
            code_form = OtpLoginForm(initial={"phone": phone})
    elif request.method == "POST" and step == "verify":
        code_form = OtpLoginForm(request.POST)
        if code_form.is_valid():
            try:
                user = otp_login(
                    phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
                )
            except XiangcunError as error:
                form_add_service_error(code_form, error)
            else:
                return _log_in(request, user)
    context = {
        "request_form": request_form,
        "code_form": code_form,
        "notice": notice,
        "code_minutes": max(1, settings.OTP_TTL_SECONDS // 60),
        "next": _next_url(request),
    }
    if retry_after is None:
        return render(request, "accounts/login_sms.html", context)
    response = render(request, "accounts/login_sms.html", context, status=429)
    response["Retry-After"] = str(int(retry_after))
    return response


@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm with a button: logging out by a link would let any page do it."""
    if request.method == "POST":
        logout(request)
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"],
            )
        except XiangcunError as error:
            form_add_service_error(form, error)
        else:
            return _log_in(request, user)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/register.html", context)
