"""Assisted orders: placed for a consenting resident by their station's agent, idempotent on the
console's key (one order, one cash posting), refused line by line when prices or stock moved."""

from decimal import Decimal

import pytest

from tests.regions.factories import StationFactory
from tests.servicecenter.factories import agent_at, consented_resident, goods_in_stock
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import station_cash_account
from xiangcun.orders.errors import QuantityOverLimitError
from xiangcun.orders.models import Order
from xiangcun.orders.selectors import orders_for_buyer
from xiangcun.orders.services import MAX_QUANTITY
from xiangcun.orders.types import OrderStatus
from xiangcun.servicecenter import selectors, services
from xiangcun.servicecenter.errors import (
    AssistedOrderNotFoundError,
    IdempotencyConflictError,
    InvalidIdempotencyKeyError,
    NoConsentError,
    NoOpenDrawerError,
    PriceChangedError,
)
from xiangcun.servicecenter.models import AssistedAction, AssistedOrder, DrawerMovement

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return StationFactory(phone="")


@pytest.fixture
def agent(station):
    agent = agent_at(station, phone="13800000004")
    services.drawer_open(actor=agent, float_amount=Decimal("200.00"))
    return agent


@pytest.fixture
def resident(station, agent):
    return consented_resident(station, agent, name="杨阿婆")


@pytest.fixture
def rice():
    return goods_in_stock(on_hand=10, price=Decimal("12.50"))


def _place(agent, resident, rice, *, key="k-1", quantity=2, payment="cash", **extra):
    return services.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(rice.pk, quantity)],
        payment_method=payment,
        idempotency_key=key,
        **extra,
    )


def test_cash_order_for_a_resident_without_a_phone(agent, station, resident, rice) -> None:
    placed = _place(agent, resident, rice)
    order = Order.objects.get(pk=placed.order.pk)
    assert placed.created is True
    assert order.buyer_id is None
    assert order.placed_by_id == agent.pk
    assert order.recipient == "杨阿婆"
    # No phone of her own and none at the station: the agent is texted when it arrives.
    assert order.phone == "13800000004"
    assert order.station_id == station.pk
    assert order.delivery_method == "station_pickup"
    assert order.total == Decimal("25.00") + order.delivery_fee
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    movement = DrawerMovement.objects.get(kind="order_cash")
    assert movement.amount == order.total
    assert movement.reference == f"payment:{order.payment_number}"
    assert account_balance(code=station_cash_account(station.pk)) == Decimal("200.00") + order.total
    assert AssistedAction.objects.filter(code="order_placed", resident=resident).count() == 1


def test_the_same_key_and_body_answers_the_same_order_and_takes_cash_once(
    agent, station, resident, rice
) -> None:
    first = _place(agent, resident, rice)
    again = _place(agent, resident, rice)
    assert again.created is False
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert AssistedOrder.objects.count() == 1
    assert DrawerMovement.objects.filter(kind="order_cash").count() == 1
    number = Order.objects.get().payment_number
    assert len(entries_for_reference(reference=f"payment:{number}")) == 1
    assert (
        account_balance(code=station_cash_account(station.pk))
        == Decimal("200.00") + first.order.total
    )


def test_the_same_key_with_another_body_is_a_conflict(agent, resident, rice) -> None:
    _place(agent, resident, rice)
    with pytest.raises(IdempotencyConflictError):
        _place(agent, resident, rice, quantity=3)
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 65, None])
def test_a_bad_key_is_refused(agent, resident, rice, key) -> None:
    with pytest.raises(InvalidIdempotencyKeyError):
        _place(agent, resident, rice, key=key)
    assert not Order.objects.exists()


def test_a_price_changed_while_offline_refuses_with_every_line(agent, resident, rice) -> None:
    tea = goods_in_stock(on_hand=5, price=Decimal("30.00"))
    with pytest.raises(PriceChangedError) as refused:
        services.assisted_order_place(
            actor=agent,
            resident_id=resident.pk,
            lines=[(rice.pk, 1), (tea.pk, 1)],
            payment_method="cash",
            idempotency_key="offline-1",
            expected_prices={rice.pk: Decimal("12.50"), tea.pk: Decimal("28.00")},
        )
    assert refused.value.status == 409
    assert refused.value.details["lines"] == [
        {"variant": tea.pk, "expected": "28.00", "price": "30.00"}
    ]
    assert not Order.objects.exists()
    assert not DrawerMovement.objects.filter(kind="order_cash").exists()
    # The resident agrees to the new price: the same key goes through with it.
    placed = services.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(rice.pk, 1), (tea.pk, 1)],
        payment_method="cash",
        idempotency_key="offline-1",
        expected_prices={rice.pk: Decimal("12.50"), tea.pk: Decimal("30.00")},
    )
    assert placed.created is True


def test_sold_out_while_offline_refuses_with_every_short_line(agent, resident, rice) -> None:
    tea = goods_in_stock(on_hand=1)
    with pytest.raises(InsufficientStockError) as refused:
        services.assisted_order_place(
            actor=agent,
            resident_id=resident.pk,
            lines=[(rice.pk, 11), (tea.pk, 2)],
            payment_method="cash",
            idempotency_key="offline-2",
        )
    assert refused.value.code == "insufficient_stock"
    assert refused.value.details["lines"] == [
        {"variant": rice.pk, "requested": 11, "available": 10},
        {"variant": tea.pk, "requested": 2, "available": 1},
    ]
    assert not Order.objects.exists()


def test_cash_needs_an_open_drawer_and_nothing_is_ordered_without(station, rice) -> None:
    agent = agent_at(station)
    resident = consented_resident(station, agent)
    with pytest.raises(NoOpenDrawerError):
        _place(agent, resident, rice)
    assert not Order.objects.exists()


def test_cash_on_pickup_waits_for_the_cash(agent, resident, rice) -> None:
    placed = _place(agent, resident, rice, payment="cash_on_pickup")
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == OrderStatus.AWAITING_CASH
    assert order.payment_method == "cash"
    assert not DrawerMovement.objects.filter(kind="order_cash").exists()


def test_a_resident_with_a_login_is_the_buyer_and_sees_the_order(station, agent, rice) -> None:
    resident = services.resident_register_assisted(
        actor=agent,
        name="潘大哥",
        village_id=station.village_id,
        phone="13912345678",
        consent=True,
    )
    placed = _place(agent, resident, rice)
    assert placed.order.buyer_id == resident.user_id
    assert placed.order.phone == "13912345678"
    assert [o.pk for o in orders_for_buyer(user=resident.user).items] == [placed.order.pk]


def test_an_agent_of_another_station_can_neither_order_nor_see(agent, resident, rice) -> None:
    placed = _place(agent, resident, rice)
    other_station = StationFactory()
    stranger = agent_at(other_station)
    services.drawer_open(actor=stranger, float_amount=Decimal("0"))
    with pytest.raises(NoConsentError):
        _place(stranger, resident, rice, key="theirs")
    with pytest.raises(AssistedOrderNotFoundError):
        selectors.assisted_order_get(actor=stranger, order_id=placed.order.pk)
    assert selectors.assisted_orders(actor=stranger) == []


def test_the_station_list_and_the_receipt(agent, resident, rice) -> None:
    placed = _place(agent, resident, rice)
    rows = selectors.assisted_orders(actor=agent)
    assert [(row.order_id, row.resident, row.payment) for row in rows] == [
        (placed.order.pk, "杨阿婆", "cash")
    ]
    assert selectors.assisted_orders(actor=agent, status="open")[0].order_id == placed.order.pk
    receipt = selectors.assisted_order_receipt(actor=agent, order_id=placed.order.pk)
    assert receipt.number == placed.order.number
    assert receipt.total == placed.order.total
    assert receipt.paid is True
    assert [(line.quantity, line.line_total) for line in receipt.lines] == [(2, Decimal("25.00"))]
    assert receipt.pickup_code == ""


def test_one_order_takes_at_most_the_shops_per_order_limit(agent, resident) -> None:
    plenty = goods_in_stock(on_hand=MAX_QUANTITY + 50)
    with pytest.raises(QuantityOverLimitError) as refused:
        services.assisted_order_place(
            actor=agent,
            resident_id=resident.pk,
            lines=[(plenty.pk, MAX_QUANTITY + 1)],
            payment_method="cash",
            idempotency_key="too-many",
        )
    assert refused.value.code == "invalid_quantity"
    assert refused.value.details["maximum"] == MAX_QUANTITY
    assert not Order.objects.exists()
