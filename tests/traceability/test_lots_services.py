"""Recording lots, inspections and certificates, and recalling a lot: rules, permissions and
what each write leaves behind."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import PermissionDeniedError
from xiangcun.sellers.services import seller_suspend
from xiangcun.traceability import services
from xiangcun.traceability.errors import (
    InvalidInspectionError,
    InvalidLotError,
    LotAlreadyRecalledError,
)
from xiangcun.traceability.models import Inspection, Lot
from xiangcun.traceability.selectors import (
    gtin_for_variant,
    lot_journey,
    lot_recall_contacts,
    order_line_ids_for_lot,
)

from .conftest import order_with_line, record

CODE = re.compile(r"^DZ\d{4}-\d{4}$")


def test_a_harvest_becomes_a_lot_with_a_county_code_and_a_commissioning_step(
    lot: Lot, blueberry_variant: Variant
) -> None:
    assert CODE.match(lot.code)
    assert lot.code.startswith(f"DZ{lot.harvested_on:%y%m}-")
    assert lot.gtin == gtin_for_variant(variant_id=blueberry_variant.pk)
    assert lot.village_id == blueberry_variant.product.origin_village_id
    assert lot.status == Lot.Status.ACTIVE
    assert len(lot_journey(lot=lot)) == 1


def test_lot_codes_of_one_month_count_up(farmer: User, blueberry_variant: Variant) -> None:
    day = timezone.localdate() - datetime.timedelta(days=1)
    first = record(farmer, blueberry_variant, harvested_on=day)
    second = record(farmer, blueberry_variant, harvested_on=day)
    assert first.code != second.code
    assert int(second.code[-4:]) == int(first.code[-4:]) + 1


def test_a_harvest_has_no_pack_size_and_is_labelled_with_the_first_option_on_sale(
    farmer: User, blueberry_variant: Variant
) -> None:
    lot = record(farmer, blueberry_variant, variant_id=None)
    first = blueberry_variant.product.variants.filter(is_active=True).first()
    assert lot.variant_id is None
    assert lot.gtin == gtin_for_variant(variant_id=first.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"unit": "ton"}, "unit"),
        ({"grade": "x" * 21}, "grade"),
        ({"harvested_on": timezone.localdate() + datetime.timedelta(days=1)}, "harvested_on"),
        ({"village_id": 999_999}, "village_id"),
    ],
)
def test_a_harvest_with_bad_details_is_refused_and_nothing_is_stored(
    farmer: User, blueberry_variant: Variant, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidLotError) as refused:
        record(farmer, blueberry_variant, **overrides)
    assert refused.value.field == field
    assert not Lot.objects.exists()


def test_a_farm_cannot_record_another_farms_product(
    farmer: User, blueberry_variant: Variant, other_variant: Variant
) -> None:
    honey = other_variant
    with pytest.raises(InvalidLotError):
        record(farmer, honey, seller_id=blueberry_variant.product.seller_id)
    with pytest.raises(PermissionDeniedError):
        record(farmer, honey)


def test_strangers_may_not_record_but_agents_and_warehouse_staff_may(
    blueberry_variant: Variant, stranger: User, warehouse_staff: User
) -> None:
    with pytest.raises(PermissionDeniedError):
        record(stranger, blueberry_variant)
    agent = UserFactory()
    role_grant(user=agent, role=Role.AGENT)
    assert record(agent, blueberry_variant).recorded_by == agent
    assert record(warehouse_staff, blueberry_variant).recorded_by == warehouse_staff


def test_the_managers_of_a_shop_that_is_not_approved_record_no_lots(
    lot: Lot,
    farmer: User,
    blueberry_variant: Variant,
    programme_manager: User,
    warehouse_staff: User,
) -> None:
    agent = UserFactory()
    role_grant(user=agent, role=Role.AGENT)
    seller_suspend(reviewer=programme_manager, seller_id=lot.seller_id, note="检查中")
    before = Lot.objects.count()
    for manager in (farmer, agent):
        with pytest.raises(PermissionDeniedError):
            record(manager, blueberry_variant)
        with pytest.raises(PermissionDeniedError):
            services.inspection_record(
                actor=manager,
                lot_id=lot.pk,
                kind="农药残留快速检测",
                method="速测卡",
                result=Inspection.Result.PASS,
                inspector="李站长",
                inspected_at=timezone.now(),
            )
    assert Lot.objects.count() == before
    # Staff still record for any farm.
    assert record(warehouse_staff, blueberry_variant).recorded_by == warehouse_staff


def test_an_inspection_is_stored_and_becomes_a_step(lot: Lot, warehouse_staff: User) -> None:
    inspection = services.inspection_record(
        actor=warehouse_staff,
        lot_id=lot.pk,
        kind="农药残留快速检测",
        method="酶抑制率法",
        result="pass",
        measured="抑制率 6%",
        inspector="杨敏",
        inspected_at=timezone.now(),
    )
    assert inspection.result == Inspection.Result.PASS
    steps = lot_journey(lot=lot)
    assert len(steps) == 2
    assert steps[-1].biz_step.endswith("inspecting")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"result": "maybe"}, "result"),
        ({"inspector": ""}, "inspector"),
        ({"inspected_at": timezone.now() + datetime.timedelta(days=1)}, "inspected_at"),
        ({"inspected_at": datetime.datetime(2026, 1, 1, 9, 0)}, "inspected_at"),  # noqa: DTZ001
    ],
)
def test_an_inspection_with_bad_details_is_refused(
    lot: Lot, farmer: User, overrides: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {
        "actor": farmer,
        "lot_id": lot.pk,
        "kind": "农药残留快速检测",
        "method": "酶抑制率法",
        "result": "pass",
        "inspector": "杨敏",
        "inspected_at": timezone.now(),
    }
    values.update(overrides)
    with pytest.raises(InvalidInspectionError) as refused:
        services.inspection_record(**values)
    assert refused.value.field == field
    assert not Inspection.objects.exists()


def test_a_stranger_may_not_inspect_or_certify(lot: Lot, stranger: User) -> None:
    with pytest.raises(PermissionDeniedError):
        services.inspection_record(
            actor=stranger,
            lot_id=lot.pk,
            kind="x",
            method="y",
            result="pass",
            inspector="z",
            inspected_at=timezone.now(),
        )
    with pytest.raises(PermissionDeniedError):
        services.lot_certificate_add(
            actor=stranger,
            lot_id=lot.pk,
            kind="compliance",
            number="GZ-1",
            issuer="丹寨县",
            issued_on=timezone.localdate(),
        )


def test_a_certificate_travels_with_the_lot(lot: Lot, farmer: User) -> None:
    certificate = services.lot_certificate_add(
        actor=farmer,
        lot_id=lot.pk,
        kind="compliance",
        number="DZ-HG-2026-0042",
        issuer="王家村",
        issued_on=timezone.localdate(),
    )
    assert list(lot.certificates.all()) == [certificate]


def test_only_staff_with_the_recall_permission_may_recall(
    lot: Lot, farmer: User, warehouse_staff: User
) -> None:
    for actor in (farmer, warehouse_staff):
        with pytest.raises(PermissionDeniedError):
            services.lot_recall(actor=actor, lot_id=lot.pk, reason="农残超标")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.ACTIVE


def test_a_recall_names_every_order_and_buyer_the_lot_reached_and_texts_them(
    lot: Lot,
    blueberry_variant: Variant,
    programme_manager: User,
    sms_outbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    first = order_with_line(blueberry_variant, buyer_name="李娜", phone="13912340001", number="X1")
    second = order_with_line(blueberry_variant, buyer_name="赵强", phone="13912340002", number="X2")
    for line in (first, second):
        services.event_pack(
            lot=lot, order_line_id=line.pk, order_number=line.order.number, quantity=1
        )
    assert sorted(order_line_ids_for_lot(lot_id=lot.pk)) == sorted([first.pk, second.pk])
    assert [c.order_number for c in lot_recall_contacts(lot_id=lot.pk)] == ["X1", "X2"]

    with django_capture_on_commit_callbacks(execute=True):
        result = services.lot_recall(actor=programme_manager, lot_id=lot.pk, reason="农残超标")

    lot.refresh_from_db()
    assert lot.status == Lot.Status.RECALLED
    assert lot.recall_reason == "农残超标"
    assert lot.recalled_at is not None
    assert [(c.order_number, c.buyer_name, c.phone) for c in result.contacts] == [
        ("X1", "李娜", "13912340001"),
        ("X2", "赵强", "13912340002"),
    ]
    assert result.notified == 2
    assert sorted(message.phone for message in sms_outbox) == ["13912340001", "13912340002"]
    assert all(lot.code in message.message for message in sms_outbox)


def test_a_lot_cannot_be_recalled_twice(lot: Lot, programme_manager: User) -> None:
    services.lot_recall(actor=programme_manager, lot_id=lot.pk, reason="农残超标")
    with pytest.raises(LotAlreadyRecalledError):
        services.lot_recall(actor=programme_manager, lot_id=lot.pk, reason="again")


def test_a_recall_needs_a_reason(lot: Lot, programme_manager: User) -> None:
    with pytest.raises(InvalidLotError):
        services.lot_recall(actor=programme_manager, lot_id=lot.pk, reason="  ")
