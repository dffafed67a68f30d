"""Texts are queued as a kind and references and written when they are sent: in the
recipient's language, never for a code that can no longer be used, and nothing of them in the
queue or, outside development, in the log."""

import logging
import re
from typing import Any

import pytest
from django.test import override_settings
from django_tasks.signals import task_enqueued

from tests.accounts.factories import UserFactory
from tests.conftest import Clock
from xiangcun.accounts.models import OneTimeCode
from xiangcun.accounts.services import otp_request, sms_queue
from xiangcun.accounts.sms import ConsoleSmsSender, SmsMessage, UnknownSmsKindError
from xiangcun.accounts.types import SMS_TEXT

pytestmark = pytest.mark.django_db


def test_a_login_code_is_written_in_the_recipients_language(
    django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    UserFactory(phone="13800138001", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        otp_request(phone="13800138000")  # no account: the site's language
        otp_request(phone="13800138001")

    chinese, english = sms_outbox
    assert "登录验证码" in chinese.message
    assert english.message.startswith("Your Xiangcun login code is ")
    assert re.search(r"\b\d{6}\b", english.message)


def test_the_task_is_queued_with_a_reference_not_the_code(
    django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    queued: list[dict[str, Any]] = []

    def seen(sender: Any, task_result: Any, **kwargs: Any) -> None:
        queued.append(dict(task_result.kwargs))

    task_enqueued.connect(seen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            otp_request(phone="13800138000")
    finally:
        task_enqueued.disconnect(seen)

    otp = OneTimeCode.objects.get()
    assert queued == [
        {"phone": "13800138000", "kind": "accounts.login_code", "params": {"otp_id": otp.pk}}
    ]
    code = re.findall(r"\b\d{6}\b", sms_outbox[-1].message)[0]
    assert code not in otp.code_hash
    assert code not in otp.code_salt


def test_a_code_replaced_before_its_text_went_out_is_not_sent(
    django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage], clock: Clock
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as first:
        otp_request(phone="13800138000")
    clock.advance(seconds=61)
    with django_capture_on_commit_callbacks(execute=True):
        otp_request(phone="13800138000")
    for callback in first:  # the first text, held up in the queue, goes out late
        callback()

    assert len(sms_outbox) == 1


def test_a_plain_text_is_translated_when_it_is_sent(
    django_capture_on_commit_callbacks: Any, sms_outbox: list[SmsMessage]
) -> None:
    UserFactory(phone="13800138001", language="en")
    params = {
        "text": "Xiangcun order %(number)s: %(status)s.",
        "number": "X1",
        "status": "Delivered",
        "translate": ["status"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        sms_queue(phone="13800138000", kind=SMS_TEXT, params=params)
        sms_queue(phone="13800138001", kind=SMS_TEXT, params=params)

    assert sms_outbox[1].message == "Xiangcun order X1: Delivered."
    assert "X1" in sms_outbox[0].message
    assert "Delivered" not in sms_outbox[0].message


def test_a_kind_nobody_registered_is_refused_when_queued() -> None:
    with pytest.raises(UnknownSmsKindError):
        sms_queue(phone="13800138000", kind="no.such.kind", params={})


def test_the_console_sender_logs_no_code_outside_development(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    with override_settings(DEBUG=False):
        ConsoleSmsSender().send("13800138000", "Your code is 123456.")
    assert "123456" not in caplog.text
    assert "Your code is ******." in caplog.text
