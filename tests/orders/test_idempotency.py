"""A retried checkout (rural networks drop answers) returns the first order; a reused key with
another order is refused; concurrent duplicates on PostgreSQL create one order."""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from tests.accounts.factories import UserFactory
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Reservation, Stock
from xiangcun.orders.errors import IdempotencyConflictError
from xiangcun.orders.models import Order, OrderEvent, OrderLine
from xiangcun.payments.models import PaymentIntent


def _counts() -> tuple[int, ...]:
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
        PaymentIntent.objects.count(),
        Reservation.objects.count(),
    )


@pytest.mark.django_db
def test_same_key_and_body_return_the_same_order_and_create_nothing(
    variant: Variant, place: Callable[..., Order]
) -> None:
    first = place([(variant.pk, 2)], idempotency_key="checkout-1")
    before = _counts()

    again = place([(variant.pk, 2)], idempotency_key="checkout-1")

    assert again.pk == first.pk
    assert again.replayed
    assert not first.replayed
    assert _counts() == before == (1, 1, 1, 1, 1)
    assert Stock.objects.get(variant=variant).reserved == 2


@pytest.mark.django_db
def test_same_key_with_another_body_is_a_conflict(
    variant: Variant, place: Callable[..., Order]
) -> None:
    place([(variant.pk, 2)], idempotency_key="checkout-1")

    with pytest.raises(IdempotencyConflictError) as raised:
        place([(variant.pk, 3)], idempotency_key="checkout-1")

    assert raised.value.status == 409
    assert _counts() == (1, 1, 1, 1, 1)


@pytest.mark.django_db
def test_keys_belong_to_one_buyer(variant: Variant, place: Callable[..., Order]) -> None:
    other = UserFactory()
    mine = place([(variant.pk, 1)], idempotency_key="k1")

    theirs = place([(variant.pk, 1)], idempotency_key="k1", buyer=other)

    assert theirs.pk != mine.pk


@pytest.mark.postgres
def test_concurrent_duplicates_create_one_order(
    transactional_db: None, variant: Variant, place: Callable[..., Order]
) -> None:
    workers = 8
    start = threading.Barrier(workers)
    numbers: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            start.wait()
            order = place([(variant.pk, 1)], idempotency_key="flaky-network")
            with lock:
                numbers.append(order.number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(numbers) == workers
    assert len(set(numbers)) == 1
    assert Order.objects.count() == 1
    assert PaymentIntent.objects.count() == 1
    assert Stock.objects.get(variant=variant).reserved == 1
