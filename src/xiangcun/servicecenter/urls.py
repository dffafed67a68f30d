"""Service-centre pages under /servicecenter/ (namespace `servicecenter`)."""

from django.urls import URLPattern, path

from xiangcun.servicecenter.views import counter, counter_pwa
from xiangcun.servicecenter.views import desk as desk_views
from xiangcun.servicecenter.views import drawer as drawer_views
from xiangcun.servicecenter.views import reports as report_views
from xiangcun.servicecenter.views import residents as resident_views

app_name = "servicecenter"

# The desk, residents, receipts, drawer, commission and the day's report (views/, the pages part).
urlpatterns: list[URLPattern] = [
    path("", desk_views.desk, name="desk"),
    path("residents/", resident_views.residents, name="residents"),
    path("residents/new/", resident_views.resident_new, name="resident_new"),
    path("residents/<int:resident_id>/", resident_views.resident, name="resident"),
    path(
        "residents/<int:resident_id>/withdraw/",
        resident_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("orders/<int:order_id>/receipt/", report_views.receipt, name="receipt"),
    path("drawer/", drawer_views.drawer, name="drawer"),
    path("drawer/<int:drawer_id>/close/", drawer_views.drawer_close, name="drawer_close"),
    path("drawer/loan-repayment/", drawer_views.loan_repayment, name="loan_repayment"),
    path("drawer/refund/", drawer_views.refund, name="refund"),
    path("report/", report_views.report, name="report"),
    path("commission/", report_views.commission, name="commission"),
]

# The counter console that keeps working offline: page, service worker, manifest, catalogue
# snapshot and the JSON endpoint its queue sends orders to (views/counter.py, the offline part).
urlpatterns += [
    path("counter/", counter.counter, name="counter"),
    path("counter/snapshot.json", counter.counter_snapshot, name="counter_snapshot"),
    path("counter/search.json", counter.counter_search, name="counter_search"),
    path("counter/residents.json", counter.counter_residents, name="counter_residents"),
    path("counter/orders/", counter.counter_order, name="counter_order"),
    path("sw.js", counter_pwa.counter_worker, name="counter_worker"),
    path("manifest.webmanifest", counter_pwa.counter_manifest, name="counter_manifest"),
]
