"""Logistics pages under /logistics/ (namespace `logistics`)."""

from django.urls import path

from xiangcun.logistics import views

app_name = "logistics"

urlpatterns = [
    path("", views.home, name="home"),
    path("route/", views.driver_route, name="route"),
    path("stops/<int:stop_id>/", views.stop_action, name="stop_action"),
    path("parcels/<int:parcel_id>/deliver/", views.parcel_deliver, name="parcel_deliver"),
    path("parcels/<int:parcel_id>/fail/", views.parcel_fail, name="parcel_fail"),
    path("handover/", views.handover, name="handover"),
    path(
        "handover/parcels/<int:parcel_id>/return/",
        views.parcel_return_start,
        name="parcel_return_start",
    ),
    path("packing/", views.packing_list, name="packing"),
    path("packing/orders/<int:order_id>/", views.packing_open, name="packing_open"),
    path("packing/<int:task_id>/", views.packing_task, name="packing_task"),
    path("packing/<int:task_id>/label.pdf", views.packing_label, name="packing_label"),
    path("packing/<int:task_id>/carrier/", views.carrier_handoff, name="carrier_handoff"),
    path("intake/", views.intake, name="intake"),
    path("returns/", views.returns, name="returns"),
    path("returns/<int:parcel_id>/", views.return_receive, name="return_receive"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatch/plan/", views.dispatch_plan, name="dispatch_plan"),
    path("fleet/", views.fleet, name="fleet"),
    path("fleet/<int:vehicle_id>/status/", views.vehicle_status, name="vehicle_status"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:staff_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("pickups/", views.pickups, name="pickups"),
    path("pickups/new/", views.pickup_new, name="pickup_new"),
    path("pickups/<int:pickup_id>/cancel/", views.pickup_cancel, name="pickup_cancel"),
]
