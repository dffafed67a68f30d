"""Holding stock for orders: all or nothing, consumed on payment, released or lapsed otherwise."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.sms import MemorySmsSender
from xiangcun.catalog.models import Variant
from xiangcun.inventory import selectors, services, tasks
from xiangcun.inventory.errors import (
    InsufficientStockError,
    InvalidQuantityError,
    ReservationExistsError,
    ReservationExpiredError,
    ReservationNotFoundError,
)
from xiangcun.inventory.models import Location, Reservation, Stock, StockMovement

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(variant: Variant, warehouse: Location, keeper: User) -> Stock:
    return services.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, quantity=10
    )


def _stock(stock: Stock) -> tuple[int, int]:
    row = Stock.objects.get(pk=stock.pk)
    return row.on_hand, row.reserved


def test_reservation_holds_units_without_moving_on_hand(variant: Variant, stocked: Stock) -> None:
    held = services.stock_reserve(lines=[(variant.pk, 4)], reference="order-1")

    assert [(r.quantity, r.status) for r in held] == [(4, "active")]
    assert _stock(stocked) == (10, 4)
    assert selectors.available_by_variant(variant_ids=[variant.pk]) == {variant.pk: 6}


def test_reservation_is_all_or_nothing(
    variant: Variant, stocked: Stock, keeper: User, warehouse: Location
) -> None:
    scarce = VariantFactory()
    scarce_stock = services.stock_receive(
        actor=keeper, variant_id=scarce.pk, location_id=warehouse.pk, quantity=1
    )

    with pytest.raises(InsufficientStockError) as caught:
        services.stock_reserve(lines=[(variant.pk, 3), (scarce.pk, 2)], reference="order-1")

    assert caught.value.code == "insufficient_stock"
    assert caught.value.details == {"variant_id": scarce.pk, "requested": 2, "available": 1}
    assert _stock(stocked) == (10, 0)
    assert _stock(scarce_stock) == (1, 0)
    assert not Reservation.objects.exists()


def test_repeated_lines_of_one_variant_are_added_up(variant: Variant, stocked: Stock) -> None:
    with pytest.raises(InsufficientStockError):
        services.stock_reserve(lines=[(variant.pk, 6), (variant.pk, 5)], reference="order-1")
    services.stock_reserve(lines=[(variant.pk, 6), (variant.pk, 4)], reference="order-2")
    assert _stock(stocked) == (10, 10)


def test_reservation_spans_locations_fullest_first(variant: Variant, keeper: User) -> None:
    small, large = LocationFactory(), LocationFactory()
    services.stock_receive(actor=keeper, variant_id=variant.pk, location_id=small.pk, quantity=2)
    services.stock_receive(actor=keeper, variant_id=variant.pk, location_id=large.pk, quantity=5)

    held = services.stock_reserve(lines=[(variant.pk, 6)], reference="order-1")

    assert sorted((r.stock.location_id, r.quantity) for r in held) == sorted(
        [(large.pk, 5), (small.pk, 1)]
    )


def test_bad_reservations_are_refused(variant: Variant, stocked: Stock) -> None:
    with pytest.raises(InvalidQuantityError):
        services.stock_reserve(lines=[(variant.pk, 0)], reference="order-1")
    with pytest.raises(InvalidQuantityError):
        services.stock_reserve(lines=[], reference="order-1")
    services.stock_reserve(lines=[(variant.pk, 1)], reference="order-1")
    with pytest.raises(ReservationExistsError):
        services.stock_reserve(lines=[(variant.pk, 1)], reference="order-1")
    assert _stock(stocked) == (10, 1)


def test_consume_sells_the_held_units_once(variant: Variant, stocked: Stock) -> None:
    services.stock_reserve(lines=[(variant.pk, 4)], reference="order-1")

    consumed = services.reservation_consume(reference="order-1")
    again = services.reservation_consume(reference="order-1")

    assert [r.status for r in consumed] == ["consumed"]
    assert [r.pk for r in again] == [r.pk for r in consumed]
    assert _stock(stocked) == (6, 0)
    sales = StockMovement.objects.filter(stock=stocked, reason="sell")
    assert [(m.quantity, m.on_hand_after, m.reference) for m in sales] == [(-4, 6, "order-1")]


def test_release_gives_units_back(variant: Variant, stocked: Stock) -> None:
    services.stock_reserve(lines=[(variant.pk, 4)], reference="order-1")

    assert services.reservation_release(reference="order-1") == 1
    assert services.reservation_release(reference="order-1") == 0
    assert _stock(stocked) == (10, 0)
    with pytest.raises(ReservationExpiredError):
        services.reservation_consume(reference="order-1")


def test_expiry_releases_only_lapsed_holds(variant: Variant, stocked: Stock) -> None:
    services.stock_reserve(lines=[(variant.pk, 3)], reference="short", ttl_seconds=60)
    services.stock_reserve(lines=[(variant.pk, 2)], reference="long", ttl_seconds=3600)

    ended = services.reservations_expire(now=timezone.now() + timedelta(minutes=5))

    assert ended == 1
    assert _stock(stocked) == (10, 2)
    assert Reservation.objects.get(reference="short").status == "expired"
    with pytest.raises(ReservationExpiredError) as caught:
        services.reservation_consume(reference="short")
    assert caught.value.code == "reservation_expired"


def test_expiry_task_runs_the_service(variant: Variant, stocked: Stock) -> None:
    services.stock_reserve(lines=[(variant.pk, 3)], reference="order-1", ttl_seconds=1)
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    result = tasks.reservations_expire.enqueue()

    assert result.return_value == 1
    assert _stock(stocked) == (10, 0)


def test_consume_of_an_unknown_reference_is_not_found(db: None) -> None:
    with pytest.raises(ReservationNotFoundError):
        services.reservation_consume(reference="nope")


def test_low_stock_task_texts_the_seller(
    variant: Variant, farm: Location, owner: User, django_capture_on_commit_callbacks
) -> None:
    MemorySmsSender.outbox.clear()
    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=2)
    services.stock_threshold_set(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, threshold=2
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.low_stock_notify.enqueue()

    assert [item["variant_id"] for item in result.return_value] == [variant.pk]
    assert [m.phone for m in MemorySmsSender.outbox] == [owner.phone]


def test_the_periodic_command_expires_lapsed_reservations(variant: Variant, stocked: Stock) -> None:
    services.stock_reserve(lines=[(variant.pk, 3)], reference="order-2", ttl_seconds=1)
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    call_command("periodic", stdout=StringIO())

    assert _stock(stocked) == (10, 0)
    assert Reservation.objects.get(reference="order-2").status == Reservation.Status.EXPIRED
