"""Text messages: the kinds apps may send, and a text queued to go once the write commits."""

from typing import Any

from django.db import transaction

from xiangcun.accounts.sms import UnknownSmsKindError, sms_kind_known, sms_renderer_register
from xiangcun.accounts.tasks import sms_send
from xiangcun.accounts.types import SmsParams, SmsRenderer


def sms_kind_register(kind: str, renderer: SmsRenderer) -> None:
    """Let `sms_queue` send texts of this kind. `renderer(phone, params)` writes the text when
    it is sent, in the recipient's language, or answers None when it is no longer due. Apps
    above accounts call this in their AppConfig.ready(), so every process (the worker too)
    knows every kind."""
    sms_renderer_register(kind, renderer)


def sms_queue(*, phone: str, kind: str, params: SmsParams | None = None) -> None:
    """Text `phone` once the current transaction commits (never for a rolled-back write).

    The task carries the kind and params, never the text: they are stored in clear in the task
    queue, so params are references (a parcel's id) and plain values, never a code. The text is
    written at send time, in the recipient's language. `kind=SMS_TEXT` sends a message that
    holds no secret, given as a msgid (see accounts.sms).
    """
    if not sms_kind_known(kind):
        raise UnknownSmsKindError(kind)
    payload: dict[str, Any] = dict(params or {})
    transaction.on_commit(lambda: sms_send.enqueue(phone=phone, kind=kind, params=payload))
