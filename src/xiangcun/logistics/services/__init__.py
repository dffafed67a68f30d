"""Every write of the logistics app, one module per kind of work: fleet and staff (`fleet`),
farm pickups and intake (`first_mile`), packing (`packing`), carriers' waybills
(`waybills`), hand-over to carriers (`handover`) and their tracking (`tracking`), pickup codes and
hand-over (`pickup_codes`), deliveries and returns (`delivery`), the road (`road`) and route
planning (`planning_inputs`, `planning`). Other apps and logistics' own pages import from here.

Rules every function keeps:
- checks first, then writes, in one transaction; a refused step writes nothing (except a wrong
  pickup code, whose count must survive the refusal);
- parcels and stops that several people may touch (driver, station agent, warehouse) are locked
  with select_for_update in primary-key order before they are judged;
- orders move through `orders.services.order_transition`, stock through inventory's services,
  lots through traceability's services; SMS through `sms_queue` (sent on commit).
"""

from xiangcun.logistics.services._common import DISPATCHABLE, stations_acted_at
from xiangcun.logistics.services.delivery import (
    FAILURE_REASONS,
    MAX_DELIVERY_ATTEMPTS,
    RETURN_REJECT_REASONS,
    parcel_deliver,
    parcel_delivery_fail,
    parcel_return_receive,
    parcel_return_start,
)
from xiangcun.logistics.services.first_mile import (
    farm_pickup_cancel,
    farm_pickup_request,
    intake_record,
)
from xiangcun.logistics.services.fleet import (
    shift_set,
    staff_member_deactivate,
    staff_member_set,
    vehicle_create,
    vehicle_status_set,
)
from xiangcun.logistics.services.handover import (
    carrier_handoff,
    carrier_handover,
    pickup_slot_set,
    signature_png,
)
from xiangcun.logistics.services.packing import (
    lot_packable_for_line,
    packing_complete,
    packing_task_open,
)
from xiangcun.logistics.services.pickup_codes import (
    PICKUP_CODE_SMS,
    PICKUP_LOCK,
    PICKUP_MAX_FAILURES,
    parcel_code_check,
    parcel_handover,
    parcel_station_receive,
    pickup_code_for,
    pickup_code_sms,
)
from xiangcun.logistics.services.planning import (
    PLANNER_SECONDS,
    logistics_demo_load,
    route_plan_day,
    route_replan,
)
from xiangcun.logistics.services.road import route_start, stop_arrive, stop_complete, stop_fail
from xiangcun.logistics.services.tracking import (
    POLL_AFTER,
    STAFF_CODES,
    carrier_exception_resolve,
    tracking_event_add,
    tracking_poll_due,
    tracking_record,
)
from xiangcun.logistics.services.waybills import (
    MAX_WAYBILL_ATTEMPTS,
    WAYBILL_ERRORS,
    sender_party,
    tracking_callback_url,
    waybill_cancel,
    waybill_new,
    waybill_record,
    waybill_request,
    waybill_retry,
    waybills_retry_due,
)

__all__ = [
    "DISPATCHABLE",
    "FAILURE_REASONS",
    "MAX_DELIVERY_ATTEMPTS",
    "MAX_WAYBILL_ATTEMPTS",
    "PICKUP_CODE_SMS",
    "PICKUP_LOCK",
    "PICKUP_MAX_FAILURES",
    "PLANNER_SECONDS",
    "POLL_AFTER",
    "RETURN_REJECT_REASONS",
    "STAFF_CODES",
    "WAYBILL_ERRORS",
    "carrier_exception_resolve",
    "carrier_handoff",
    "carrier_handover",
    "farm_pickup_cancel",
    "farm_pickup_request",
    "intake_record",
    "logistics_demo_load",
    "lot_packable_for_line",
    "packing_complete",
    "packing_task_open",
    "parcel_code_check",
    "parcel_deliver",
    "parcel_delivery_fail",
    "parcel_handover",
    "parcel_return_receive",
    "parcel_return_start",
    "parcel_station_receive",
    "pickup_code_for",
    "pickup_code_sms",
    "pickup_slot_set",
    "route_plan_day",
    "route_replan",
    "route_start",
    "sender_party",
    "shift_set",
    "signature_png",
    "staff_member_deactivate",
    "staff_member_set",
    "stations_acted_at",
    "stop_arrive",
    "stop_complete",
    "stop_fail",
    "tracking_callback_url",
    "tracking_event_add",
    "tracking_poll_due",
    "tracking_record",
    "vehicle_create",
    "vehicle_status_set",
    "waybill_cancel",
    "waybill_new",
    "waybill_record",
    "waybill_request",
    "waybill_retry",
    "waybills_retry_due",
]
