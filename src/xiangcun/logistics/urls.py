"""Logistics pages under /logistics/ (namespace `logistics`), by group of work."""

from django.urls import path

from xiangcun.logistics.views import (
    carriers,
    dispatch,
    driver,
    fleet,
    home,
    packing,
    pickups,
    station,
    warehouse,
)

app_name = "logistics"

urlpatterns = [
    path("", home.home, name="home"),
    path("route/", driver.driver_route, name="route"),
    path("stops/<int:stop_id>/", driver.stop_action, name="stop_action"),
    path("parcels/<int:parcel_id>/deliver/", driver.parcel_deliver, name="parcel_deliver"),
    path("parcels/<int:parcel_id>/fail/", driver.parcel_fail, name="parcel_fail"),
    path("handover/", station.handover, name="handover"),
    path(
        "handover/parcels/<int:parcel_id>/return/",
        station.parcel_return_start,
        name="parcel_return_start",
    ),
    path("packing/", packing.packing_list, name="packing"),
    path("packing/orders/<int:order_id>/", packing.packing_open, name="packing_open"),
    path("packing/<int:task_id>/", packing.packing_task, name="packing_task"),
    path("packing/<int:task_id>/label.pdf", packing.packing_label, name="packing_label"),
    path("intake/", warehouse.intake, name="intake"),
    path("returns/", warehouse.returns, name="returns"),
    path("returns/<int:parcel_id>/", warehouse.return_receive, name="return_receive"),
    path("dispatch/", dispatch.dispatch, name="dispatch"),
    path("dispatch/plan/", dispatch.dispatch_plan, name="dispatch_plan"),
    path("fleet/", fleet.fleet, name="fleet"),
    path("fleet/<int:vehicle_id>/status/", fleet.vehicle_status, name="vehicle_status"),
    path("staff/", fleet.staff, name="staff"),
    path("staff/<int:staff_id>/deactivate/", fleet.staff_deactivate, name="staff_deactivate"),
    path("pickups/", pickups.pickups, name="pickups"),
    path("pickups/new/", pickups.pickup_new, name="pickup_new"),
    path("pickups/<int:pickup_id>/cancel/", pickups.pickup_cancel, name="pickup_cancel"),
    path("carriers/", carriers.board, name="carriers"),
    path("carriers/slots/", carriers.slot_set, name="carrier_slot_set"),
    path("carriers/<slug:carrier>/handover/", carriers.handover, name="carrier_handover_sign"),
    path(
        "carriers/handovers/<int:handover_id>/",
        carriers.handover_detail,
        name="carrier_handover",
    ),
    path(
        "carriers/handovers/<int:handover_id>/signature.png",
        carriers.handover_signature,
        name="carrier_handover_signature",
    ),
    path(
        "carriers/exceptions/<int:exception_id>/resolve/",
        carriers.exception_resolve,
        name="carrier_exception_resolve",
    ),
    path("carriers/kuaidi100/push", carriers.kuaidi100_push, name="kuaidi100_push"),
    path("parcels/<str:number>/carrier/", carriers.parcel_carrier, name="parcel_carrier"),
    path("parcels/<str:number>/waybill-label.pdf", carriers.waybill_label, name="waybill_label"),
    path("track/<str:number>/", carriers.track, name="track"),
]
