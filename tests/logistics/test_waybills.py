"""Waybills: a parcel for outside the county gets its carrier's waybill after packing commits,
never from inside a transaction; a carrier that is down never blocks packing, and retries
never make two waybills; the carrier's charge goes to the ledger once."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tests.logistics.factories import packed
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import SHIPPING_EXPENSE, EntryKind, carrier_payable_account
from xiangcun.logistics import services
from xiangcun.logistics.carriers.kuaidi100 import Kuaidi100
from xiangcun.logistics.errors import (
    InvalidHandoffError,
    LogisticsPermissionDeniedError,
    TrackingNumberTakenError,
    WaybillStateError,
)
from xiangcun.logistics.models import Parcel, Waybill
from xiangcun.orders.models import Order


@pytest.fixture
def calls_in_transaction(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every HTTP call to Kuaidi100: whether a database transaction was open."""
    seen: list[bool] = []
    real_post = Kuaidi100._post

    def post(self: Kuaidi100, url: str, fields: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return real_post(self, url, fields)

    monkeypatch.setattr(Kuaidi100, "_post", post)
    return seen


def test_a_parcel_for_guangzhou_gets_its_waybill_after_the_commit_never_inside_it(
    transactional_db: None,
    kuaidi100: FakeKuaidi100,
    guangzhou_order: Order,
    packer: User,
    calls_in_transaction: list[bool],
) -> None:
    parcel = packed(guangzhou_order, packer)

    assert parcel.destination == Parcel.Destination.CARRIER
    waybill = Waybill.objects.get(parcel=parcel)
    assert waybill.status == Waybill.Status.CREATED
    assert waybill.via == Waybill.Via.KUAIDI100
    assert waybill.tracking_number.startswith("SF")
    assert waybill.carrier_task_id
    # The order (create) and the subscription went out, each with no transaction open.
    assert calls_in_transaction == [False, False]
    made = next(iter(kuaidi100.waybills.values()))
    assert made["request"]["recMan"]["printAddr"] == "广东省广州市天河区体育西路123号"
    assert made["request"]["orderId"] == f"XCW{waybill.pk}"
    subscription = kuaidi100.subscriptions[waybill.tracking_number]
    assert subscription["salt"] == kuaidi100.salt
    assert subscription["callbackurl"].endswith("/logistics/carriers/kuaidi100/push")
    assert Waybill.objects.get(pk=waybill.pk).subscribed
    # The carrier's charge: Dr shipping expense / Cr what we owe SF.
    entries = entries_for_reference(reference=f"waybill:{waybill.pk}")
    assert [entry.kind for entry in entries] == [EntryKind.CARRIER_CHARGE]
    assert account_balance(code=carrier_payable_account("sf")) == Decimal("-8.50")
    assert account_balance(code=SHIPPING_EXPENSE) == Decimal("8.50")


def test_a_carrier_that_is_down_never_blocks_packing_and_is_asked_again_later(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> None:
    kuaidi100.down_for = 1
    parcel = packed(guangzhou_order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    assert waybill.status == Waybill.Status.PENDING  # packing committed without the carrier

    after = services.waybill_request(waybill_id=waybill.pk)
    assert after is not None
    assert after.status == Waybill.Status.PENDING
    assert after.last_error == "kuaidi100_http_error"
    assert after.attempts == 1
    # Not due yet: the periodic retry leaves it alone.
    assert services.waybills_retry_due() == 0
    Waybill.objects.filter(pk=waybill.pk).update(next_attempt_at=after.created_at)
    assert services.waybills_retry_due() == 1
    made = Waybill.objects.get(pk=waybill.pk)
    assert made.status == Waybill.Status.CREATED
    assert made.attempts == 2
    assert made.last_error == ""


def test_a_retry_after_a_lost_answer_never_makes_two_waybills(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    kuaidi100.lose_next_answer = True  # the carrier makes it, the answer is lost

    assert services.waybill_request(waybill_id=waybill.pk).status == Waybill.Status.PENDING
    Waybill.objects.filter(pk=waybill.pk).update(next_attempt_at=waybill.created_at)
    services.waybills_retry_due()
    services.waybills_retry_due()  # and once more: nothing left to do
    assert services.waybill_request(waybill_id=waybill.pk) is None

    made = Waybill.objects.get(pk=waybill.pk)
    assert made.status == Waybill.Status.CREATED
    assert len(kuaidi100.waybills) == 1
    assert made.tracking_number == next(iter(kuaidi100.waybills.values()))["kuaidinum"]
    assert len(entries_for_reference(reference=f"waybill:{waybill.pk}")) == 1
    assert Waybill.objects.filter(parcel=parcel).count() == 1


def test_a_refused_waybill_fails_and_staff_try_again(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User, settings: Any
) -> None:
    parcel = packed(guangzhou_order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    settings.KUAIDI100_SECRET = "not-the-secret"  # the signature no longer checks out

    failed = services.waybill_request(waybill_id=waybill.pk)
    assert failed is not None
    assert failed.status == Waybill.Status.FAILED
    assert failed.last_error == "kuaidi100_refused_30002"
    assert entries_for_reference(reference=f"waybill:{waybill.pk}") == []

    settings.KUAIDI100_SECRET = kuaidi100.secret
    services.waybill_retry(actor=packer, waybill_id=waybill.pk)
    assert services.waybill_request(waybill_id=waybill.pk).status == Waybill.Status.CREATED


def test_without_kuaidi100_staff_type_the_couriers_number(
    no_kuaidi100: None, guangzhou_order: Order, packer: User, buyer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    assert (waybill.via, waybill.status) == (Waybill.Via.MANUAL, Waybill.Status.PENDING)
    assert services.waybill_request(waybill_id=waybill.pk) is None  # nothing to call

    with pytest.raises(InvalidHandoffError):
        services.waybill_record(actor=packer, parcel_id=parcel.pk, tracking_number="12")
    with pytest.raises(LogisticsPermissionDeniedError):
        services.waybill_record(actor=buyer, parcel_id=parcel.pk, tracking_number="SF123456789")
    made = services.waybill_record(
        actor=packer, parcel_id=parcel.pk, tracking_number="sf 1234 5678 90", carrier="sf"
    )
    assert (made.status, made.tracking_number) == (Waybill.Status.CREATED, "SF1234567890")
    assert account_balance(code=carrier_payable_account("sf")) == Decimal("-8.50")
    with pytest.raises(WaybillStateError):
        services.waybill_record(actor=packer, parcel_id=parcel.pk, tracking_number="SF99999999")


def test_a_tracking_number_belongs_to_one_parcel(
    no_kuaidi100: None,
    guangzhou_order: Order,
    packer: User,
    buyer: User,
    variant: Any,
    station: Any,
) -> None:
    from tests.logistics.factories import paid_order, to_guangzhou

    first = packed(guangzhou_order, packer)
    second = packed(to_guangzhou(paid_order(buyer, variant.pk, station=station)), packer)
    services.waybill_record(actor=packer, parcel_id=first.pk, tracking_number="SF1234567890")
    with pytest.raises(TrackingNumberTakenError):
        services.waybill_record(actor=packer, parcel_id=second.pk, tracking_number="SF1234567890")


def test_cancelling_a_made_waybill_cancels_it_at_the_carrier_and_reverses_the_charge(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    waybill = services.waybill_request(waybill_id=Waybill.objects.get(parcel=parcel).pk)
    assert waybill is not None

    cancelled = services.waybill_cancel(actor=packer, waybill_id=waybill.pk)

    assert cancelled.status == Waybill.Status.CANCELLED
    assert next(iter(kuaidi100.waybills.values()))["cancelled"] is True
    assert account_balance(code=carrier_payable_account("sf")) == Decimal("0.00")
    # A new one may be asked for now, from another carrier.
    again = services.waybill_new(actor=packer, parcel_id=parcel.pk, carrier="ems")
    assert (again.carrier, again.status) == ("ems", Waybill.Status.PENDING)


def test_the_old_single_parcel_handoff_records_one_waybill_and_one_handover(
    no_kuaidi100: None, guangzhou_order: Order, packer: User
) -> None:
    parcel = packed(guangzhou_order, packer)
    waybill = services.carrier_handoff(
        actor=packer, parcel_id=parcel.pk, carrier="ems", tracking_number="ems 1234 5678 90"
    )
    parcel.refresh_from_db()
    assert waybill.tracking_number == "EMS1234567890"
    assert waybill.handover is not None
    assert waybill.handover.parcel_count == 1
    assert parcel.status == Parcel.Status.WITH_CARRIER
    assert Order.objects.get(pk=parcel.order_id).status == "shipped"
    assert Waybill.objects.filter(parcel=parcel).count() == 1
