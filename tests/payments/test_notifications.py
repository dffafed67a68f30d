"""Provider notifications: verified once, duplicates without a second effect, forgeries and
replays refused, stored and logged. Uses the sandbox provider's signed notifications, which
follow WeChat Pay's scheme (timestamp, nonce, body)."""

import logging
from decimal import Decimal

import pytest

from tests.conftest import Clock
from xiangcun.ledger.selectors import entries_for_reference, ledger_total
from xiangcun.payments.errors import InvalidNotificationError, UnknownProviderError
from xiangcun.payments.models import PaymentIntent, PaymentNotification
from xiangcun.payments.providers.sandbox import (
    sandbox_notification_body,
    sandbox_notification_headers,
)
from xiangcun.payments.selectors import payment_get
from xiangcun.payments.services import (
    notification_receive,
    payment_cancel,
    payment_create,
    sandbox_decide,
)
from xiangcun.payments.types import PaymentResult

pytestmark = pytest.mark.django_db

D = Decimal


def _intent(amount: str = "30.00") -> PaymentIntent:
    return payment_create(
        provider="sandbox", reference="test:1", amount=D(amount), description="牛肉干"
    )


def _deliver(body: str) -> PaymentIntent | None:
    headers = sandbox_notification_headers(body)
    return notification_receive(provider="sandbox", headers=headers, body=body)


def _paid_body(intent: PaymentIntent, notification_id: str = "N-1", amount: str | None = None):
    return sandbox_notification_body(
        notification_id=notification_id,
        out_trade_no=intent.number,
        amount=D(amount) if amount is not None else intent.amount,
    )


def test_a_verified_notification_marks_the_payment_paid(paid_results: list[PaymentResult]) -> None:
    intent = _intent()

    result = _deliver(_paid_body(intent))

    assert result is not None
    assert result.status == "succeeded"
    assert len(entries_for_reference(reference=f"payment:{intent.number}")) == 1
    (notification,) = PaymentNotification.objects.all()
    assert (notification.verified, notification.processed, notification.intent_id) == (
        True,
        True,
        intent.pk,
    )
    assert notification.event_type == "TRANSACTION.SUCCESS"
    assert len(paid_results) == 1


def test_a_duplicated_notification_has_no_second_effect(paid_results: list[PaymentResult]) -> None:
    intent = _intent()
    body = _paid_body(intent, notification_id="N-dup")

    first = _deliver(body)
    second = _deliver(body)  # the provider did not hear our answer and sent it again

    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert PaymentNotification.objects.filter(verified=True).count() == 1
    (entry,) = entries_for_reference(reference=f"payment:{intent.number}")
    assert entry.kind == "payment"
    assert len(paid_results) == 1
    assert ledger_total() == 0


def test_a_second_notification_for_a_paid_payment_changes_nothing(
    paid_results: list[PaymentResult],
) -> None:
    intent = _intent()
    sandbox_decide(number=intent.number, approve=True)

    _deliver(_paid_body(intent, notification_id="N-late"))

    assert len(entries_for_reference(reference=f"payment:{intent.number}")) == 1
    assert len(paid_results) == 1
    assert PaymentNotification.objects.get().processed


def test_a_forged_notification_is_refused_stored_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    intent = _intent()
    body = _paid_body(intent, notification_id="N-forged")
    headers = sandbox_notification_headers(body)
    tampered = body.replace("30.00", "0.01")

    with (
        caplog.at_level(logging.WARNING, logger="xiangcun.payments"),
        pytest.raises(InvalidNotificationError) as raised,
    ):
        notification_receive(provider="sandbox", headers=headers, body=tampered)

    assert raised.value.code == "invalid_notification"
    assert payment_get(number=intent.number).status == "pending"
    assert entries_for_reference(reference=f"payment:{intent.number}") == []
    (stored,) = PaymentNotification.objects.all()
    assert (stored.verified, stored.processed, stored.notification_id) == (False, False, "N-forged")
    assert stored.error == "bad_signature"
    assert stored.body == tampered
    assert "Rejected a sandbox payment notification" in caplog.text


def test_a_replayed_old_notification_is_refused(clock: Clock) -> None:
    intent = _intent()
    body = _paid_body(intent, notification_id="N-old")
    captured = sandbox_notification_headers(body)
    clock.advance(minutes=6)

    with pytest.raises(InvalidNotificationError):
        notification_receive(provider="sandbox", headers=captured, body=body)

    assert payment_get(number=intent.number).status == "pending"
    assert PaymentNotification.objects.get().error == "stale_timestamp"


@pytest.mark.parametrize(
    "headers", [{}, {"Sandbox-Timestamp": "x", "Sandbox-Nonce": "n", "Sandbox-Signature": "s"}]
)
def test_a_notification_without_proper_headers_is_refused(headers: dict) -> None:
    with pytest.raises(InvalidNotificationError):
        notification_receive(provider="sandbox", headers=headers, body="{}")
    assert PaymentNotification.objects.filter(verified=False).count() == 1


def test_a_signed_but_unreadable_body_is_refused() -> None:
    body = "not json"
    with pytest.raises(InvalidNotificationError):
        _deliver(body)
    assert PaymentNotification.objects.get().error == "unreadable_body"


def test_a_notification_with_the_wrong_amount_does_not_mark_the_payment_paid(
    caplog: pytest.LogCaptureFixture,
) -> None:
    intent = _intent("30.00")

    with caplog.at_level(logging.ERROR, logger="xiangcun.payments"):
        result = _deliver(_paid_body(intent, amount="3.00"))

    assert result is not None
    assert result.status == "pending"
    notification = PaymentNotification.objects.get()
    assert (notification.verified, notification.processed) == (True, False)
    assert notification.error.startswith("amount mismatch")
    assert entries_for_reference(reference=f"payment:{intent.number}") == []
    assert "amount mismatch" in caplog.text


def test_a_notification_for_an_unknown_payment_is_kept_and_answers_none() -> None:
    body = sandbox_notification_body(notification_id="N-x", out_trade_no="P000", amount=D("1"))
    assert _deliver(body) is None
    assert PaymentNotification.objects.get().error == "unknown payment"


def test_money_arriving_after_cancellation_is_still_booked(
    paid_results: list[PaymentResult],
) -> None:
    intent = _intent()
    payment_cancel(number=intent.number)

    result = _deliver(_paid_body(intent))

    assert result is not None
    assert result.status == "succeeded"
    assert len(entries_for_reference(reference=f"payment:{intent.number}")) == 1
    assert len(paid_results) == 1


def test_cash_has_no_notifications_and_unknown_providers_are_refused() -> None:
    with pytest.raises(InvalidNotificationError):
        notification_receive(provider="cash", headers={}, body="{}")
    with pytest.raises(UnknownProviderError):
        notification_receive(provider="alipay", headers={}, body="{}")
