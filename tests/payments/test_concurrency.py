"""Concurrent deliveries of the news that one payment succeeded, on PostgreSQL: the buyer's
approval and several provider notifications (some of them the same notification twice) race;
the ledger gets exactly one payment entry and the handlers run once.

SQLite ignores select_for_update, so this proves nothing there and is skipped.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from xiangcun.ledger.selectors import entries_for_reference, ledger_total
from xiangcun.payments.models import PaymentNotification
from xiangcun.payments.providers.sandbox import (
    sandbox_notification_body,
    sandbox_notification_headers,
)
from xiangcun.payments.selectors import payment_get
from xiangcun.payments.services import (
    notification_receive,
    payment_create,
    payment_succeeded_register,
    sandbox_decide,
)

ROUNDS = 3
DELIVERIES = 12


@pytest.mark.postgres
def test_racing_approvals_and_notifications_post_the_payment_once(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    committed: list[str] = []
    payment_succeeded_register(lambda result: committed.append(result.number))

    for round_number in range(ROUNDS):
        intent = payment_create(
            provider="sandbox",
            reference=f"test:{round_number}",
            amount=Decimal("88.80"),
            description="酸汤鱼礼盒",
        )
        start = threading.Barrier(DELIVERIES)
        outcomes: list[str] = []
        lock = threading.Lock()

        def deliver(
            n: int,
            number: str = intent.number,
            start: threading.Barrier = start,
            outcomes: list[str] = outcomes,
            lock: threading.Lock = lock,
        ) -> None:
            try:
                start.wait()
                try:
                    if n % 3 == 0:
                        sandbox_decide(number=number, approve=True)
                    else:
                        # Pairs of deliveries share a notification id: true duplicates.
                        body = sandbox_notification_body(
                            notification_id=f"N-{number}-{n // 2}",
                            out_trade_no=number,
                            amount=Decimal("88.80"),
                        )
                        notification_receive(
                            provider="sandbox",
                            headers=sandbox_notification_headers(body),
                            body=body,
                        )
                    outcome = "ok"
                except Exception as error:
                    outcome = repr(error)
                with lock:
                    outcomes.append(outcome)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=deliver, args=(n,)) for n in range(DELIVERIES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert outcomes == ["ok"] * DELIVERIES
        assert payment_get(number=intent.number).status == "succeeded"
        (entry,) = entries_for_reference(reference=f"payment:{intent.number}")
        assert entry.kind == "payment"
        notification_ids = set(
            PaymentNotification.objects.filter(intent=intent, verified=True).values_list(
                "notification_id", flat=True
            )
        )
        assert (
            len(notification_ids)
            == PaymentNotification.objects.filter(intent=intent, verified=True).count()
        )

    # A handler call inside a transaction that later rolled back would show up here too.
    assert sorted(committed) == sorted(set(committed))
    assert len(committed) == ROUNDS
    assert ledger_total() == 0
