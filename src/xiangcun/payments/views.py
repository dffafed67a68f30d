"""Payment pages: the sandbox approval page (demo and tests), WeChat Pay's notify URL and
WeChat's web sign-in, which gives the buyer's openid for paying inside WeChat (JSAPI).

Views only parse the request, call a service and shape the answer; the rules are in
`payments.services`.
"""

import hmac
import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import XiangcunError
from xiangcun.payments.errors import PaymentNotFoundError
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.selectors import WECHAT_OPENID_SESSION_KEY, payment_get
from xiangcun.payments.services import notification_receive, sandbox_decide
from xiangcun.payments.wechat_oauth import (
    WechatSigninError,
    WechatSigninNotConfiguredError,
    WechatSigninStateError,
    authorize_url,
    openid_for_code,
    state_new,
)

logger = logging.getLogger(__name__)

# The headers WeChat Pay signs with, kept with the notification for the record.
WECHAT_HEADER_PREFIXES = ("wechatpay-", "content-type", "request-id", "user-agent")
# The state and the page to go back to while the buyer is away at WeChat's sign-in.
WECHAT_SIGNIN_SESSION_KEY = "payments_wechat_signin"


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@require_http_methods(["GET", "POST"])
def sandbox_page(request: HttpRequest, number: str) -> HttpResponse:
    """Show a sandbox payment with Approve and Decline; a POST decides and goes back to the
    shop (`next`, or the return URL the payment was opened with)."""
    try:
        intent = payment_get(number=number)
    except PaymentNotFoundError as error:
        raise Http404 from error
    if intent.provider != "sandbox":
        raise Http404
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    error_message = ""
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("approve", "decline"):
            error_message = _("Choose Approve or Decline.")
            status = 400
        else:
            try:
                intent = sandbox_decide(number=number, approve=decision == "approve")
            except XiangcunError as error:
                error_message = str(error.message)
                status = error.status
                intent = payment_get(number=number)
            else:
                return_url = str(intent.client_data.get("return_url", ""))
                return redirect(next_url or _safe_next(request, return_url) or request.path)
    context = {
        "intent": intent,
        "amount": f"¥{intent.amount:.2f}",
        "pending": intent.status == PaymentIntent.Status.PENDING,
        "paid": intent.status == PaymentIntent.Status.SUCCEEDED,
        "next_url": next_url or _safe_next(request, str(intent.client_data.get("return_url", ""))),
        "error_message": error_message,
    }
    return render(request, "payments/sandbox.html", context, status=status)


def _fail(status: int, message: str) -> JsonResponse:
    # The answer WeChat Pay expects when a notification was not accepted: it will retry.
    return JsonResponse({"code": "FAIL", "message": message}, status=status)


@csrf_exempt
@require_POST
def wechat_notify(request: HttpRequest) -> HttpResponse:
    """WeChat Pay's notification URL: 204 when accepted (including a duplicate), 4xx/5xx with
    {"code": "FAIL", "message": ...} otherwise."""
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return _fail(400, "body is not UTF-8")
    headers = {
        key: value
        for key, value in request.headers.items()
        if key.lower().startswith(WECHAT_HEADER_PREFIXES)
    }
    try:
        notification_receive(provider="wechat", headers=headers, body=body)
    except XiangcunError as error:
        logger.warning("WeChat Pay notification refused: %s", error.code)
        return _fail(error.status if error.status >= 400 else 400, error.code)
    return HttpResponse(status=204)


@require_safe
def wechat_signin(request: HttpRequest) -> HttpResponse:
    """Send the buyer to WeChat's sign-in (snsapi_base: WeChat asks them nothing), to come back
    to `next` with their openid in the session."""
    next_url = _safe_next(request, request.GET.get("next", "")) or "/"
    state = state_new()
    redirect_uri = request.build_absolute_uri(reverse("payments:wechat_signin_return"))
    try:
        url = authorize_url(redirect_uri=redirect_uri, state=state)
    except WechatSigninNotConfiguredError as error:
        messages.error(request, str(error.message))
        return redirect(next_url)
    request.session[WECHAT_SIGNIN_SESSION_KEY] = {"state": state, "next": next_url}
    return redirect(url)


@require_safe
def wechat_signin_return(request: HttpRequest) -> HttpResponse:
    """WeChat sends the buyer back here with `code` and `state`. The state must be the one this
    session was sent with (else a forged sign-in could pin another person's openid on it)."""
    pending = request.session.get(WECHAT_SIGNIN_SESSION_KEY)
    if not isinstance(pending, dict):
        pending = {}
    state = request.GET.get("state", "")
    expected = str(pending.get("state", ""))
    if not (expected and state and hmac.compare_digest(state.encode(), expected.encode())):
        raise WechatSigninStateError
    del request.session[WECHAT_SIGNIN_SESSION_KEY]
    next_url = _safe_next(request, str(pending.get("next", ""))) or "/"
    code = request.GET.get("code", "")
    try:
        if not code or len(code) > 512:
            raise WechatSigninError
        openid = openid_for_code(code=code)
    except (WechatSigninError, WechatSigninNotConfiguredError) as error:
        messages.error(request, str(error.message))
        return redirect(next_url)
    request.session[WECHAT_OPENID_SESSION_KEY] = openid
    return redirect(next_url)
