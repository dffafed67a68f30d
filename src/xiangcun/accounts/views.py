"""Login, SMS login, logout and registration pages. They parse forms and call services."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from xiangcun.accounts.errors import OtpRateLimitedError
from xiangcun.accounts.forms import OtpLoginForm, OtpRequestForm, PasswordLoginForm, RegisterForm
from xiangcun.accounts.models import User
from xiangcun.accounts.services import otp_login, otp_request, password_login, user_register
from xiangcun.core.errors import XiangcunError
from xiangcun.core.forms import form_add_service_error

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _log_in(request: HttpRequest, user: User) -> HttpResponseRedirect:
    login(request, user, backend=BACKEND)
    return redirect(_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_login(
                phone=form.cleaned_data["phone"], password=form.cleaned_data["password"]
            )
        except XiangcunError as error:
            form_add_service_error(form, error)
        else:
            return _log_in(request, user)
    context = {"form": form, "next": _next_url(request)}
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
    if request.method == "POST" and step == "request" and request_form.is_valid():
        phone = request_form.cleaned_data["phone"]
        try:
            otp_request(phone=phone)
        except OtpRateLimitedError as error:
            # A code was sent moments ago: let them type it, and say when to ask again.
            code_form = OtpLoginForm(initial={"phone": phone})
            notice = str(error.message)
        except XiangcunError as error:
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
    return render(request, "accounts/login_sms.html", context)


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
