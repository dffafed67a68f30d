"""Where a lot exists: intake records its receiving and inspection, packing links it to the
order line (traceability's pack event) and the label carries the lot's Digital Link QR."""

from decimal import Decimal

from tests.logistics.factories import lot_of
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services
from xiangcun.logistics.labels import parcel_trace_links
from xiangcun.logistics.models import FarmPickup, PackedLine
from xiangcun.orders.models import Order
from xiangcun.traceability.models import Inspection
from xiangcun.traceability.selectors import order_line_ids_for_lot


def test_intake_of_a_lot_records_its_grading_inspection(
    planned_pickup: FarmPickup, warehouse_manager: User
) -> None:
    pickup = planned_pickup
    lot = lot_of(pickup.variant, warehouse_manager)
    services.intake_record(
        actor=warehouse_manager,
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
    paid_order_to_station: Order, variant: Variant, warehouse_manager: User, packer: User
) -> None:
    lot = lot_of(variant, warehouse_manager)
    order = paid_order_to_station
    task = services.packing_task_open(actor=packer, order_id=order.pk)
    line = order.lines.get()
    parcel = services.packing_complete(
        actor=packer, task_id=task.pk, weight_g=1200, lots={line.pk: lot.pk}
    )
    assert PackedLine.objects.get(task=task).lot_id == lot.pk
    assert order_line_ids_for_lot(lot_id=lot.pk) == [line.pk]
    links = parcel_trace_links(parcel=parcel)
    assert [code for code, _link in links] == [lot.code]
    assert links[0][1].endswith(f"/10/{lot.code}")
