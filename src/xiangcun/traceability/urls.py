"""Traceability pages under /trace/ (the public trace page is at the Digital Link path
/01/<gtin>/10/<lot>, wired in the site's urls.py)."""

from django.urls import path

from xiangcun.traceability import views

app_name = "traceability"

urlpatterns = [
    path("harvest/", views.harvest, name="harvest"),
    path("products/<int:product_id>/lots/", views.product_lots, name="product_lots"),
    path("lots/", views.lot_list, name="lots"),
    path("lots/<int:lot_id>/", views.lot_detail, name="lot"),
    path("lots/<int:lot_id>/pack/", views.lot_pack_page, name="pack"),
    path("labels/<int:lot_id>.pdf", views.lot_label, name="label"),
    path("recall/", views.recall_find, name="recall"),
    path("lots/<int:lot_id>/recall/", views.recall_submit, name="recall_submit"),
]
