"""The same tracking push arriving several times at once (Kuaidi100 resends, a poll runs at
the same moment), and two workers asking for the same waybill at once: the parcel's lock and
the waybill's claim keep one step per event and one waybill (PostgreSQL only: SQLite ignores
select_for_update)."""

import pytest
from django.test import Client

from tests.concurrency import run_together
from tests.logistics.factories import packed
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.logistics import services
from xiangcun.logistics.models import ParcelEvent, Waybill
from xiangcun.orders.models import Order

PUSH = "/logistics/carriers/kuaidi100/push"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_push_at_once_records_each_step_once(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> None:
    parcel = packed(guangzhou_order, packer)  # the waybill is made after the commit
    waybill = Waybill.objects.get(parcel=parcel)
    assert waybill.status == Waybill.Status.CREATED
    kuaidi100.add_step(waybill.tracking_number, state="1", status_code="103", context="已揽收")
    kuaidi100.add_step(waybill.tracking_number, state="0", context="快件已到达贵阳")
    form = kuaidi100.push_form(waybill.tracking_number)

    def push(_index: int) -> None:
        response = Client().post(PUSH, form)
        assert response.status_code == 200

    assert run_together(6, push) == ["ok"] * 6
    codes = list(
        ParcelEvent.objects.filter(parcel=parcel, dedup_key__isnull=False).values_list(
            "code", flat=True
        )
    )
    assert sorted(codes) == ["collected", "in_transit"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_asking_for_one_waybill_make_it_once(
    kuaidi100: FakeKuaidi100, guangzhou_order: Order, packer: User
) -> None:
    kuaidi100.down_for = 1  # packing's own attempt fails: the waybill stays pending
    parcel = packed(guangzhou_order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    Waybill.objects.filter(pk=waybill.pk).update(next_attempt_at=waybill.created_at)

    run_together(4, lambda _i: services.waybill_request(waybill_id=waybill.pk))

    made = Waybill.objects.get(pk=waybill.pk)
    assert made.status == Waybill.Status.CREATED
    orders = [call for call in kuaidi100.received if call.fields.get("method") == "order"]
    assert len(orders) == 2  # packing's failed attempt and exactly one of the four
    assert len(entries_for_reference(reference=f"waybill:{waybill.pk}")) == 1
