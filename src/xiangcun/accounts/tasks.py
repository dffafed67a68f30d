"""Background tasks of the accounts app."""

from typing import Any

from django.utils import translation
from django_tasks import task

from xiangcun.accounts.selectors import user_language
from xiangcun.accounts.sms import sms_render, sms_sender


# Its own queue, so a backlog of slow work elsewhere never delays a login code.
# The arguments are a kind and plain references (see accounts.sms), never the text: the text,
# which may hold a login or pickup code, exists only here, in memory, while it is sent. The
# return value (stored with the task's result) is only whether a text went out.
@task(queue_name="sms")
def sms_send(*, phone: str, kind: str, params: dict[str, Any]) -> bool:
    with translation.override(user_language(phone=phone)):
        message = sms_render(kind=kind, phone=phone, params=params)
    if message is None:
        return False
    sms_sender().send(phone, message)
    return True
