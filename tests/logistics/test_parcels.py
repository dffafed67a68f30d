"""Pickup codes at the station counter, the parcel timeline, home delivery with proof, failed
deliveries and returns."""

from typing import Any

import pytest

from tests.accounts.factories import UserFactory
from tests.conftest import Clock
from tests.logistics.factories import packed, paid_order
from tests.logistics.test_returns_restock import left_uncollected
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.logistics import selectors, services
from xiangcun.logistics.errors import (
    InvalidParcelStateError,
    LogisticsPermissionDeniedError,
    NotYourStationError,
    ParcelNotFoundError,
    PickupCodeLockedError,
    WrongPickupCodeError,
)
from xiangcun.logistics.models import Parcel, PickupGuard, StaffMember
from xiangcun.orders.models import Order
from xiangcun.regions.models import Station


def waiting(parcel: Parcel) -> tuple[Parcel, str]:
    """The parcel waiting at its station, and its pickup code."""
    return parcel, services.pickup_code_for(parcel)


@pytest.fixture
def elsewhere(buyer: User, variant: Variant, other_station: Station, packer: User) -> Parcel:
    """A packed parcel for another village station than the agent's."""
    return packed(paid_order(buyer, variant.pk, station=other_station), packer)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_right_code_hands_the_parcel_over_and_delivers_the_order(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel, code = waiting(parcel_at_station)
    result = services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert result.parcel_id == parcel.pk
    assert parcel.status == "collected"
    assert Order.objects.get(pk=parcel.order_id).status == "delivered"
    with pytest.raises(WrongPickupCodeError):  # a code works once
        services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)


def test_wrong_codes_are_counted_and_lock_the_counter_for_15_minutes(
    parcel_at_station: Parcel, station_agent: User, clock: Clock
) -> None:
    parcel, code = waiting(parcel_at_station)
    for attempt in range(1, 5):
        with pytest.raises(WrongPickupCodeError) as error:
            services.parcel_handover(
                actor=station_agent, station_id=parcel.station_id, code=wrong(code)
            )
        assert error.value.details["failures"] == attempt
    with pytest.raises(PickupCodeLockedError):
        services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code="12")
    # Locked: even the right code waits.
    with pytest.raises(PickupCodeLockedError) as locked:
        services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)
    assert 14 * 60 < locked.value.details["retry_after"] <= 15 * 60
    assert PickupGuard.objects.get(station_id=parcel.station_id).failures == 5
    clock.advance(minutes=15, seconds=1)
    services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "collected"


def test_a_code_from_another_station_does_not_open_this_one(
    parcel_at_station: Parcel, other_station: Station, warehouse_manager: User
) -> None:
    # The warehouse manager may work any station's counter: what refuses here is the code.
    code = services.pickup_code_for(parcel_at_station)
    with pytest.raises(WrongPickupCodeError):
        services.parcel_handover(actor=warehouse_manager, station_id=other_station.pk, code=code)


def test_an_agent_hands_over_only_at_their_own_station(
    elsewhere: Parcel, station_agent: User, warehouse_manager: User
) -> None:
    parcel = elsewhere
    services.parcel_station_receive(actor=warehouse_manager, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    code = services.pickup_code_for(parcel)
    for step in (services.parcel_code_check, services.parcel_handover):
        with pytest.raises(NotYourStationError) as refused:
            step(actor=station_agent, station_id=parcel.station_id, code=code)  # type: ignore[arg-type]  # at a station
        assert refused.value.code == "not_your_station"
    # Refused before any code was judged: the other station's counter is not counted either.
    assert not PickupGuard.objects.filter(station_id=parcel.station_id, failures__gt=0).exists()
    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    services.parcel_handover(actor=warehouse_manager, station_id=parcel.station_id, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "collected"


def test_an_agent_takes_in_and_sends_back_only_at_their_own_station(
    elsewhere: Parcel, parcel_at_station: Parcel, station_agent: User, driver: User
) -> None:
    parcel = elsewhere
    with pytest.raises(NotYourStationError):
        services.parcel_station_receive(actor=station_agent, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    assert parcel.status == "packed"
    # The driver brings parcels to every station.
    services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)
    left_uncollected(parcel)
    with pytest.raises(NotYourStationError):
        services.parcel_return_start(actor=station_agent, parcel_id=parcel.pk, note="not collected")
    with pytest.raises(NotYourStationError):
        selectors.parcel_waiting_get(parcel_id=parcel.pk, for_user=station_agent)
    parcel.refresh_from_db()
    assert parcel.status == "at_station"
    # At their own station the agent still sends back what nobody collected.
    own = parcel_at_station
    assert StaffMember.objects.get(user=station_agent, job="agent").station_id == own.station_id
    left_uncollected(own)
    services.parcel_return_start(actor=station_agent, parcel_id=own.pk, note="not collected")
    own.refresh_from_db()
    assert own.status == "returning"


def test_an_agent_no_longer_active_works_no_station(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel, code = waiting(parcel_at_station)
    StaffMember.objects.filter(user=station_agent).update(is_active=False)
    with pytest.raises(NotYourStationError):
        services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)


def test_only_station_staff_hand_over(parcel_at_station: Parcel, buyer: User, driver: User) -> None:
    parcel, code = waiting(parcel_at_station)
    for who in (buyer, driver):
        with pytest.raises(LogisticsPermissionDeniedError):
            services.parcel_handover(actor=who, station_id=parcel.station_id, code=code)


def test_the_code_is_texted_and_shown_to_the_buyer_but_not_stored(
    parcel_at_station: Parcel, buyer: User
) -> None:
    parcel, code = waiting(parcel_at_station)
    assert code not in {parcel.code_hash, parcel.code_salt}
    seen = selectors.parcel_get(parcel_id=parcel.pk, for_user=buyer)
    assert selectors.parcel_pickup_code(parcel=seen, for_user=buyer) == code


def test_the_pickup_sms_carries_the_code(
    packed_parcel: Parcel,
    driver: User,
    django_capture_on_commit_callbacks: Any,
    sms_outbox: Any,
) -> None:
    parcel = packed_parcel
    with django_capture_on_commit_callbacks(execute=True):
        services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    code = services.pickup_code_for(parcel)
    assert any(code in message.message and message.phone == parcel.phone for message in sms_outbox)


def test_the_timeline_runs_from_packing_to_hand_over(
    parcel_at_station: Parcel, station_agent: User, buyer: User
) -> None:
    parcel, code = waiting(parcel_at_station)
    services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)
    steps = selectors.parcel_timeline(
        parcel=selectors.parcel_get(parcel_id=parcel.pk, for_user=buyer)
    )
    assert [step.status for step in steps] == ["packed", "at_station", "collected"]
    assert steps[1].place == parcel.station.name  # type: ignore[union-attr]  # at a station


def test_another_buyer_cannot_see_the_parcel(parcel_at_station: Parcel) -> None:
    parcel = parcel_at_station
    with pytest.raises(ParcelNotFoundError):
        selectors.parcel_get(parcel_id=parcel.pk, for_user=UserFactory())


def test_a_returned_parcel_goes_back_to_the_warehouse(
    parcel_at_station: Parcel, station_agent: User, warehouse_manager: User
) -> None:
    parcel, code = waiting(parcel_at_station)
    left_uncollected(parcel)
    services.parcel_return_start(
        actor=station_agent, parcel_id=parcel.pk, note="not collected in 7 days"
    )
    with pytest.raises(WrongPickupCodeError):
        services.parcel_handover(actor=station_agent, station_id=parcel.station_id, code=code)
    services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    assert parcel.status == "returned"
    with pytest.raises(InvalidParcelStateError):
        services.parcel_return_receive(actor=warehouse_manager, parcel_id=parcel.pk)


def test_home_delivery_needs_proof_and_failures_are_retried_then_returned(
    courier: User, packer: User, buyer: User, variant: Variant
) -> None:
    address = {
        "province": "贵州省",
        "city": "黔东南苗族侗族自治州",
        "county": "丹寨县",
        "detail": "龙泉镇东湖路12号",
        "recipient": "王芳",
        "phone": "13800138000",
    }
    parcel = packed(paid_order(buyer, variant.pk, address=address), packer, weight_g=800)
    assert parcel.destination in ("home", "carrier")
    # The sample address names no township of the county: treat it as a home in the county.
    Parcel.objects.filter(pk=parcel.pk).update(destination="home", status="out_for_delivery")
    for _attempt in range(2):
        services.parcel_delivery_fail(actor=courier, parcel_id=parcel.pk, reason="nobody_home")
        Parcel.objects.filter(pk=parcel.pk).update(status="out_for_delivery")
    proof = services.parcel_deliver(actor=courier, parcel_id=parcel.pk, recipient_name="王芳")
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    assert proof.recipient_name == "王芳"
    assert parcel.failed_attempts == 2


def test_third_failed_delivery_sends_the_parcel_back(packed_parcel: Parcel, courier: User) -> None:
    parcel = packed_parcel
    for _attempt in range(3):
        Parcel.objects.filter(pk=parcel.pk).update(status="in_transit")
        parcel = services.parcel_delivery_fail(
            actor=courier, parcel_id=parcel.pk, reason="station_closed"
        )
    assert parcel.status == "returning"
    assert parcel.failed_attempts == 3
