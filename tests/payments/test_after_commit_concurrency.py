"""Racing runs of the calls made to WeChat Pay after commit, on PostgreSQL (a local fake that
speaks its protocol): a refund sent by several pollers at once, a payment closed by several at
once. Each answer is recorded once: the rows are locked again and re-checked before it is.

SQLite ignores select_for_update, so this proves nothing there and is skipped.
"""

import time
from decimal import Decimal

import pytest
from django.db import connection

from tests.concurrency import run_together
from tests.payments.wechat_fake import FakeWechatPay
from xiangcun.ledger.selectors import entries_for_reference, ledger_total
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.selectors import payment_get, refund_get
from xiangcun.payments.services import (
    payment_cancel,
    payment_close,
    payment_create,
    payment_sync,
    refund_create,
    refund_sync,
)

RACERS = 8
WECHAT_BUSY = (500, "SYSTEM_ERROR", "系统繁忙，请稍后重试")


def wechat_payment() -> PaymentIntent:
    return payment_create(
        provider="wechat",
        reference=f"test:{time.time_ns()}",
        amount=Decimal("23.50"),
        description="乡村-小米 5斤",
        channel="native",
    )


@pytest.mark.postgres
def test_racing_sends_of_one_unanswered_refund_refund_it_once(
    transactional_db: None, wechat: FakeWechatPay
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    intent = wechat_payment()
    wechat.pay(intent.number)
    payment_sync(number=intent.number)
    wechat.failures.append(WECHAT_BUSY)
    refund = refund_create(
        number=intent.number, amount=Decimal("23.50"), reason="", refund_number="RF-RACE-1"
    )
    assert (refund.status, refund.provider_refund_id) == ("pending", "")

    outcomes = run_together(RACERS, lambda _n: refund_sync(refund_number="RF-RACE-1"))

    assert outcomes == ["ok"] * RACERS
    assert refund_get(refund_number="RF-RACE-1").status == Refund.Status.SUCCEEDED
    assert wechat.orders[intent.number].refunded == 2350
    assert list(wechat.refunds) == ["RF-RACE-1"]
    assert len(entries_for_reference(reference="refund:RF-RACE-1")) == 1
    refunded = payment_get(number=intent.number)
    assert (refunded.status, refunded.refunded_amount) == ("refunded", Decimal("23.50"))
    assert ledger_total() == 0


@pytest.mark.postgres
def test_racing_closes_of_one_payment_record_it_once_and_a_late_success_wins(
    transactional_db: None, wechat: FakeWechatPay
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    closed = wechat_payment()
    paid = wechat_payment()
    wechat.failures.extend([WECHAT_BUSY, WECHAT_BUSY])
    assert payment_cancel(number=closed.number).status == "closing"
    assert payment_cancel(number=paid.number).status == "closing"
    wechat.pay(paid.number)  # paid on the phone before WeChat heard of the close

    outcomes = run_together(
        RACERS, lambda n: payment_close(number=closed.number if n % 2 else paid.number)
    )

    assert outcomes == ["ok"] * RACERS
    assert payment_get(number=closed.number).status == "cancelled"
    assert wechat.orders[closed.number].trade_state == "CLOSED"
    assert payment_get(number=paid.number).status == "succeeded"
    assert len(entries_for_reference(reference=f"payment:{paid.number}")) == 1
    assert ledger_total() == 0
