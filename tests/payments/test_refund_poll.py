"""Refunds WeChat Pay settles without telling us: the poll asks about refunds left pending
(GET /v3/refund/domestic/refunds/{out_refund_no} on a local fake that speaks the protocol) and
settles them exactly as the notification would, once, whichever of the two comes first."""

import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from tests.conftest import Clock
from tests.payments.wechat_fake import FakeWechatPay, WechatKeys, wechat_settings_apply
from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import account_balance, entries_for_reference, ledger_total
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.selectors import payment_get, refund_get
from xiangcun.payments.services import (
    payment_confirm_cash,
    payment_create,
    payment_sync,
    refund_create,
    refund_sync,
    refunds_poll,
)
from xiangcun.payments.types import RefundCompleted
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

NOTIFY_PATH = "/pay/wechat/notify/"


@pytest.fixture(scope="module")
def wechat_keys() -> WechatKeys:
    return WechatKeys.generate()


@pytest.fixture
def wechat(settings: Any, wechat_keys: WechatKeys) -> Iterator[FakeWechatPay]:
    fake = FakeWechatPay(wechat_keys, refund_status="PROCESSING").start()
    wechat_settings_apply(settings, fake, wechat_keys)
    yield fake
    fake.stop()


def later(minutes: float = 11) -> Any:
    return timezone.now() + timedelta(minutes=minutes)


def paid(wechat: FakeWechatPay, amount: str = "23.50") -> PaymentIntent:
    intent = payment_create(
        provider="wechat",
        reference=f"test:{time.time_ns()}",
        amount=Decimal(amount),
        description="乡村-小米 5斤",
        channel="native",
    )
    wechat.pay(intent.number)
    return payment_sync(number=intent.number)


def processing(wechat: FakeWechatPay, number: str, amount: str = "3.50") -> Refund:
    intent = paid(wechat)
    # WeChat is asked once the refund is committed: here, when the test's transaction would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        refund = refund_create(
            number=intent.number, amount=Decimal(amount), reason="少了一斤", refund_number=number
        )
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING
    return refund


def refund_queries(wechat: FakeWechatPay, number: str) -> int:
    return sum(
        1
        for request in wechat.received
        if request.method == "GET" and request.path == f"/v3/refund/domestic/refunds/{number}"
    )


def test_a_refund_wechat_settled_quietly_is_settled_by_the_poll(
    wechat: FakeWechatPay, refund_results: list[RefundCompleted]
) -> None:
    refund = processing(wechat, "RF-POLL-1")
    wechat.refund_settle("RF-POLL-1")

    assert refunds_poll(now=later(minutes=5)) == 0  # not yet due: WeChat is not asked
    assert refund_queries(wechat, "RF-POLL-1") == 0
    assert refunds_poll(now=later()) == 1

    assert refund_queries(wechat, "RF-POLL-1") == 1
    settled = refund_get(refund_number="RF-POLL-1")
    assert settled.status == Refund.Status.SUCCEEDED
    assert settled.provider_refund_id == wechat.refunds["RF-POLL-1"]["refund_id"]
    intent = payment_get(number=refund.intent.number)
    assert (intent.status, intent.refunded_amount) == ("partially_refunded", Decimal("3.50"))
    (entry,) = entries_for_reference(reference="refund:RF-POLL-1")
    assert entry.kind == "refund"
    assert account_balance(code="provider_receivable:wechat") == Decimal("20.00")
    assert [r.refund_number for r in refund_results] == ["RF-POLL-1"]
    assert ledger_total() == 0


def test_the_notification_after_the_poll_changes_nothing(
    wechat: FakeWechatPay, client: Client, refund_results: list[RefundCompleted]
) -> None:
    processing(wechat, "RF-POLL-2")
    wechat.refund_settle("RF-POLL-2")
    refunds_poll(now=later())

    response = wechat.refund_notification("RF-POLL-2").post_with(client, NOTIFY_PATH)

    assert response.status_code == 204
    assert len(entries_for_reference(reference="refund:RF-POLL-2")) == 1
    assert len(refund_results) == 1
    assert payment_get(number=refund_get(refund_number="RF-POLL-2").intent.number).refunded_amount
    assert ledger_total() == 0


def test_a_refund_the_notification_settled_is_not_asked_about(
    wechat: FakeWechatPay, client: Client, refund_results: list[RefundCompleted]
) -> None:
    processing(wechat, "RF-POLL-3")
    wechat.refund_settle("RF-POLL-3")
    wechat.refund_notification("RF-POLL-3").post_with(client, NOTIFY_PATH)

    assert refunds_poll(now=later()) == 0
    assert refund_sync(refund_number="RF-POLL-3").status == Refund.Status.SUCCEEDED

    assert refund_queries(wechat, "RF-POLL-3") == 0
    assert len(entries_for_reference(reference="refund:RF-POLL-3")) == 1
    assert len(refund_results) == 1


@pytest.mark.parametrize("state", ["ABNORMAL", "CLOSED"])
def test_a_refund_wechat_could_not_make_is_marked_failed(
    wechat: FakeWechatPay, refund_results: list[RefundCompleted], state: str
) -> None:
    refund = processing(wechat, "RF-POLL-4")
    wechat.refund_settle("RF-POLL-4", status=state)

    assert refunds_poll(now=later()) == 1

    assert refund_get(refund_number="RF-POLL-4").status == Refund.Status.FAILED
    intent = payment_get(number=refund.intent.number)
    assert (intent.status, intent.refunded_amount) == ("succeeded", Decimal("0.00"))
    assert entries_for_reference(reference="refund:RF-POLL-4") == []
    assert refund_results == []


def test_a_refund_still_processing_is_asked_about_again_only_later(
    wechat: FakeWechatPay, clock: Clock
) -> None:
    processing(wechat, "RF-POLL-5")
    clock.advance(minutes=11)

    assert refunds_poll() == 0
    assert refund_get(refund_number="RF-POLL-5").status == Refund.Status.PENDING
    clock.advance(minutes=9)
    assert refunds_poll() == 0  # asked nine minutes ago: not again yet
    assert refund_queries(wechat, "RF-POLL-5") == 1

    wechat.refund_settle("RF-POLL-5")
    clock.advance(minutes=2)
    assert refunds_poll() == 1
    assert refund_queries(wechat, "RF-POLL-5") == 2
    assert refund_get(refund_number="RF-POLL-5").status == Refund.Status.SUCCEEDED


def test_a_refund_wechat_does_not_know_stays_pending_and_the_rest_are_settled(
    wechat: FakeWechatPay,
) -> None:
    processing(wechat, "RF-POLL-6")
    processing(wechat, "RF-POLL-7")
    del wechat.refunds["RF-POLL-6"]  # WeChat answers 404 RESOURCE_NOT_EXISTS
    wechat.refund_settle("RF-POLL-7")

    assert refunds_poll(now=later()) == 1

    assert refund_get(refund_number="RF-POLL-6").status == Refund.Status.PENDING
    assert refund_get(refund_number="RF-POLL-7").status == Refund.Status.SUCCEEDED


def test_cash_refunds_wait_for_the_station_and_are_never_polled(
    station: Station, courier: User
) -> None:
    intent = payment_create(
        provider="cash",
        channel="station",
        reference="test:cash-1",
        amount=Decimal("18.00"),
        description="乡村-鸭蛋",
    )
    payment_confirm_cash(actor=courier, number=intent.number, station_id=station.pk)
    refund_create(number=intent.number, amount=Decimal("18.00"), reason="", refund_number="RC-1")

    assert refunds_poll(now=later(minutes=60 * 24)) == 0
    assert refund_sync(refund_number="RC-1").status == Refund.Status.PENDING


def test_the_periodic_command_settles_due_refunds(wechat: FakeWechatPay) -> None:
    processing(wechat, "RF-POLL-8")
    wechat.refund_settle("RF-POLL-8")
    Refund.objects.filter(number="RF-POLL-8").update(updated_at=later(minutes=-11))

    call_command("periodic", stdout=StringIO())

    assert refund_get(refund_number="RF-POLL-8").status == Refund.Status.SUCCEEDED
