"""The order's state machine: who may move it where, the timeline, texts after commit,
cancellation and expiry of unpaid orders."""

from collections.abc import Callable

import pytest

from tests.conftest import Clock
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.orders import services
from xiangcun.orders.errors import (
    InvalidTransitionError,
    OrderNotCancellableError,
    OrderPermissionDeniedError,
)
from xiangcun.orders.models import Order
from xiangcun.payments.models import PaymentIntent

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(variant: Variant, place: Callable[..., Order], pay: Callable[[Order], Order]) -> Order:
    return pay(place([(variant.pk, 2)]))


def test_buyer_cannot_mark_an_order_shipped(paid: Order, buyer: User, packer: User) -> None:
    services.order_transition(actor=packer, order_id=paid.pk, to_status="packing")

    with pytest.raises(OrderPermissionDeniedError):
        services.order_transition(actor=buyer, order_id=paid.pk, to_status="shipped")


def test_seller_moves_only_orders_with_their_lines(
    paid: Order, variant: Variant, stocked: Callable[..., Variant]
) -> None:
    outsider = stocked(on_hand=1).product.seller.owner
    owner = variant.product.seller.owner

    with pytest.raises(OrderPermissionDeniedError):
        services.order_transition(actor=outsider, order_id=paid.pk, to_status="packing")
    services.order_transition(actor=owner, order_id=paid.pk, to_status="packing")

    assert Order.objects.get(pk=paid.pk).status == "packing"


def test_steps_cannot_be_skipped_or_taken_by_the_wrong_staff(
    paid: Order, packer: User, courier: User
) -> None:
    with pytest.raises(InvalidTransitionError):
        services.order_transition(actor=packer, order_id=paid.pk, to_status="delivered")
    services.order_transition(actor=packer, order_id=paid.pk, to_status="packing")
    services.order_transition(actor=courier, order_id=paid.pk, to_status="shipped")
    with pytest.raises(OrderPermissionDeniedError):
        services.order_transition(actor=packer, order_id=paid.pk, to_status="delivered")
    with pytest.raises(InvalidTransitionError):  # payment has its own path
        services.order_transition(actor=packer, order_id=paid.pk, to_status="paid")


def test_full_journey_records_a_timeline_and_texts_after_commit(
    variant: Variant,
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    buyer: User,
    packer: User,
    courier: User,
    sms_outbox: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = place([(variant.pk, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    for actor, status in (
        (packer, "packing"),
        (packer, "shipped"),
        (courier, "delivered"),
        (buyer, "completed"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.order_transition(actor=actor, order_id=order.pk, to_status=status)

    order.refresh_from_db()
    events = list(order.events.order_by("id"))
    assert [event.status for event in events] == [
        "pending_payment",
        "paid",
        "packing",
        "shipped",
        "delivered",
        "completed",
    ]
    assert events[2].actor_id == packer.pk
    assert order.completed_at is not None
    texts = [m.message for m in sms_outbox if m.phone == order.phone]
    # placed, paid, shipped, delivered
    assert len(texts) == 4
    assert all(order.number in text for text in texts)


def test_buyer_cancels_an_unpaid_order_and_the_stock_comes_back(
    variant: Variant, place: Callable[..., Order], buyer: User
) -> None:
    order = place([(variant.pk, 4)])

    services.order_cancel(actor=buyer, order_id=order.pk, reason="changed my mind")

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert Stock.objects.get(variant=variant).reserved == 0
    assert PaymentIntent.objects.get(number=order.payment_number).status == "cancelled"


def test_paid_orders_and_strangers_cannot_cancel(
    paid: Order, variant: Variant, place: Callable[..., Order], buyer: User, courier: User
) -> None:
    with pytest.raises(OrderNotCancellableError):
        services.order_cancel(actor=buyer, order_id=paid.pk)
    unpaid = place([(variant.pk, 1)])
    with pytest.raises(OrderPermissionDeniedError):
        services.order_cancel(actor=courier, order_id=unpaid.pk)


def test_unpaid_online_orders_expire_and_cash_orders_are_held_longer(
    variant: Variant, place: Callable[..., Order], clock: Clock
) -> None:
    online = place([(variant.pk, 2)])
    cash = place([(variant.pk, 3)], payment_method="cash")

    clock.advance(minutes=29)
    assert services.orders_expire() == 0
    clock.advance(minutes=2)
    assert services.orders_expire() == 1

    online.refresh_from_db()
    cash.refresh_from_db()
    assert (online.status, cash.status) == ("cancelled", "awaiting_cash")
    assert Stock.objects.get(variant=variant).reserved == 3
    clock.advance(hours=72)
    assert services.orders_expire(now=clock.now) == 1
    assert Stock.objects.get(variant=variant).reserved == 0
    assert Order.objects.get(pk=cash.pk).status == "cancelled"


def test_expiry_leaves_paid_orders_alone(paid: Order, clock: Clock) -> None:
    clock.advance(hours=100)

    assert services.orders_expire() == 0
    assert Order.objects.get(pk=paid.pk).status == "paid"


@pytest.fixture
def shared(
    stocked: Callable[..., Variant], place: Callable[..., Order], pay: Callable[[Order], Order]
) -> tuple[Order, Variant, Variant]:
    """A paid order with goods from two shops: honey from one, tea from another."""
    honey, tea = stocked(on_hand=5), stocked(on_hand=5)
    return pay(place([(honey.pk, 1), (tea.pk, 2)])), honey, tea


def _fulfilment(order: Order) -> dict[int, str]:
    return dict(order.lines.values_list("variant_id", "fulfilment"))


def test_a_seller_moves_only_their_own_lines_never_the_whole_order(
    shared: tuple[Order, Variant, Variant],
) -> None:
    order, honey, tea = shared
    beekeeper, tea_farmer = honey.product.seller.owner, tea.product.seller.owner

    services.order_transition(actor=beekeeper, order_id=order.pk, to_status="packing")
    services.order_transition(actor=beekeeper, order_id=order.pk, to_status="shipped")

    order.refresh_from_db()
    assert order.status == "packing"
    assert _fulfilment(order) == {honey.pk: "shipped", tea.pk: "open"}
    with pytest.raises(InvalidTransitionError):
        services.order_transition(actor=beekeeper, order_id=order.pk, to_status="shipped")
    with pytest.raises(InvalidTransitionError):
        services.order_transition(actor=beekeeper, order_id=order.pk, to_status="delivered")
    assert Order.objects.get(pk=order.pk).status == "packing"
    assert _fulfilment(order) == {honey.pk: "shipped", tea.pk: "open"}

    services.order_transition(actor=tea_farmer, order_id=order.pk, to_status="packing")
    assert Order.objects.get(pk=order.pk).status == "packing"
    services.order_transition(actor=tea_farmer, order_id=order.pk, to_status="shipped")

    order.refresh_from_db()
    assert order.status == "shipped"
    assert _fulfilment(order) == {honey.pk: "shipped", tea.pk: "shipped"}
    notes = [event.text for event in order.events.order_by("id")][2:]
    assert len(notes) == 4
    assert all(notes)


def test_a_seller_of_another_order_moves_nothing(
    shared: tuple[Order, Variant, Variant], stocked: Callable[..., Variant]
) -> None:
    order, honey, tea = shared
    outsider = stocked(on_hand=1).product.seller.owner

    with pytest.raises(OrderPermissionDeniedError):
        services.order_transition(actor=outsider, order_id=order.pk, to_status="packing")
    with pytest.raises(InvalidTransitionError):
        services.order_transition(actor=outsider, order_id=order.pk, to_status="shipped")

    order.refresh_from_db()
    assert order.status == "paid"
    assert _fulfilment(order) == {honey.pk: "open", tea.pk: "open"}


def test_staff_move_the_whole_order_and_every_line_with_it(
    shared: tuple[Order, Variant, Variant], packer: User
) -> None:
    order, honey, tea = shared

    services.order_transition(actor=packer, order_id=order.pk, to_status="packing")
    assert _fulfilment(order) == {honey.pk: "packing", tea.pk: "packing"}
    services.order_transition(
        actor=honey.product.seller.owner, order_id=order.pk, to_status="shipped"
    )
    assert Order.objects.get(pk=order.pk).status == "packing"
    services.order_transition(actor=packer, order_id=order.pk, to_status="shipped")

    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert _fulfilment(order) == {honey.pk: "shipped", tea.pk: "shipped"}


def test_a_cash_order_leaves_stock_when_its_first_seller_packs(
    stocked: Callable[..., Variant], place: Callable[..., Order]
) -> None:
    honey, tea = stocked(on_hand=5), stocked(on_hand=5)
    order = place([(honey.pk, 1), (tea.pk, 2)], payment_method="cash")

    services.order_transition(
        actor=tea.product.seller.owner, order_id=order.pk, to_status="packing"
    )

    order.refresh_from_db()
    assert (order.status, order.expires_at) == ("packing", None)
    assert Stock.objects.get(variant=honey).on_hand == 4
    assert Stock.objects.get(variant=tea).reserved == 0
