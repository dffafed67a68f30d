"""Two counters type the same pickup code at once, and many wrong codes arrive together: row
locks hand the parcel over once and count every wrong code (PostgreSQL only: SQLite ignores
select_for_update)."""

import datetime

import pytest
from django.utils import timezone

from tests.concurrency import run_together
from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel, PickupGuard


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_code_at_two_counters_hands_over_once(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel = parcel_at_station
    code = services.pickup_code_for(parcel)
    outcomes = run_together(
        6,
        lambda _i: services.parcel_handover(
            actor=station_agent, station_id=parcel.station_id, code=code
        ),
    )
    assert sorted(outcomes).count("ok") == 1
    parcel.refresh_from_db()
    assert parcel.status == "collected"
    assert parcel.events.filter(status="collected").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_wrong_codes_sent_together_are_all_counted(
    parcel_at_station: Parcel, station_agent: User
) -> None:
    parcel = parcel_at_station
    wrong = f"{(int(services.pickup_code_for(parcel)) + 1) % 1_000_000:06d}"
    outcomes = run_together(
        8,
        lambda _i: services.parcel_handover(
            actor=station_agent, station_id=parcel.station_id, code=wrong
        ),
    )
    assert outcomes.count("wrong_pickup_code") == 4
    assert outcomes.count("pickup_code_locked") == 4
    guard = PickupGuard.objects.get(station_id=parcel.station_id)
    assert guard.locked_until is not None
    assert guard.locked_until > timezone.now() + datetime.timedelta(minutes=14)
