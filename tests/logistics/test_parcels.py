"""Pickup codes at the station counter, the parcel timeline, home delivery with proof, failed
deliveries and returns."""

import datetime
from typing import Any

import pytest

from tests.conftest import Clock
from tests.logistics.test_returns_restock import left_uncollected
from xiangcun.accounts.models import User
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import (
    InvalidParcelStateError,
    LogisticsPermissionDeniedError,
    NotYourStationError,
    PickupCodeLockedError,
    WrongPickupCodeError,
)
from xiangcun.logistics.models import Parcel, PickupGuard, StaffMember
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.orders.selectors import order_by_number


def waiting(demo: LogisticsDemoResult) -> tuple[Parcel, str]:
    item = demo.codes[0]
    order = order_by_number(number=item.order_number)
    parcel = Parcel.objects.get(order_id=order.pk)
    return parcel, item.code


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_right_code_hands_the_parcel_over_and_delivers_the_order(
    demo: LogisticsDemoResult, agent: User
) -> None:
    parcel, code = waiting(demo)
    result = services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert result.parcel_id == parcel.pk
    assert parcel.status == "collected"
    assert order_by_number(number=demo.codes[0].order_number).status == "delivered"
    with pytest.raises(WrongPickupCodeError):  # a code works once
        services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)


def test_wrong_codes_are_counted_and_lock_the_counter_for_15_minutes(
    demo: LogisticsDemoResult, agent: User, clock: Clock
) -> None:
    parcel, code = waiting(demo)
    for attempt in range(1, 5):
        with pytest.raises(WrongPickupCodeError) as error:
            services.parcel_handover(actor=agent, station_id=parcel.station_id, code=wrong(code))
        assert error.value.details["failures"] == attempt
    with pytest.raises(PickupCodeLockedError):
        services.parcel_handover(actor=agent, station_id=parcel.station_id, code="12")
    # Locked: even the right code waits.
    with pytest.raises(PickupCodeLockedError) as locked:
        services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)
    assert 14 * 60 < locked.value.details["retry_after"] <= 15 * 60
    assert PickupGuard.objects.get(station_id=parcel.station_id).failures == 5
    clock.advance(minutes=15, seconds=1)
    services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "collected"


def test_a_code_from_another_station_does_not_open_this_one(
    demo: LogisticsDemoResult, warehouse: User
) -> None:
    # The warehouse manager may work any station's counter: what refuses here is the code.
    parcel, code = waiting(demo)
    other = Parcel.objects.exclude(station_id=parcel.station_id).filter(destination="station")
    station_id = other.first().station_id  # type: ignore[union-attr]
    with pytest.raises(WrongPickupCodeError):
        services.parcel_handover(actor=warehouse, station_id=station_id, code=code)


def _agent_station_id(agent: User) -> int:
    return StaffMember.objects.get(user=agent, job="agent").station_id


def test_an_agent_hands_over_only_at_their_own_station(
    demo: LogisticsDemoResult, agent: User, warehouse: User
) -> None:
    elsewhere = Parcel.objects.filter(destination="station", status="packed").exclude(
        station_id=_agent_station_id(agent)
    )
    parcel = elsewhere.first()
    assert parcel is not None
    services.parcel_station_receive(actor=warehouse, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    code = services.pickup_code_for(parcel)
    for step in (services.parcel_code_check, services.parcel_handover):
        with pytest.raises(NotYourStationError) as refused:
            step(actor=agent, station_id=parcel.station_id, code=code)  # type: ignore[arg-type]
        assert refused.value.code == "not_your_station"
    # Refused before any code was judged: the other station's counter is not counted either.
    assert not PickupGuard.objects.filter(station_id=parcel.station_id, failures__gt=0).exists()
    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    services.parcel_handover(actor=warehouse, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "collected"


def test_an_agent_takes_in_and_sends_back_only_at_their_own_station(
    demo: LogisticsDemoResult, agent: User, driver: User
) -> None:
    elsewhere = Parcel.objects.filter(destination="station", status="packed").exclude(
        station_id=_agent_station_id(agent)
    )
    parcel = elsewhere.first()
    assert parcel is not None
    with pytest.raises(NotYourStationError):
        services.parcel_station_receive(actor=agent, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    assert parcel.status == "packed"
    # The driver brings parcels to every station.
    services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)
    left_uncollected(parcel)
    with pytest.raises(NotYourStationError):
        services.parcel_return_start(actor=agent, parcel_id=parcel.pk, note="not collected")
    with pytest.raises(NotYourStationError):
        selectors.parcel_waiting_get(parcel_id=parcel.pk, for_user=agent)
    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    # At their own station the agent still sends back what nobody collected.
    own, _code = waiting(demo)
    assert own.station_id == _agent_station_id(agent)
    left_uncollected(own)
    services.parcel_return_start(actor=agent, parcel_id=own.pk, note="not collected")
    own.refresh_from_db()
    assert own.status == "returning"


def test_an_agent_no_longer_active_works_no_station(demo: LogisticsDemoResult, agent: User) -> None:
    parcel, code = waiting(demo)
    StaffMember.objects.filter(user=agent).update(is_active=False)
    with pytest.raises(NotYourStationError):
        services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)


def test_only_station_staff_hand_over(demo: LogisticsDemoResult, buyer: User, driver: User) -> None:
    parcel, code = waiting(demo)
    for who in (buyer, driver):
        with pytest.raises(LogisticsPermissionDeniedError):
            services.parcel_handover(actor=who, station_id=parcel.station_id, code=code)


def test_the_code_is_texted_and_shown_to_the_buyer_but_not_stored(
    demo: LogisticsDemoResult, buyer: User, agent: User
) -> None:
    parcel, code = waiting(demo)
    assert code not in {parcel.code_hash, parcel.code_salt}
    seen = selectors.parcel_get(parcel_id=parcel.pk, for_user=buyer)
    assert selectors.parcel_pickup_code(parcel=seen, for_user=buyer) == code


def test_the_pickup_sms_carries_the_code(
    demo: LogisticsDemoResult,
    driver: User,
    django_capture_on_commit_callbacks: Any,
    sms_outbox: Any,
) -> None:
    parcel = Parcel.objects.filter(status="packed", destination="station").first()
    assert parcel is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    code = services.pickup_code_for(parcel)
    assert any(code in message.message and message.phone == parcel.phone for message in sms_outbox)


def test_the_timeline_runs_from_packing_to_hand_over(
    demo: LogisticsDemoResult, agent: User, buyer: User
) -> None:
    parcel, code = waiting(demo)
    services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)
    steps = selectors.parcel_timeline(
        parcel=selectors.parcel_get(parcel_id=parcel.pk, for_user=buyer)
    )
    assert [step.status for step in steps] == ["packed", "at_station", "collected"]
    assert steps[1].place == parcel.station.name  # type: ignore[union-attr]


def test_another_buyer_cannot_see_the_parcel(demo: LogisticsDemoResult) -> None:
    from tests.factories import UserFactory
    from xiangcun.logistics.errors import ParcelNotFoundError

    parcel, _code = waiting(demo)
    with pytest.raises(ParcelNotFoundError):
        selectors.parcel_get(parcel_id=parcel.pk, for_user=UserFactory())


def test_a_returned_parcel_goes_back_to_the_warehouse(
    demo: LogisticsDemoResult, agent: User, warehouse: User
) -> None:
    parcel, code = waiting(demo)
    left_uncollected(parcel)
    services.parcel_return_start(actor=agent, parcel_id=parcel.pk, note="not collected in 7 days")
    with pytest.raises(WrongPickupCodeError):
        services.parcel_handover(actor=agent, station_id=parcel.station_id, code=code)
    services.parcel_return_receive(actor=warehouse, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    assert parcel.status == "returned"
    with pytest.raises(InvalidParcelStateError):
        services.parcel_return_receive(actor=warehouse, parcel_id=parcel.pk)


def test_home_delivery_needs_proof_and_failures_are_retried_then_returned(
    demo: LogisticsDemoResult, courier: User, packer: User, buyer: User, day: datetime.date
) -> None:
    from xiangcun.orders import services as orders_services
    from xiangcun.payments.services import sandbox_decide

    order = orders_services.order_place(
        buyer=buyer,
        lines=[(Parcel.objects.first().task.order.lines.first().variant_id, 1)],  # type: ignore[union-attr]
        delivery_method="home",
        station_id=None,
        address={
            "province": "贵州省",
            "city": "黔东南苗族侗族自治州",
            "county": "丹寨县",
            "detail": "龙泉镇东湖路12号",
            "recipient": "王芳",
            "phone": "13800138000",
        },
        payment_method="sandbox",
        idempotency_key=None,
    )
    sandbox_decide(number=order.payment_number, approve=True)
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    parcel = services.packing_complete(actor=packer, task_id=task.pk, weight_g=800)
    assert parcel.destination in ("home", "carrier")
    # The sample address names no township of the demo: treat it as a home in the county.
    Parcel.objects.filter(pk=parcel.pk).update(destination="home", status="out_for_delivery")
    for _attempt in range(2):
        services.parcel_delivery_fail(actor=courier, parcel_id=parcel.pk, reason="nobody_home")
        Parcel.objects.filter(pk=parcel.pk).update(status="out_for_delivery")
    proof = services.parcel_deliver(actor=courier, parcel_id=parcel.pk, recipient_name="王芳")
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    assert proof.recipient_name == "王芳"
    assert parcel.failed_attempts == 2


def test_third_failed_delivery_sends_the_parcel_back(
    demo: LogisticsDemoResult, courier: User
) -> None:
    parcel = Parcel.objects.filter(status="packed").first()
    assert parcel is not None
    for _attempt in range(3):
        Parcel.objects.filter(pk=parcel.pk).update(status="in_transit")
        parcel = services.parcel_delivery_fail(
            actor=courier, parcel_id=parcel.pk, reason="station_closed"
        )
    assert parcel.status == "returning"
    assert parcel.failed_attempts == 3
