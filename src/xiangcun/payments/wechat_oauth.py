"""WeChat's web sign-in (OAuth 2.0, scope snsapi_base): the buyer's openid for our official
account, which WeChat Pay's JSAPI channel needs. Only payments' own views use it.

The buyer's browser goes to WeChat's authorize page and comes back with `code` and `state`;
the server exchanges the code for the openid. snsapi_base asks the buyer nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import ConflictError, InvalidInputError, XiangcunError

logger = logging.getLogger(__name__)

DEFAULT_AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
DEFAULT_API_URL = "https://api.weixin.qq.com"
CODE_EXCHANGE_PATH = "/sns/oauth2/access_token"
TIMEOUT_SECONDS = 10
# WeChat allows at most 128 bytes of state; ours is 32 URL-safe characters.
STATE_BYTES = 24


class WechatSigninNotConfiguredError(ConflictError):
    code = "wechat_signin_not_configured"
    default_message = _(
        "Paying inside WeChat is not switched on. Choose another way to pay, or open the "
        "shop in your phone's browser."
    )


class WechatSigninStateError(InvalidInputError):
    # The state WeChat brought back is not the one this browser was sent with: a forged or
    # replayed sign-in (CSRF), or an old link opened again.
    code = "wechat_signin_state"
    default_message = _("This WeChat sign-in link is not valid any more. Go back and try again.")


class WechatSigninError(XiangcunError):
    """WeChat refused the code (details: errcode) or did not answer."""

    code = "wechat_signin_failed"
    status: ClassVar[int] = 502
    default_message: ClassVar[str | Promise] = _(
        "WeChat could not confirm your WeChat account just now. Try again, or choose "
        "another way to pay."
    )


@dataclass(frozen=True)
class WechatOAuthConfig:
    appid: str
    secret: str
    authorize_url: str
    api_url: str

    @classmethod
    def from_settings(cls) -> WechatOAuthConfig:
        return cls(
            appid=str(getattr(settings, "WECHATPAY_APPID", "") or ""),
            secret=str(getattr(settings, "WECHAT_OAUTH_SECRET", "") or ""),
            authorize_url=str(
                getattr(settings, "WECHAT_OAUTH_AUTHORIZE_URL", "") or DEFAULT_AUTHORIZE_URL
            ),
            api_url=str(getattr(settings, "WECHAT_OAUTH_API_URL", "") or DEFAULT_API_URL).rstrip(
                "/"
            ),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.appid and self.secret)


def state_new() -> str:
    return secrets.token_urlsafe(STATE_BYTES)


def authorize_url(*, redirect_uri: str, state: str, config: WechatOAuthConfig | None = None) -> str:
    """Where to send the buyer's browser. WeChat wants these parameters in this order and the
    `#wechat_redirect` fragment, or its page refuses."""
    config = config or WechatOAuthConfig.from_settings()
    if not config.enabled:
        raise WechatSigninNotConfiguredError
    query = urlencode(
        [
            ("appid", config.appid),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", "snsapi_base"),
            ("state", state),
        ]
    )
    return f"{config.authorize_url}?{query}#wechat_redirect"


def openid_for_code(*, code: str, config: WechatOAuthConfig | None = None) -> str:
    """Exchange the code WeChat gave the browser for the buyer's openid (one use, 5 minutes)."""
    config = config or WechatOAuthConfig.from_settings()
    if not config.enabled:
        raise WechatSigninNotConfiguredError
    if urlsplit(config.api_url).scheme not in ("http", "https"):
        raise WechatSigninNotConfiguredError
    query = urlencode(
        [
            ("appid", config.appid),
            ("secret", config.secret),
            ("code", code),
            ("grant_type", "authorization_code"),
        ]
    )
    url = f"{config.api_url}{CODE_EXCHANGE_PATH}?{query}"
    try:
        # The scheme is checked above: only http(s) URLs from our own settings get here.
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(64 * 1024)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        # The reason goes to the log only: the URL holds our app secret.
        logger.warning("WeChat sign-in: the code exchange failed: %s", type(exc).__name__)
        raise WechatSigninError from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        logger.warning("WeChat sign-in: the code exchange answered something not JSON")
        raise WechatSigninError from exc
    if not isinstance(data, dict):
        raise WechatSigninError
    errcode = data.get("errcode")
    if errcode not in (None, 0):
        logger.warning("WeChat sign-in refused: %s %s", errcode, data.get("errmsg", ""))
        raise WechatSigninError(
            gettext(
                "WeChat could not confirm your WeChat account (WeChat error %(errcode)s). "
                "Try again, or choose another way to pay."
            )
            % {"errcode": errcode},
            errcode=errcode,
        )
    openid = data.get("openid")
    if not isinstance(openid, str) or not 1 <= len(openid) <= 128:
        logger.warning("WeChat sign-in: the answer carries no openid")
        raise WechatSigninError
    return openid
