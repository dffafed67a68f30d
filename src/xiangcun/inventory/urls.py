"""The seller's stock pages, under /console/stock/ (namespace `inventory`)."""

from django.urls import path

from xiangcun.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock_list, name="stock"),
    path("<int:variant_id>/", views.stock_variant, name="stock_variant"),
]
