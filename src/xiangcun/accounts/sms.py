"""Text messages: what may be queued, how it becomes text, and who sends it.

A queued text names a *kind* and carries plain, non-secret *params* (ids, order numbers),
never the message itself: a login or pickup code would otherwise sit in clear in the task
queue, its result table and the admin. The `sms_send` task turns kind and params into text at
send time, in the recipient's language, through the renderer registered for the kind. Apps
above accounts register theirs in their `AppConfig.ready()` (through
`services.sms_kind_register`); a renderer that needs a secret derives it again from the
record (the pickup code from its parcel) and answers None when the text is no longer due.

The sender is chosen by settings.SMS_SENDER: any class with `send(phone, message)`; a gateway
(Aliyun, Tencent Cloud) is one more class named in the setting.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext

from xiangcun.accounts.types import SMS_TEXT, SmsRenderer
from xiangcun.core.validators import mobile_mask

logger = logging.getLogger(__name__)

_renderers: dict[str, SmsRenderer] = {}


class UnknownSmsKindError(LookupError):
    """A text of a kind no app registered: a programming error, raised when it is queued."""


def sms_renderer_register(kind: str, renderer: SmsRenderer) -> None:
    _renderers[kind] = renderer


def sms_kind_known(kind: str) -> bool:
    return kind in _renderers


def sms_render(*, kind: str, phone: str, params: Mapping[str, Any]) -> str | None:
    """The text for this kind and params in the active language, or None if none is due."""
    renderer = _renderers.get(kind)
    if renderer is None:
        raise UnknownSmsKindError(kind)
    return renderer(phone, params)


def _text_render(phone: str, params: Mapping[str, Any]) -> str:
    reserved = {"text", "plural", "translate"}
    values = {key: value for key, value in params.items() if key not in reserved}
    for key in params.get("translate") or ():
        if isinstance(values.get(key), str) and values[key]:
            values[key] = gettext(values[key])
    if params.get("plural"):
        template = ngettext(params["text"], params["plural"], int(values.get("count") or 0))
    else:
        template = gettext(params["text"])
    return template % values if values else template


sms_renderer_register(SMS_TEXT, _text_render)


class SmsSender(Protocol):
    def send(self, phone: str, message: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    message: str


_DIGITS = re.compile(r"\d")


class ConsoleSmsSender:
    """Development: writes the message to the log, so a developer can read a login code.

    Only with DEBUG on: anywhere else the digits are masked, as a log must hold no code."""

    def send(self, phone: str, message: str) -> None:
        shown = message if settings.DEBUG else _DIGITS.sub("*", message)
        logger.info("SMS to %s: %s", mobile_mask(phone), shown)


class MemorySmsSender:
    """Tests: keeps every message in a list of this process."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append(SmsMessage(phone=phone, message=message))


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.SMS_SENDER)()
    return sender
