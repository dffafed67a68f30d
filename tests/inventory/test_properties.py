"""Property test: any sequence of receive, reserve, release, consume and count keeps stock sane."""

import contextlib
import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from xiangcun.inventory import services
from xiangcun.inventory.errors import InsufficientStockError, StockBelowReservedError
from xiangcun.inventory.models import Reservation, Stock, StockMovement

_references = itertools.count()


class StockMachine(RuleBasedStateMachine):
    """One variant at two locations, driven like a busy market day."""

    @initialize()
    def setup(self) -> None:
        # Fresh rows per example: all examples share one test transaction.
        self.variant = VariantFactory()
        self.locations = [LocationFactory(), LocationFactory()]
        self.open_references: list[str] = []
        self.actor = self.variant.product.seller.owner
        self.actor.is_superuser = True

    @rule(place=st.integers(0, 1), quantity=st.integers(1, 20))
    def receive(self, place: int, quantity: int) -> None:
        services.stock_receive(
            actor=self.actor,
            variant_id=self.variant.pk,
            location_id=self.locations[place].pk,
            quantity=quantity,
        )

    @rule(place=st.integers(0, 1), counted=st.integers(0, 30))
    def count(self, place: int, counted: int) -> None:
        with contextlib.suppress(StockBelowReservedError):
            services.stock_adjust(
                actor=self.actor,
                variant_id=self.variant.pk,
                location_id=self.locations[place].pk,
                counted=counted,
            )

    @rule(quantity=st.integers(1, 25))
    def reserve(self, quantity: int) -> None:
        reference = f"order-{next(_references)}"
        try:
            services.stock_reserve(lines=[(self.variant.pk, quantity)], reference=reference)
        except InsufficientStockError:
            return
        self.open_references.append(reference)

    @precondition(lambda self: self.open_references)
    @rule(data=st.data(), consume=st.booleans())
    def finish(self, data: st.DataObject, consume: bool) -> None:
        reference = data.draw(st.sampled_from(self.open_references))
        self.open_references.remove(reference)
        if consume:
            services.reservation_consume(reference=reference)
        else:
            services.reservation_release(reference=reference)

    @invariant()
    def stock_is_sane(self) -> None:
        if not hasattr(self, "variant"):
            return
        for stock in Stock.objects.filter(variant=self.variant):
            assert stock.on_hand >= 0
            assert 0 <= stock.reserved <= stock.on_hand
            moved = StockMovement.objects.filter(stock=stock).aggregate(total=Sum("quantity"))
            assert (moved["total"] or 0) == stock.on_hand
            held = Reservation.objects.filter(stock=stock, status="active").aggregate(
                total=Sum("quantity")
            )
            assert (held["total"] or 0) == stock.reserved
            last = StockMovement.objects.filter(stock=stock).order_by("-id").first()
            assert last is None or last.on_hand_after == stock.on_hand


@pytest.mark.django_db
def test_random_stock_operations_keep_every_invariant() -> None:
    run_state_machine_as_test(
        StockMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
