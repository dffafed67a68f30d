"""Parcels that come back: goods received at the county warehouse go back into its stock
(except units the warehouse rejects, which are recorded), and a parcel that was never handed
over gets its buyer's money back."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone, translation

from tests.logistics.factories import lot_of
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import InvalidInputError
from xiangcun.inventory.models import Location, Stock, StockLot, StockMovement
from xiangcun.ledger.selectors import account_balance, ledger_total
from xiangcun.logistics import services
from xiangcun.logistics.errors import InvalidParcelStateError, LogisticsPermissionDeniedError
from xiangcun.logistics.models import Parcel, ParcelEvent
from xiangcun.orders.models import Order, OrderLine, ReturnRequest
from xiangcun.payments.models import PaymentIntent
from xiangcun.traceability.models import Event
from xiangcun.traceability.services import lot_pack


def warehouse_stock(variant_id: int) -> int:
    location = Location.objects.filter(kind="warehouse").order_by("kind", "code").first()
    stock = Stock.objects.filter(variant_id=variant_id, location=location).first()
    return stock.on_hand if stock is not None else 0


def left_uncollected(parcel: Parcel, *, days: int = 8) -> Parcel:
    """Make the parcel look as if it came to its station `days` ago: a parcel nobody collected
    goes back only after a week (`UNCOLLECTED_AFTER`)."""
    ParcelEvent.objects.filter(parcel=parcel, status="at_station").update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return parcel


def movements(parcel: Parcel) -> list[tuple[str, int]]:
    return list(
        StockMovement.objects.filter(reference=f"parcel:{parcel.number}").values_list(
            "reason", "quantity"
        )
    )


def test_a_parcel_nobody_collected_is_refunded_and_restocked_once(
    at_station: Callable[..., Parcel], station_agent: User, warehouse_manager: User
) -> None:
    parcel = at_station(quantity=3)
    line = OrderLine.objects.get(order_id=parcel.order_id)
    before = warehouse_stock(line.variant_id)

    left_uncollected(parcel)
    services.parcel_return_start(
        actor=station_agent, parcel_id=parcel.pk, note="not collected in 7 days"
    )

    order = Order.objects.get(pk=parcel.order_id)
    assert order.status == "refunded"
    assert ReturnRequest.objects.get(order=order).reason == "undelivered"
    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", order.total)
    assert account_balance(code="buyer_payments_clearing") == 0
    assert ledger_total() == 0
    assert warehouse_stock(line.variant_id) == before  # still on the road

    services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)

    parcel.refresh_from_db()
    assert parcel.status == "returned"
    assert warehouse_stock(line.variant_id) == before + 3
    assert movements(parcel) == [("return", 3)]
    # The wording is asserted in English, whatever language the run starts in (zh-Hans is the
    # default when this test runs alone).
    with translation.override("en"), pytest.raises(InvalidParcelStateError) as again:
        services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)
    assert again.value.code == "invalid_parcel_state"
    with translation.override("en"):
        assert "already been received" in str(again.value.message)
    assert warehouse_stock(line.variant_id) == before + 3
    assert len(movements(parcel)) == 1


def test_units_the_warehouse_rejects_are_recorded_and_not_restocked(
    at_station: Callable[..., Parcel], station_agent: User, warehouse_manager: User
) -> None:
    parcel = at_station(quantity=3)
    line = OrderLine.objects.get(order_id=parcel.order_id)
    before = warehouse_stock(line.variant_id)
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    services.parcel_return_receive(
        actor=warehouse_manager, parcel_id=parcel.pk, rejected={line.pk: (2, "damaged")}
    )

    assert warehouse_stock(line.variant_id) == before + 1
    assert movements(parcel) == [("return", 1)]
    last = parcel.events.order_by("-id").first()
    assert last is not None
    assert last.status == "returned"
    assert line.product_name in last.note
    assert str(services.RETURN_REJECT_REASONS["damaged"]) in last.note


def test_a_parcel_wholly_rejected_restocks_nothing(
    at_station: Callable[..., Parcel], station_agent: User, warehouse_manager: User
) -> None:
    parcel = at_station(quantity=2)
    line = OrderLine.objects.get(order_id=parcel.order_id)
    before = warehouse_stock(line.variant_id)
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    services.parcel_return_receive(
        actor=warehouse_manager, parcel_id=parcel.pk, rejected={line.pk: (2, "spoiled")}
    )

    assert warehouse_stock(line.variant_id) == before
    assert movements(parcel) == []
    assert Parcel.objects.get(pk=parcel.pk).status == "returned"


@pytest.mark.parametrize(
    "rejected",
    [
        {"line": (4, "damaged")},  # more than was packed
        {"line": (1, "lost_in_space")},  # no such reason
        {"line": (1, "")},  # no reason at all
        {"line": ("1", "damaged")},  # not a number
        {"other": (1, "damaged")},  # a line of another order
    ],
)
def test_a_wrong_rejection_is_refused_and_writes_nothing(
    at_station: Callable[..., Parcel],
    station_agent: User,
    warehouse_manager: User,
    rejected: dict[str, tuple[object, str]],
) -> None:
    parcel = at_station(quantity=3)
    other_parcel = at_station()
    line = OrderLine.objects.get(order_id=parcel.order_id)
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)
    other = OrderLine.objects.get(order_id=other_parcel.order_id)
    ids = {"line": line.pk, "other": other.pk}

    with pytest.raises(InvalidInputError):
        services.parcel_return_receive(
            actor=warehouse_manager,
            parcel_id=parcel.pk,
            rejected={ids[key]: value for key, value in rejected.items()},  # type: ignore[misc]  # wrong on purpose
        )

    assert Parcel.objects.get(pk=parcel.pk).status == "returning"
    assert movements(parcel) == []


def test_only_the_warehouse_receives_returns(
    at_station: Callable[..., Parcel], buyer: User, packer: User, station_agent: User
) -> None:
    parcel = at_station()
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)
    for who in (packer, station_agent, buyer):
        with pytest.raises(LogisticsPermissionDeniedError):
            services.parcel_return_receive(actor=who, parcel_id=parcel.pk)
    assert movements(parcel) == []


def test_the_third_failed_delivery_refunds_the_buyer(packed_parcel: Parcel, courier: User) -> None:
    parcel = packed_parcel
    for attempt in range(1, 4):
        Parcel.objects.filter(pk=parcel.pk).update(status="in_transit")
        services.parcel_delivery_fail(actor=courier, parcel_id=parcel.pk, reason="nobody_home")
        order = Order.objects.get(pk=parcel.order_id)
        if attempt < 3:
            assert order.paid_at is not None
            assert not ReturnRequest.objects.filter(order=order).exists()

    assert Parcel.objects.get(pk=parcel.pk).status == "returning"
    assert order.status == "refunded"
    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", order.total)
    assert account_balance(code="buyer_payments_clearing") == 0
    assert ledger_total() == 0


def test_goods_the_buyer_sends_back_are_restocked_without_a_second_refund(
    parcel_at_station: Parcel, station_agent: User, warehouse_manager: User
) -> None:
    parcel = parcel_at_station
    code = services.pickup_code_for(parcel)
    services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)  # type: ignore[arg-type]  # at a station
    variant_ids = list(
        OrderLine.objects.filter(order_id=parcel.order_id).values_list("variant_id", flat=True)
    )
    before = {variant_id: warehouse_stock(variant_id) for variant_id in variant_ids}

    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk, note="buyer's return")
    services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)

    # Handed over: the money goes back only through the buyer's own return request.
    order = Order.objects.get(pk=parcel.order_id)
    assert order.status == "delivered"
    assert not ReturnRequest.objects.filter(order=order).exists()
    assert {v: warehouse_stock(v) for v in variant_ids} == {v: n + 1 for v, n in before.items()}


def test_a_returned_lot_is_received_back_at_the_warehouse(
    at_station: Callable[..., Parcel],
    variant: Variant,
    station_agent: User,
    warehouse_manager: User,
) -> None:
    lot = lot_of(variant, warehouse_manager)
    parcel = at_station(quantity=2, lot=lot)
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)
    receiving = Event.objects.filter(lot=lot, biz_step__endswith="receiving").count()

    services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)

    assert Event.objects.filter(lot=lot, biz_step__endswith="receiving").count() == receiving + 1


def test_returned_units_go_back_on_their_lot_and_rejected_ones_are_recorded_on_it(
    at_station: Callable[..., Parcel],
    variant: Variant,
    station_agent: User,
    warehouse_manager: User,
    stock_location: Location,
) -> None:
    Variant.objects.filter(pk=variant.pk).update(unit="bag", net_weight_g=5000)
    lot = lot_of(variant, warehouse_manager)
    lot_pack(
        actor=warehouse_manager, lot_id=lot.pk, packs={variant.pk: 5}, location_id=stock_location.pk
    )
    parcel = at_station(quantity=3)
    line = OrderLine.objects.get(order_id=parcel.order_id)
    row = StockLot.objects.get(lot_id=lot.pk, stock__location=stock_location)
    assert row.on_hand == 2  # the order took three of the lot's five bags
    left_uncollected(parcel)
    services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk)

    services.parcel_return_receive(
        actor=warehouse_manager, parcel_id=parcel.pk, rejected={line.pk: (1, "damaged")}
    )

    row.refresh_from_db()
    assert row.on_hand == 4
    back = StockMovement.objects.get(reference=f"parcel:{parcel.number}")
    assert list(back.lots.values_list("lot_id", "quantity")) == [(lot.pk, 2)]
    received = {
        (event.disposition.rsplit("-", 1)[-1], event.data["quantityList"][0]["quantity"])
        for event in Event.objects.filter(lot=lot, biz_step__endswith="receiving")
    }
    assert received == {("in_progress", 2), ("damaged", 1)}
