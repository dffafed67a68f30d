"""Where a lot exists: intake records its receiving and inspection, packing links it to the
order line (traceability's pack event) and the label carries the lot's Digital Link QR."""

import datetime
from decimal import Decimal

from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.logistics import services
from xiangcun.logistics.labels import parcel_trace_links
from xiangcun.logistics.models import FarmPickup, PackedLine
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.orders.models import Order
from xiangcun.payments.services import sandbox_decide
from xiangcun.traceability.models import Inspection, Lot
from xiangcun.traceability.selectors import order_line_ids_for_lot
from xiangcun.traceability.services import lot_record


def harvest(warehouse: User, pickup: FarmPickup) -> Lot:
    return lot_record(
        actor=warehouse,
        product_id=pickup.variant.product_id,
        variant_id=pickup.variant_id,
        seller_id=pickup.seller_id,
        harvested_on=timezone.localdate() - datetime.timedelta(days=1),
        quantity=Decimal("100"),
        unit="kg",
    )


def test_intake_of_a_lot_records_its_grading_inspection(
    demo: LogisticsDemoResult, warehouse: User
) -> None:
    pickup = FarmPickup.objects.select_related("variant").first()
    assert pickup is not None
    lot = harvest(warehouse, pickup)
    services.intake_record(
        actor=warehouse,
        pickup_id=pickup.pk,
        lot_id=lot.pk,
        seller_id=pickup.seller_id,
        variant_id=pickup.variant_id,
        grade="premium",
        weight_kg=Decimal("99.5"),
        accepted_units=30,
    )
    inspection = Inspection.objects.get(lot=lot)
    assert inspection.kind == "grading"
    assert inspection.result == "pass"


def test_packing_a_traced_line_links_the_lot_and_puts_its_qr_on_the_label(
    demo: LogisticsDemoResult, warehouse: User, packer: User, buyer: User
) -> None:
    from xiangcun.orders import services as orders_services
    from xiangcun.regions.models import Station

    pickup = FarmPickup.objects.select_related("variant").first()
    assert pickup is not None
    lot = harvest(warehouse, pickup)
    order = orders_services.order_place(
        buyer=buyer,
        lines=[(pickup.variant_id, 1)],
        delivery_method="station_pickup",
        station_id=Station.objects.filter(kind="village_station").first().pk,  # type: ignore[union-attr]
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )
    sandbox_decide(number=order.payment_number, approve=True)
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    line = Order.objects.get(pk=order.pk).lines.get()
    parcel = services.packing_complete(
        actor=packer, task_id=task.pk, weight_g=1200, lots={line.pk: lot.pk}
    )
    assert PackedLine.objects.get(task=task).lot_id == lot.pk
    assert order_line_ids_for_lot(lot_id=lot.pk) == [line.pk]
    links = parcel_trace_links(parcel=parcel)
    assert [code for code, _link in links] == [lot.code]
    assert links[0][1].endswith(f"/10/{lot.code}")
