"""Text messages: the sender chosen by settings.SMS_SENDER, and two senders that need no gateway.

A sender is any class with `send(phone: str, message: str) -> None`; a gateway (Aliyun, Tencent
Cloud) is one more class named in the setting. Code sends through `services.sms_queue`, which
queues the `tasks.sms_send` task once the transaction commits.
"""

import logging
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from xiangcun.core.validators import mobile_mask

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, phone: str, message: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    message: str


class ConsoleSmsSender:
    """Development: writes the message to the log, so a developer can read a login code."""

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mobile_mask(phone), message)


class MemorySmsSender:
    """Tests: keeps every message in a list of this process."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append(SmsMessage(phone=phone, message=message))


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.SMS_SENDER)()
    return sender
