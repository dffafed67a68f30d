"""Two counters type the same pickup code at once, and many wrong codes arrive together: row
locks hand the parcel over once and count every wrong code (PostgreSQL only: SQLite ignores
select_for_update)."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.concurrency import run_together
from tests.logistics.conftest import PASSWORD, marketplace_load
from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel, PickupGuard
from xiangcun.logistics.types import LogisticsDemoResult


@pytest.fixture
def demo_committed(transactional_db: None, settings: Any) -> LogisticsDemoResult:
    settings.LOGISTICS_PLANNER_SECONDS = 0.5
    marketplace_load()
    return services.logistics_demo_load(day=timezone.localdate(), password=PASSWORD)


@pytest.mark.postgres
def test_the_same_code_at_two_counters_hands_over_once(demo_committed: LogisticsDemoResult) -> None:
    agent = User.objects.get(phone="13800000004")
    item = demo_committed.codes[0]
    parcel = Parcel.objects.get(task__order__number=item.order_number)
    outcomes = run_together(
        6,
        lambda _i: services.parcel_handover(
            actor=agent, station_id=parcel.station_id, code=item.code
        ),
    )
    assert sorted(outcomes).count("ok") == 1
    parcel.refresh_from_db()
    assert parcel.status == "collected"
    assert parcel.events.filter(status="collected").count() == 1


@pytest.mark.postgres
def test_wrong_codes_sent_together_are_all_counted(demo_committed: LogisticsDemoResult) -> None:
    agent = User.objects.get(phone="13800000004")
    item = demo_committed.codes[0]
    parcel = Parcel.objects.get(task__order__number=item.order_number)
    wrong = f"{(int(item.code) + 1) % 1_000_000:06d}"
    outcomes = run_together(
        8,
        lambda _i: services.parcel_handover(actor=agent, station_id=parcel.station_id, code=wrong),
    )
    assert outcomes.count("wrong_pickup_code") == 4
    assert outcomes.count("pickup_code_locked") == 4
    guard = PickupGuard.objects.get(station_id=parcel.station_id)
    assert guard.locked_until is not None
    assert guard.locked_until > timezone.now() + datetime.timedelta(minutes=14)
