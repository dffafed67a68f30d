"""The seller's stock pages, under /console/stock/ (namespace `inventory`), and shipments into
the county: the seller's notices and the warehouse's expected deliveries and receiving."""

from django.urls import path

from xiangcun.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock_list, name="stock"),
    path("<int:variant_id>/", views.stock_variant, name="stock_variant"),
    path("inbound/", views.inbound_list, name="inbound"),
    path("inbound/new/", views.inbound_new, name="inbound_new"),
    path("inbound/expected/", views.inbound_expected, name="inbound_expected"),
    path("inbound/<int:inbound_id>/", views.inbound_detail, name="inbound_detail"),
    path("inbound/<int:inbound_id>/receive/", views.inbound_receive_page, name="inbound_receive"),
]
